import { afterEach, describe, expect, it } from 'vitest';
import type { Change } from '../../shared/protocol';
import { DB_KINDS } from '../testing/testDatabase';
import { startTestServer, type TestServer } from '../testing/testServer';

/** Linking two customer records: the journey follows the merge on every mirror that holds it. */
describe.each(DB_KINDS)('customer rules on %s', (kind) => {
  let t: TestServer;
  afterEach(async () => {
    await t?.close();
  });

  it(
    'a confirmed link sends the other record’s conversations, with their new customer, to the linking agent and to whoever holds them',
    { timeout: 30_000 },
    async () => {
      t = await startTestServer(kind);
      await t.addAgent({ id: 'bob', name: 'Bob' });
      await t.addAgent({ id: 'ann', name: 'Ann' });
      // Bob has the customer's email; Ann then gets a post from the same name on X.
      const bob = await t.connect('bob');
      await bob.op('presence.set', { presence: 'available' });
      await t.settle();
      const email = await t.ingest({
        channel: 'email',
        subject: 'Refund for order 4471',
        author: { kind: 'email', value: 'maya@mail.example', displayName: 'Maya Lindqvist' },
        text: 'When will I get my money back?',
      });
      const emailId = email.body.conversationId as string;
      expect((await t.conversation(emailId)).assigned_agent_id).toBe('bob');
      await bob.op('presence.set', { presence: 'away' });
      const ann = await t.connect('ann');
      await ann.op('presence.set', { presence: 'available' });
      await t.settle();
      const post = await t.ingest({
        channel: 'x_public',
        author: { kind: 'x_handle', value: '@maya_lq', displayName: 'Maya Lindqvist' },
        text: 'Still waiting for my refund',
      });
      const postId = post.body.conversationId as string;
      const postCustomer = (await t.conversation(postId)).customer_id as string;
      expect((await t.conversation(postId)).assigned_agent_id).toBe('ann');
      const { rows } = await t.db.query<{ id: string }>(
        "select id from identity_suggestions where customer_id = $1 and status = 'pending'",
        [postCustomer],
      );
      expect(rows).toHaveLength(1);
      // Before the link Ann's mirror has no part of the email.
      const annBefore = await ann.pullAll();
      expect(annBefore.some((c) => c.entity === 'conversation' && c.id === emailId)).toBe(false);
      const bobCursor = Math.max(0, ...(await bob.pullAll()).map((c) => c.seq));

      const result = await ann.op('customer.link', { suggestionId: rows[0]!.id });
      expect(result.status, JSON.stringify(result)).toBe('applied');
      expect((await t.conversation(emailId)).customer_id).toBe(postCustomer);

      const newest = (changes: Change[], id: string) =>
        changes.filter((c) => c.entity === 'conversation' && c.id === id).at(-1)?.data;
      expect(newest(await ann.pullAll(), emailId)).toMatchObject({ customerId: postCustomer, assignedAgentId: 'bob' });
      const bobPage = await bob.pull(bobCursor);
      if ('reset_required' in bobPage) throw new Error('unexpected reset_required');
      expect(newest(bobPage.changes, emailId)).toMatchObject({ customerId: postCustomer });
    },
  );
});
