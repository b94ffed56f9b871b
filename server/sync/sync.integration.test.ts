import { afterEach, describe, expect, it } from 'vitest';
import type { Db, Queryable } from '../db/db';
import { DB_KINDS } from '../testing/testDatabase';
import { startTestServer, type TestClient, type TestServer } from '../testing/testServer';

/** The server side of the sync protocol and RELIABILITY.md scenarios 2, 3, 8, 9, 15 and 24–27. */
describe.each(DB_KINDS)('sync protocol on %s', (kind) => {
  let t: TestServer;
  afterEach(async () => {
    await t?.close();
  });

  async function withConversation(): Promise<{ agent: TestClient; conversationId: string }> {
    await t.addAgent({ id: 'dana', name: 'Dana' });
    const agent = await t.connect('dana');
    await agent.op('presence.set', { presence: 'available' });
    await t.settle();
    const { body } = await t.ingest({ channel: 'x_dm', text: 'where is my bag' });
    return { agent, conversationId: body.conversationId as string };
  }
  const reply = (agent: TestClient, conversationId: string, body = 'On it!') =>
    agent.makeOp('conversation.reply', { conversationId, messageId: crypto.randomUUID(), body, visibility: 'private' });
  const outboundCount = async (conversationId: string) =>
    (
      await t.db.query<{ n: number }>(
        "select count(*)::int as n from messages where conversation_id = $1 and direction = 'outbound'",
        [conversationId],
      )
    ).rows[0]!.n;

  it(
    'a resend after a lost ack returns the stored result and the effect stays single (scenario 2, 8)',
    { timeout: 30_000 },
    async () => {
      t = await startTestServer(kind);
      const { agent, conversationId } = await withConversation();
      const batch = [reply(agent, conversationId), reply(agent, conversationId, 'second')];
      const first = await agent.send(batch);
      expect(
        first.map((r) => r.status),
        JSON.stringify(first),
      ).toEqual(['applied', 'applied']);
      const again = await agent.send(batch);
      expect(again.map((r) => r.status)).toEqual(['already_processed', 'already_processed']);
      expect(again[0]!.original).toEqual({ status: 'applied', seq: first[0]!.seq });
      expect(await outboundCount(conversationId)).toBe(2);
    },
  );

  it(
    'two copies of one batch racing on two connections are applied once (scenario 3)',
    { timeout: 30_000 },
    async () => {
      t = await startTestServer(kind);
      const { agent, conversationId } = await withConversation();
      const twin = await t.connect('dana', { clientId: agent.clientId });
      const batch = Array.from({ length: 5 }, (_, i) => reply(agent, conversationId, `reply ${i}`));
      const [a, b] = await Promise.all([agent.send(batch), twin.send(batch)]);
      for (let i = 0; i < 5; i++) expect([a[i]!.status, b[i]!.status].sort()).toEqual(['already_processed', 'applied']);
      expect(await outboundCount(conversationId)).toBe(5);
    },
  );

  it(
    'a batch that skips a seq is answered out_of_order with the expected seq, then the resend applies (scenario 9)',
    { timeout: 30_000 },
    async () => {
      t = await startTestServer(kind);
      const { agent, conversationId } = await withConversation();
      const ops = [
        reply(agent, conversationId, 'one'),
        reply(agent, conversationId, 'two'),
        reply(agent, conversationId, 'three'),
      ];
      const expected = ops[0]!.seq;
      const results = await agent.send([ops[1], ops[2]]);
      expect(results).toEqual([
        { opId: ops[1]!.opId, status: 'out_of_order', expected },
        { opId: ops[2]!.opId, status: 'out_of_order', expected },
      ]);
      expect(await outboundCount(conversationId)).toBe(0);
      const resent = await agent.send(ops);
      expect(resent.map((r) => r.status)).toEqual(['applied', 'applied', 'applied']);
      // In the order applied: the change log's order (the test clock gives them one created_at).
      const bodies = (
        await t.db.query<{ body: string }>(
          `select m.body from messages m join changes c on c.entity = 'message' and c.entity_id = m.id
           where m.direction = 'outbound' group by m.id, m.body order by min(c.seq)`,
        )
      ).rows.map((r) => r.body);
      expect(bodies).toEqual(['one', 'two', 'three']);
    },
  );

  it('an op reusing a seq with another opId is rejected seq_reused', { timeout: 30_000 }, async () => {
    t = await startTestServer(kind);
    const { agent, conversationId } = await withConversation();
    const op = reply(agent, conversationId);
    await agent.send([op]);
    const [result] = await agent.send([{ ...op, opId: crypto.randomUUID() }]);
    expect(result).toMatchObject({ status: 'rejected', reason: 'seq_reused' });
  });

  it(
    'a database failure mid-batch keeps the committed prefix; the resend applies the rest once (scenario 15)',
    { timeout: 30_000 },
    async () => {
      t = await startTestServer(kind);
      const { agent, conversationId } = await withConversation();
      const batch = Array.from({ length: 4 }, (_, i) => reply(agent, conversationId, `reply ${i}`));
      // Only the ops' transactions count here: the reply dispatcher (which would send these out
      // between them) is stopped.
      await t.server.channels.dispatcher.stop();
      failNthTransaction(t.db, 3);
      const partial = await agent.send(batch);
      expect(partial.map((r) => r.status)).toEqual(['applied', 'applied']);
      const resent = await agent.send(batch);
      expect(resent.map((r) => r.status)).toEqual(['already_processed', 'already_processed', 'applied', 'applied']);
      expect(await outboundCount(conversationId)).toBe(4);
    },
  );

  it(
    'a reply written offline to a conversation reassigned meanwhile is rejected and names the new holder (scenario 25)',
    { timeout: 30_000 },
    async () => {
      t = await startTestServer(kind);
      const { agent, conversationId } = await withConversation();
      await t.addAgent({ id: 'lee', name: 'Lee', role: 'lead', team: 't1' });
      await t.addAgent({ id: 'sam', name: 'Sam' });
      const lead = await t.connect('lee');
      await t.connect('sam').then((c) => c.op('presence.set', { presence: 'available' }));
      expect(
        (await lead.op('conversation.transfer', { conversationId, to: { kind: 'agent', agentId: 'sam' } })).status,
      ).toBe('applied');
      const result = await agent.send([reply(agent, conversationId, 'typed on the train')]);
      expect(result[0]).toMatchObject({
        status: 'rejected',
        reason: 'not_assignee',
        detail: 'This conversation is now with Sam.',
      });
      expect(await outboundCount(conversationId)).toBe(0);
    },
  );

  it(
    'two agents claiming one conversation: the first commit wins, the second is told who has it (scenario 24)',
    { timeout: 30_000 },
    async () => {
      t = await startTestServer(kind);
      const { agent, conversationId } = await withConversation();
      await t.addAgent({ id: 'other', name: 'Other' });
      const other = await t.connect('other');
      const [mine, theirs] = await Promise.all([
        agent.op(
          'conversation.transfer',
          { conversationId, to: { kind: 'queue', skill: 'social' } },
          { baseVersion: (await t.conversation(conversationId)).version as number },
        ),
        other.op('conversation.reply', {
          conversationId,
          messageId: crypto.randomUUID(),
          body: 'mine!',
          visibility: 'private',
        }),
      ]);
      expect(mine.status).toBe('applied');
      expect(theirs).toMatchObject({ status: 'rejected', reason: 'not_assignee' });
    },
  );

  it('presence toggled several times offline: only the newest applies (scenario 26)', { timeout: 30_000 }, async () => {
    t = await startTestServer(kind);
    await t.addAgent({ id: 'p' });
    const agent = await t.connect('p');
    // Ops queued while offline carry their (past) creation time.
    const base = Date.now() - 60_000;
    const at = (ms: number) => new Date(base + ms).toISOString();
    const newest = agent.makeOp('presence.set', { presence: 'away' }, { createdAt: at(3000) });
    const older = agent.makeOp('presence.set', { presence: 'available' }, { createdAt: at(1000) });
    // Delivered out of time order (another window's op sent later): the older one must not win.
    const results = await agent.send([newest, older]);
    expect(results.map((r) => r.status)).toEqual(['applied', 'applied']);
    const { rows } = await t.db.query<{ presence: string }>("select presence from agents where id = 'p'");
    expect(rows[0]!.presence).toBe('away');
  });

  it('a disposition submitted twice leaves one row (scenario 27)', { timeout: 30_000 }, async () => {
    t = await startTestServer(kind);
    const { agent, conversationId } = await withConversation();
    const wrap = agent.makeOp('conversation.wrap_up', {
      conversationId,
      disposition: 'resolved_first_contact',
      notes: 'rebooked',
    });
    await agent.send([wrap]);
    await agent.send([wrap]);
    const { rows } = await t.db.query<{ n: number }>(
      'select count(*)::int as n from dispositions where conversation_id = $1',
      [conversationId],
    );
    expect(rows[0]!.n).toBe(1);
  });

  it('a client id bound to one agent cannot be used by another', { timeout: 30_000 }, async () => {
    t = await startTestServer(kind);
    await t.addAgent({ id: 'one' });
    await t.addAgent({ id: 'two' });
    const one = await t.connect('one');
    await one.op('presence.set', { presence: 'away' });
    const two = await t.connect('two', { clientId: one.clientId });
    two.seq = 1;
    expect(await two.op('presence.set', { presence: 'away' })).toMatchObject({
      status: 'rejected',
      reason: 'client_bound_to_other_agent',
    });
  });

  it(
    'pull by cursor returns only what the user may see, with pushes continuing from the pulled cursor',
    { timeout: 30_000 },
    async () => {
      t = await startTestServer(kind);
      const { agent, conversationId } = await withConversation();
      await t.addAgent({ id: 'stranger' });
      const stranger = await t.connect('stranger');
      const mine = await agent.pullAll();
      expect(mine.some((c) => c.entity === 'conversation' && c.id === conversationId)).toBe(true);
      const theirs = await stranger.pullAll();
      expect(theirs.some((c) => c.id === conversationId)).toBe(false);
      expect(theirs.some((c) => c.entity === 'message')).toBe(false);
      // Cursors only grow, and a cursor from the future asks for a reset.
      expect(await stranger.pull(10_000_000)).toEqual({ reset_required: true, cursor: 0 });
      const page = await agent.pull(0, 1);
      expect('changes' in page && page.more).toBe(true);
      const pulledTo = (await agent.pull(0, 5000)) as { cursor: number };
      agent.pushes.length = 0;
      await agent.op('conversation.note', {
        conversationId,
        messageId: crypto.randomUUID(),
        body: 'called the airport',
      });
      await expect.poll(() => agent.pushes.length).toBeGreaterThan(0);
      expect(agent.pushes[0]!.prev).toBe(pulledTo.cursor);
    },
  );
});

/** Makes the nth transaction from now fail like a lost database connection. */
function failNthTransaction(db: Db, n: number) {
  const original = db.transaction.bind(db);
  let count = 0;
  db.transaction = async <T>(fn: (tx: Queryable) => Promise<T>): Promise<T> => {
    count += 1;
    if (count === n) {
      db.transaction = original;
      throw Object.assign(new Error('connection terminated unexpectedly'), { code: '57P01' });
    }
    return original(fn);
  };
}
