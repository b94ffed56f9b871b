import { afterEach, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../testing/testDatabase';
import { startTestServer, type TestServer } from '../testing/testServer';

/**
 * The routing engine through the real server (HTTP ingestion, sync socket, database), on PGlite
 * and on PostgreSQL.
 */
describe.each(DB_KINDS)('routing on %s', (kind) => {
  let t: TestServer;
  afterEach(async () => {
    await t?.close();
  });

  const available = async (agentId: string) => {
    const client = await t.connect(agentId);
    expect((await client.op('presence.set', { presence: 'available' })).status).toBe('applied');
    await t.settle();
    return client;
  };
  const assignee = async (conversationId: string) => (await t.conversation(conversationId)).assigned_agent_id;
  const status = async (conversationId: string) => (await t.conversation(conversationId)).status;

  it('offers a conversation only to an agent with its skills', { timeout: 30_000 }, async () => {
    t = await startTestServer(kind);
    await t.addAgent({ id: 'voice-only', skills: { voice: 3 } });
    await t.addAgent({ id: 'social', skills: { social: 3 } });
    await available('voice-only');
    await available('social');
    const { body } = await t.ingest({ channel: 'x_public', text: 'hello there, where is my refund' });
    expect(await assignee(body.conversationId as string)).toBe('social');
    const spanish = await t.ingest({
      channel: 'x_dm',
      text: 'Hola, necesito ayuda con mi reserva y mi maleta perdida por favor',
    });
    // Nobody speaks Spanish: it waits rather than going to someone who cannot answer.
    expect(await status(spanish.body.conversationId as string)).toBe('queued');
    await t.addAgent({ id: 'spanish', skills: { social: 2, 'lang:es': 3 } });
    await available('spanish');
    expect(await assignee(spanish.body.conversationId as string)).toBe('spanish');
  });

  it(
    'an agent free when a message arrives gets it in the ingestion transaction, with its working set; other teams’ leads never see it',
    { timeout: 30_000 },
    async () => {
      t = await startTestServer(kind);
      await t.addAgent({ id: 'ann', skills: { social: 3 }, team: 't1' });
      await t.addAgent({ id: 'leo', role: 'lead', team: 't2' });
      const ann = await available('ann');
      const leo = await t.connect('leo');
      const { body } = await t.ingest({ channel: 'x_dm', text: 'my bag never arrived' });
      const id = body.conversationId as string;
      // Written already assigned (no queued state in between), in the ingestion's own transaction.
      expect(await t.conversation(id)).toMatchObject({
        status: 'assigned',
        assigned_agent_id: 'ann',
        sticky_until: null,
      });
      const annSees = await ann.pullAll();
      expect(annSees.find((c) => c.id === id)?.data).toMatchObject({ status: 'assigned', assignedAgentId: 'ann' });
      expect(annSees.some((c) => c.id === body.messageId)).toBe(true);
      expect(annSees.some((c) => c.entity === 'customer')).toBe(true);
      expect(annSees.some((c) => c.entity === 'identity')).toBe(true);
      expect((await leo.pullAll()).some((c) => c.id === id)).toBe(false);
      expect(t.server.routing.router.getAgent('ann')?.load.social).toBe(1);
    },
  );

  it(
    'a conversation nobody can take is queued for every lead, then removed from other teams’ leads once an agent takes it',
    { timeout: 30_000 },
    async () => {
      t = await startTestServer(kind);
      await t.addAgent({ id: 'ann', skills: { social: 3 }, team: 't1' });
      await t.addAgent({ id: 'leo', role: 'lead', team: 't2' });
      const leo = await t.connect('leo');
      const { body } = await t.ingest({ channel: 'x_dm', text: 'my bag never arrived' });
      const id = body.conversationId as string;
      expect(await status(id)).toBe('queued');
      await available('ann');
      expect(await assignee(id)).toBe('ann');
      const states = (await leo.pullAll()).filter((c) => c.id === id).map((c) => c.data);
      expect(states[0]).toMatchObject({ status: 'queued', assignedAgentId: null });
      expect(states.at(-1)).toBeNull();
    },
  );

  it(
    'an ingestion that fails after an agent was chosen gives their capacity back and stores nothing',
    { timeout: 30_000 },
    async () => {
      t = await startTestServer(kind);
      await t.addAgent({ id: 'ann', skills: { social: 3 }, capacity: { social: 1, chat: 0, email: 0, voice: 0 } });
      await available('ann');
      // The message insert, which comes after the agent is chosen, fails once.
      await t.db.exec(`create function fail_once() returns trigger language plpgsql as $$
        begin if new.body = 'explode' then raise exception 'injected failure'; end if; return new; end $$;
        create trigger fail_once before insert on messages for each row execute function fail_once();`);
      const failed = await t.ingest({ channel: 'x_dm', text: 'explode' });
      expect(failed.status).toBe(500);
      expect((await t.db.query('select id from conversations')).rows).toHaveLength(0);
      expect(t.server.routing.router.getAgent('ann')?.load.social).toBe(0);
      // Her one unit of capacity is free for the next conversation.
      const { body } = await t.ingest({ channel: 'x_dm', text: 'my bag never arrived' });
      expect(await assignee(body.conversationId as string)).toBe('ann');
    },
  );

  it('never exceeds blended capacity across channels, and a call blocks other work', { timeout: 30_000 }, async () => {
    t = await startTestServer(kind);
    await t.addAgent({
      id: 'a',
      skills: { social: 3, email: 3, voice: 3 },
      capacity: { social: 2, email: 1, voice: 1, chat: 0 },
    });
    await available('a');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await t.ingest({ channel: 'x_public', text: `post ${i}` })).body.conversationId as string);
    for (let i = 0; i < 2; i++)
      ids.push(
        (await t.ingest({ channel: 'email', text: `mail ${i}`, author: { kind: 'email', value: `c${i}@x.example` } }))
          .body.conversationId as string,
      );
    const statuses = await Promise.all(ids.map(status));
    expect(statuses.filter((s) => s === 'assigned')).toHaveLength(3); // 2 social + 1 email
    const { rows } = await t.db.query<{ n: number }>(
      "select count(*)::int as n from conversations where assigned_agent_id = 'a' and channel = 'x_public'",
    );
    expect(rows[0]!.n).toBe(2);
  });

  it(
    'sends a returning customer back to their last agent across channels, and falls back after the wait',
    { timeout: 30_000 },
    async () => {
      t = await startTestServer(kind, { SWITCHBOARD_STICKY_WAIT_SECONDS: 60 });
      await t.addAgent({ id: 'first', skills: { social: 3, email: 3 } });
      await t.addAgent({ id: 'second', skills: { social: 3, email: 3 } });
      const first = await available('first');
      await available('second');
      const author = { kind: 'email' as const, value: 'dana@customer.example', displayName: 'Dana Customer' };
      const one = await t.ingest({ channel: 'email', text: 'my bag is lost', author });
      const firstAgent = (await assignee(one.body.conversationId as string)) as string;
      const agentClient = firstAgent === 'first' ? first : await t.connect('second');
      expect((await agentClient.op('conversation.resolve', { conversationId: one.body.conversationId })).status).toBe(
        'applied',
      );
      await t.settle();

      // Same customer again on the same identity: back to the same agent, even if the other is idler.
      const two = await t.ingest({ channel: 'email', text: 'still no bag', author, threadKey: 'another-thread' });
      expect(await assignee(two.body.conversationId as string)).toBe(firstAgent);

      // Their agent is busy (away): the conversation waits for them, then falls back after 60 s.
      await agentClient.op('presence.set', { presence: 'away' });
      await t.settle();
      await agentClient.op('conversation.resolve', { conversationId: two.body.conversationId });
      await t.settle();
      const three = await t.ingest({ channel: 'email', text: 'hello again', author, threadKey: 'third-thread' });
      const threeId = three.body.conversationId as string;
      expect(await status(threeId)).toBe('queued');
      t.clock.advance(61_000);
      await t.tick();
      const other = firstAgent === 'first' ? 'second' : 'first';
      expect(await assignee(threeId)).toBe(other);
    },
  );

  it(
    'expires an unanswered call offer, marks the agent away and offers the call to someone else',
    { timeout: 30_000 },
    async () => {
      t = await startTestServer(kind, { SWITCHBOARD_OFFER_SECONDS: 20 });
      await t.addAgent({ id: 'slow', skills: { voice: 3 } });
      const slow = await available('slow');
      const call = await t.ingest({
        channel: 'voice',
        kind: 'transcript',
        speaker: 'customer',
        text: 'Hello, I am calling about my flight',
        author: { kind: 'phone', value: '+14155550100' },
      });
      const id = call.body.conversationId as string;
      expect(await status(id)).toBe('offered');
      await t.addAgent({ id: 'quick', skills: { voice: 3 } });
      const quick = await available('quick');
      t.clock.advance(21_000);
      await t.tick();
      expect(await assignee(id)).toBe('quick');
      expect(await status(id)).toBe('offered');
      const { rows } = await t.db.query<{ presence: string }>("select presence from agents where id = 'slow'");
      expect(rows[0]!.presence).toBe('away');
      expect(await slow.op('offer.accept', { conversationId: id })).toMatchObject({
        status: 'rejected',
        reason: 'already_assigned',
      });
      expect((await quick.op('offer.accept', { conversationId: id })).status).toBe('applied');
      expect(await status(id)).toBe('assigned');
    },
  );

  it(
    "keeps a disconnected agent's conversations for the grace period, then requeues them",
    { timeout: 30_000 },
    async () => {
      t = await startTestServer(kind, { SWITCHBOARD_DISCONNECT_GRACE_SECONDS: 120 });
      await t.addAgent({ id: 'leaver' });
      const leaver = await available('leaver');
      const { body } = await t.ingest({ channel: 'x_dm', text: 'help with my booking' });
      const id = body.conversationId as string;
      expect(await assignee(id)).toBe('leaver');
      leaver.close();
      await new Promise((r) => setTimeout(r, 200));
      await t.settle();
      t.clock.advance(60_000);
      await t.tick();
      expect(await assignee(id)).toBe('leaver');
      await t.addAgent({ id: 'stayer' });
      await available('stayer');
      t.clock.advance(61_000);
      await t.tick();
      expect(await assignee(id)).toBe('stayer');
    },
  );

  it('a reconnect inside the grace period keeps the conversation', { timeout: 30_000 }, async () => {
    t = await startTestServer(kind, { SWITCHBOARD_DISCONNECT_GRACE_SECONDS: 120 });
    await t.addAgent({ id: 'blip' });
    await t.addAgent({ id: 'other' });
    const blip = await available('blip');
    const { body } = await t.ingest({ channel: 'x_dm', text: 'help with my booking' });
    const id = body.conversationId as string;
    const holder = (await assignee(id)) as string;
    const holderClient = holder === 'blip' ? blip : await t.connect(holder);
    holderClient.close();
    await new Promise((r) => setTimeout(r, 200));
    t.clock.advance(30_000);
    await t.connect(holder);
    t.clock.advance(200_000);
    await t.tick();
    expect(await assignee(id)).toBe(holder);
  });

  it('transfers to a skill queue and to an agent', { timeout: 30_000 }, async () => {
    t = await startTestServer(kind);
    await t.addAgent({ id: 'generalist', skills: { social: 3 } });
    await t.addAgent({ id: 'refund-expert', skills: { social: 3, refunds: 4 } });
    await t.addAgent({ id: 'named', skills: { social: 3 } });
    const generalist = await available('generalist');
    const { body } = await t.ingest({ channel: 'x_dm', text: 'I want my money back' });
    const id = body.conversationId as string;
    const holder = (await assignee(id)) as string;
    const holderClient = holder === 'generalist' ? generalist : await t.connect(holder);
    await available('refund-expert');
    expect(
      (await holderClient.op('conversation.transfer', { conversationId: id, to: { kind: 'queue', skill: 'refunds' } }))
        .status,
    ).toBe('applied');
    await t.settle();
    expect(await assignee(id)).toBe('refund-expert');
    const expert = await t.connect('refund-expert');
    expect(
      (await expert.op('conversation.transfer', { conversationId: id, to: { kind: 'agent', agentId: 'named' } }))
        .status,
    ).toBe('rejected');
    await available('named');
    expect(
      (
        await expert.op('conversation.transfer', {
          conversationId: id,
          to: { kind: 'agent', agentId: 'named' },
          note: 'VIP',
        })
      ).status,
    ).toBe('applied');
    expect(await assignee(id)).toBe('named');
    // The old holder is told the conversation left their view.
    const removal = (await expert.pullAll()).filter((c) => c.entity === 'conversation' && c.id === id).at(-1);
    expect(removal?.data).toBeNull();
  });

  it(
    'serves the most urgent first: a viral complaint is answered before an older quiet question',
    { timeout: 30_000 },
    async () => {
      t = await startTestServer(kind);
      await t.addAgent({ id: 'solo', skills: { social: 3 }, capacity: { social: 1 } });
      const old = await t.ingest({
        channel: 'x_dm',
        text: 'a quiet question about seats: can I choose mine online before check-in?',
        author: { kind: 'x_handle', value: '@quiet' },
      });
      t.clock.advance(5_000);
      const viral = await t.ingest({
        channel: 'x_public',
        text: 'You broke my guitar and you do not care. Worst, terrible, awful airline',
        author: { kind: 'x_handle', value: '@famous', followers: 2_000_000 },
      });
      const solo = await available('solo');
      expect(await assignee(viral.body.conversationId as string)).toBe('solo');
      expect(await status(old.body.conversationId as string)).toBe('queued');
      await solo.op('conversation.resolve', { conversationId: viral.body.conversationId });
      await t.settle();
      expect(await assignee(old.body.conversationId as string)).toBe('solo');
    },
  );

  it('two agents accepting the same call at once: exactly one gets it', { timeout: 30_000 }, async () => {
    t = await startTestServer(kind);
    await t.addAgent({ id: 'x1', skills: { voice: 3 } });
    const x1 = await available('x1');
    const { body } = await t.ingest({
      channel: 'voice',
      kind: 'transcript',
      text: 'hi',
      author: { kind: 'phone', value: '+14155550101' },
    });
    const id = body.conversationId as string;
    await t.addAgent({ id: 'x2', skills: { voice: 3 } });
    const x2 = await t.connect('x2');
    const [a, b] = await Promise.all([
      x1.op('offer.accept', { conversationId: id }),
      x2.op('offer.accept', { conversationId: id }),
    ]);
    expect([a.status, b.status].sort()).toEqual(['applied', 'rejected']);
    const { rows } = await t.db.query<{ n: number }>(
      "select count(*)::int as n from offers where conversation_id = $1 and status = 'accepted'",
      [id],
    );
    expect(rows[0]!.n).toBe(1);
    expect(await assignee(id)).toBe('x1');
  });
});
