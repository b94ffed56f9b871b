import { afterEach, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../testing/testDatabase';
import { startTestServer, type TestServer } from '../testing/testServer';

/** Who may act on what, beyond the assignee rule: team leads, closed conversations, expired sessions. */
describe.each(DB_KINDS)('ownership on %s', (kind) => {
  let t: TestServer;
  afterEach(async () => {
    await t?.close();
  });

  async function assigned() {
    await t.addAgent({ id: 'ann', team: 't1' });
    const ann = await t.connect('ann');
    await ann.op('presence.set', { presence: 'available' });
    await t.settle();
    const { body } = await t.ingest({
      channel: 'x_dm',
      text: 'my bag did not arrive in Oslo',
      author: { kind: 'x_handle', value: '@traveller', displayName: 'Tess Traveller' },
    });
    return { ann, conversationId: body.conversationId as string };
  }

  it(
    'a lead of another team cannot act on a conversation of this team; the team’s own lead can',
    { timeout: 30_000 },
    async () => {
      t = await startTestServer(kind);
      const { conversationId } = await assigned();
      await t.addAgent({ id: 'other-lead', role: 'lead', team: 't2' });
      await t.addAgent({ id: 'own-lead', role: 'lead', team: 't1' });
      const other = await t.connect('other-lead');
      const own = await t.connect('own-lead');
      const note = (id: string) => ({ conversationId, messageId: crypto.randomUUID(), body: `note from ${id}` });
      expect(await other.op('conversation.note', note('other'))).toMatchObject({
        status: 'rejected',
        reason: 'forbidden',
      });
      expect(
        await other.op('conversation.transfer', { conversationId, to: { kind: 'queue', skill: 'social' } }),
      ).toMatchObject({ status: 'rejected', reason: 'forbidden' });
      expect((await own.op('conversation.note', note('own'))).status).toBe('applied');
      const { rows } = await t.db.query<{ body: string }>("select body from messages where direction = 'note'");
      expect(rows.map((r) => r.body)).toEqual(['note from own']);
    },
  );

  it(
    'an agent cannot change a customer’s identities once their conversation is resolved',
    { timeout: 30_000 },
    async () => {
      t = await startTestServer(kind);
      const { ann, conversationId } = await assigned();
      // A second identity for the same person, linked by an agent earlier: now two identities.
      const { rows } = await t.db.query<{ customer_id: string }>(
        'select customer_id from conversations where id = $1',
        [conversationId],
      );
      await t.db.query(
        "insert into identities (id, customer_id, kind, value) values ('id-email', $1, 'email', 'tess@example.com')",
        [rows[0]!.customer_id],
      );
      expect((await ann.op('conversation.resolve', { conversationId })).status).toBe('applied');
      expect(await ann.op('customer.unlink', { identityId: 'id-email' })).toMatchObject({
        status: 'rejected',
        reason: 'forbidden',
      });
    },
  );

  it('a socket whose token has expired gets token_expired and is disconnected', { timeout: 30_000 }, async () => {
    t = await startTestServer(kind);
    const { ann } = await assigned();
    t.clock.advance(16 * 60_000);
    const answer = (await ann.socket.timeout(5000).emitWithAck('pull', { cursor: 0 })) as { error?: { code: string } };
    expect(answer.error?.code).toBe('token_expired');
    await expect.poll(() => ann.socket.connected).toBe(false);
  });
});
