import { afterEach, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../testing/testDatabase';
import { startTestServer, type TestServer } from '../testing/testServer';

/** A social thread answered by email: only to a customer with an email address, stored as such. */
describe.each(DB_KINDS)('a reply by email on %s', (kind) => {
  let t: TestServer;
  afterEach(async () => {
    await t?.close();
  });

  it(
    'goes to a customer with an email identity, is refused without one, and never on an email thread',
    { timeout: 30_000 },
    async () => {
      t = await startTestServer(kind);
      await t.addAgent({ id: 'dana', name: 'Dana' });
      const dana = await t.connect('dana');
      await dana.op('presence.set', { presence: 'available' });
      await t.settle();
      // Maya wrote by email once, then posts a DM under the same name: one customer after the link.
      const { body: dm } = await t.ingest({
        channel: 'x_dm',
        text: 'Where is my refund?',
        author: { kind: 'x_handle', value: 'maya_l', displayName: 'Maya L' },
      });
      const dmId = dm.conversationId as string;
      const reply = (via?: 'email', conversationId = dmId) =>
        dana.op('conversation.reply', {
          conversationId,
          messageId: crypto.randomUUID(),
          body: 'Dear Maya, your refund is on its way.',
          visibility: 'private',
          ...(via ? { via } : {}),
        });

      const refused = await reply('email');
      expect(refused).toMatchObject({ status: 'rejected', reason: 'invalid_op' });
      expect(refused.detail).toContain('no email address');

      const customerId = (await t.conversation(dmId)).customer_id as string;
      await t.db.query(
        "insert into identities (id, customer_id, kind, value, display_name, evidence) values ($1, $2, 'email', 'maya@example.com', 'Maya L', '[]')",
        [crypto.randomUUID(), customerId],
      );
      const sent = await reply('email');
      expect(sent.status, JSON.stringify(sent)).toBe('applied');
      const { rows } = await t.db.query<{ via: string | null; direction: string }>(
        "select via, direction from messages where conversation_id = $1 and direction = 'outbound'",
        [dmId],
      );
      expect(rows).toEqual([{ via: 'email', direction: 'outbound' }]);
      await t.settle();
      const pushed = dana.pushes
        .flatMap((p) => p.changes)
        .filter((c) => c.entity === 'message' && c.data?.via === 'email');
      // The reply is published once as written (queued for sending by email), then as the
      // dispatcher's outcome changes it; one message either way.
      expect(new Set(pushed.map((c) => c.id)).size).toBe(1);
      expect(pushed[0]?.data).toMatchObject({ via: 'email', delivery: 'pending' });
      const { rows: deliveries } = await t.db.query<{ channel: string }>(
        'select channel from deliveries where conversation_id = $1',
        [dmId],
      );
      expect(deliveries).toEqual([{ channel: 'email' }]);

      const { body: mail } = await t.ingest({
        channel: 'email',
        subject: 'Refund',
        text: 'Any news?',
        author: { kind: 'email', value: 'maya@example.com', displayName: 'Maya L' },
      });
      const onEmail = await reply('email', mail.conversationId as string);
      expect(onEmail).toMatchObject({ status: 'rejected', reason: 'invalid_op' });
    },
  );
});
