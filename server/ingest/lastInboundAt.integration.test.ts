import { afterEach, describe, expect, it } from 'vitest';
import type { Change } from '../../shared/protocol';
import { DB_KINDS } from '../testing/testDatabase';
import { startTestServer, type TestClient, type TestServer } from '../testing/testServer';

/** `lastInboundAt`: when the customer last wrote, which the inbox reads "unread" from. */
describe.each(DB_KINDS)('lastInboundAt on %s', (kind) => {
  let t: TestServer;
  afterEach(async () => {
    await t?.close();
  });

  const lastPublished = (client: TestClient, conversationId: string) =>
    client.pushes
      .flatMap((p) => p.changes)
      .filter((c: Change) => c.entity === 'conversation' && c.id === conversationId)
      .at(-1)?.data;

  it(
    'the conversation change of each inbound message carries its time; a reply and an older late delivery do not move it',
    { timeout: 30_000 },
    async () => {
      t = await startTestServer(kind);
      await t.addAgent({ id: 'dana' });
      const dana = await t.connect('dana');
      await dana.op('presence.set', { presence: 'available' });
      await t.settle();

      const firstAt = new Date(t.clock.now() - 5_000).toISOString();
      const { body } = await t.ingest({
        channel: 'x_dm',
        threadKey: 'bag',
        occurredAt: firstAt,
        text: 'where is my bag',
      });
      const conversationId = body.conversationId as string;
      await expect.poll(() => lastPublished(dana, conversationId)?.lastInboundAt).toBe(firstAt);
      expect(lastPublished(dana, conversationId)?.preview).toBe('where is my bag');

      t.clock.advance(60_000);
      const reply = await dana.op('conversation.reply', {
        conversationId,
        messageId: crypto.randomUUID(),
        body: 'Looking now.',
        visibility: 'private',
      });
      expect(reply.status).toBe('applied');
      await expect.poll(() => lastPublished(dana, conversationId)?.firstResponseAt).not.toBeNull();
      expect(lastPublished(dana, conversationId)?.lastInboundAt).toBe(firstAt);

      const secondAt = new Date(t.clock.now()).toISOString();
      await t.ingest({
        channel: 'x_dm',
        threadKey: 'bag',
        occurredAt: secondAt,
        text: 'any\n\n  news? ' + 'x'.repeat(200),
      });
      await expect.poll(() => lastPublished(dana, conversationId)?.lastInboundAt).toBe(secondAt);
      // The preview is the latest message's start, whitespace folded, at most 120 characters.
      expect(lastPublished(dana, conversationId)?.preview).toBe(('any news? ' + 'x'.repeat(200)).slice(0, 120));

      // A provider delivering an older message late does not make the thread look older.
      const version = lastPublished(dana, conversationId)?.version as number;
      await t.ingest({ channel: 'x_dm', threadKey: 'bag', occurredAt: firstAt, text: 'also, hello' });
      await expect.poll(() => lastPublished(dana, conversationId)?.version).toBe(version + 1);
      expect(lastPublished(dana, conversationId)?.lastInboundAt).toBe(secondAt);
      expect(lastPublished(dana, conversationId)?.preview).toMatch(/^any news\? x+$/);
    },
  );

  it('a call transcript segment is not the customer writing', { timeout: 30_000 }, async () => {
    t = await startTestServer(kind);
    const { body } = await t.ingest({
      channel: 'voice',
      kind: 'transcript',
      speaker: 'customer',
      author: { kind: 'phone', value: '+4799999999' },
      text: 'hello, I am calling about my bag',
    });
    expect((await t.conversation(body.conversationId as string)).last_inbound_at).toBeNull();
  });
});
