import { afterEach, describe, expect, it } from 'vitest';
import type { ScorecardVersionView } from '../../shared/qa/scorecard';
import { DB_KINDS } from '../testing/testDatabase';
import { startTestServer, type TestServer } from '../testing/testServer';
import { addHandledConversation, callApi, publishScorecard } from './qaTestKit';
import { inShare } from './sampling';

/**
 * Sampling rules: a random share, a number per agent per week, and risk picks. Never a lead's own
 * conversation, each conversation at most once per rule, the least loaded lead first.
 */
describe.each(DB_KINDS)('QA sampling on %s', { timeout: 60_000 }, (kind) => {
  let t: TestServer;
  afterEach(async () => {
    await t?.close();
  });

  it('assigns resolved conversations by rule to the other leads, once per rule', async () => {
    t = await startTestServer(kind);
    await t.addAgent({ id: 'lee', role: 'lead' });
    await t.addAgent({ id: 'lou', role: 'lead' });
    await t.addAgent({ id: 'dana' });
    await t.addAgent({ id: 'omar' });
    const token = await t.signIn('lee');
    const call = async (path: string, body?: unknown) => {
      const response = await fetch(`${t.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const card = (
      await call('/api/scorecards', {
        name: 'S',
        sections: [{ id: 's', title: 'S', criteria: [{ id: 'c', label: 'C', weight: 1, scale: 'yes_no' }] }],
      })
    ).body as unknown as ScorecardVersionView;

    // 40 resolved conversations: dana and omar 16 each, and 8 of lee's own (leads take work too).
    const now = t.clock.now();
    await t.db.query("insert into customers (id, display_name) values ('cust', 'C')");
    const agents = [
      ...Array<string>(16).fill('dana'),
      ...Array<string>(16).fill('omar'),
      ...Array<string>(8).fill('lee'),
    ];
    for (const [i, agent] of agents.entries()) {
      const risky = i % 10 === 0;
      await t.db.query(
        `insert into conversations (id, customer_id, channel, thread_key, status, assigned_agent_id, sentiment, reach, sla_breaches, created_at, resolved_at)
         values ($1, 'cust', $2, $1, 'resolved', $3, $4, $5, $6, $7, $8)`,
        [
          `conv-${i}`,
          risky ? 'x_public' : 'email',
          agent,
          risky ? -3 : 1,
          risky ? 250_000 : 0,
          i % 7 === 0 ? ['first_response'] : [],
          new Date(now - 3 * 3600_000),
          new Date(now - 3600_000 + i),
        ],
      );
    }

    const rule = async (name: string, spec: unknown) =>
      call('/api/qa/sampling-rules', { name, scorecardId: card.scorecardId, leadIds: ['lee', 'lou'], rule: spec });
    const share = await rule('Random 25 %', { kind: 'random_share', share: 0.25 });
    expect(share.status).toBe(201);
    await rule('Two per agent', { kind: 'per_agent_week', perAgent: 2 });
    await rule('Risky', { kind: 'risk', publicReach: 100_000, slaBreached: true });
    expect((await rule('Bad', { kind: 'random_share', share: 2 })).status).toBe(400);

    expect((await call('/api/qa/sampling/run')).body).toMatchObject({ assigned: expect.any(Number) as number });
    const { rows } = await t.db.query<{
      rule: string;
      conversation_id: string;
      agent_id: string;
      lead_id: string;
      reason: string;
    }>(
      `select r.name as rule, a.conversation_id, a.agent_id, a.lead_id, a.reason from review_assignments a
       join sampling_rules r on r.id = a.rule_id order by r.name, a.conversation_id`,
    );
    // Nobody reviews their own conversation.
    expect(rows.filter((r) => r.agent_id === r.lead_id)).toEqual([]);
    // The random share is the stable coin's pick, exactly.
    const shareId = share.body.id as string;
    const expected = agents.map((_, i) => `conv-${i}`).filter((id) => inShare(shareId, id, 0.25));
    expect(
      rows
        .filter((r) => r.rule === 'Random 25 %')
        .map((r) => r.conversation_id)
        .sort(),
    ).toEqual(expected.sort());
    // Two per agent this week, newest first.
    const perAgent = rows.filter((r) => r.rule === 'Two per agent');
    expect(perAgent.map((r) => r.agent_id).sort()).toEqual(['dana', 'dana', 'lee', 'lee', 'omar', 'omar']);
    // One open assignment per conversation: a later rule skips what an earlier one assigned.
    expect(new Set(rows.map((r) => r.conversation_id)).size).toBe(rows.length);
    // Risk: the public complaints with reach (every 10th) and the SLA breaches (every 7th), but
    // those the random share or the per-agent rule took already.
    const taken = new Set(rows.filter((r) => r.rule !== 'Risky').map((r) => Number(r.conversation_id.slice(5))));
    const risky = rows.filter((r) => r.rule === 'Risky').map((r) => Number(r.conversation_id.slice(5)));
    expect(risky.sort((a, b) => a - b)).toEqual([0, 7, 10, 14, 20, 21, 28, 30, 35].filter((i) => !taken.has(i)));
    const reasons = new Map(rows.map((r) => [r.conversation_id, r.reason]));
    if (!taken.has(10)) expect(reasons.get('conv-10')).toBe('Risky: public complaint with 250,000 followers');
    // Work spread over both leads; lee's own go to lou.
    expect(rows.filter((r) => r.agent_id === 'lee').every((r) => r.lead_id === 'lou')).toBe(true);
    expect(new Set(rows.map((r) => r.lead_id))).toEqual(new Set(['lee', 'lou']));

    // A second run assigns nothing new.
    expect((await call('/api/qa/sampling/run')).body).toEqual({ assigned: 0 });
    // Each lead is told of theirs through the change log, and only theirs.
    const lou = await t.connect('lou');
    const louSees = (await lou.pullAll()).filter((c) => c.entity === 'assignment');
    expect(louSees.length).toBe(rows.filter((r) => r.lead_id === 'lou').length);
    expect(louSees.every((c) => c.data?.leadId === 'lou')).toBe(true);

    // Lou's submitted review of an assigned conversation settles every open assignment of it.
    expect((await call(`/api/scorecards/${card.scorecardId}/publish`)).status).toBe(200);
    const mine = rows.filter((r) => r.lead_id === 'lou');
    const target = mine[0]!.conversation_id;
    const reviewId = crypto.randomUUID();
    const save = { reviewId, conversationId: target, scorecardId: card.scorecardId, scorecardVersion: 1 };
    expect(await lou.op('review.save', { ...save, ratings: { c: 'yes' } })).toMatchObject({ status: 'applied' });
    expect(await lou.op('review.submit', { reviewId })).toMatchObject({ status: 'applied' });
    const { rows: states } = await t.db.query<{ conversation_id: string; status: string }>(
      "select conversation_id, status from review_assignments where lead_id = 'lou'",
    );
    expect(states.filter((r) => r.status === 'done').map((r) => r.conversation_id)).toEqual(
      mine.filter((r) => r.conversation_id === target).map((r) => r.conversation_id),
    );
    const pushed = (await lou.pullAll()).filter((c) => c.entity === 'assignment' && c.data?.status === 'done');
    expect(pushed.map((c) => c.data?.conversationId)).toEqual(
      states.filter((r) => r.status === 'done').map(() => target),
    );
  });

  it("gives a team's conversations to its own lead first, and another team's lead gets what they must review", async () => {
    t = await startTestServer(kind);
    await t.addAgent({ id: 'lee', role: 'lead', team: 't1' });
    await t.addAgent({ id: 'tia', role: 'lead', team: 't2' });
    await t.addAgent({ id: 'dana', team: 't1' });
    await t.addAgent({ id: 'fay', team: null });
    const card = await publishScorecard(t, 'lee', {
      name: 'S',
      sections: [{ id: 's', title: 'S', criteria: [{ id: 'c', label: 'C', weight: 1, scale: 'yes_no' }] }],
    });
    for (const i of [1, 2, 3]) await addHandledConversation(t, `dana-${i}`, 'dana');
    const { messageId } = await addHandledConversation(t, 'fay-1', 'fay');
    const token = await t.signIn('lee');
    const rule = {
      name: 'All',
      scorecardId: card.scorecardId,
      leadIds: ['tia', 'lee'],
      rule: { kind: 'random_share', share: 1 },
    };
    expect((await callApi(t, token, 'POST', '/api/qa/sampling-rules', rule)).status).toBe(201);
    expect(await callApi(t, token, 'POST', '/api/qa/sampling/run')).toEqual({ status: 200, body: { assigned: 4 } });
    const { rows } = await t.db.query<{ conversation_id: string; lead_id: string }>(
      'select conversation_id, lead_id from review_assignments order by conversation_id',
    );
    // Dana's three go to Lee, her team's lead, however loaded; Fay has no team: the least loaded.
    expect(rows).toEqual([
      { conversation_id: 'dana-1', lead_id: 'lee' },
      { conversation_id: 'dana-2', lead_id: 'lee' },
      { conversation_id: 'dana-3', lead_id: 'lee' },
      { conversation_id: 'fay-1', lead_id: 'tia' },
    ]);
    // Tia leads another team, yet gets the conversation she must review, its messages and customer.
    const tia = await t.connect('tia');
    const seen = await tia.pullAll();
    const ids = (entity: string) => seen.filter((c) => c.entity === entity && c.data).map((c) => c.id);
    expect(ids('conversation')).toEqual(['fay-1']);
    expect(ids('message')).toEqual([messageId]);
    expect(ids('customer')).toEqual(['customer-of-fay-1']);
    expect(ids('assignment')).toHaveLength(1);

    // Another rule finds nothing new: the four are assigned (open), and a reviewed one is done with.
    await addHandledConversation(t, 'dana-4', 'dana');
    const lee = await t.connect('lee');
    const reviewId = crypto.randomUUID();
    const review = { reviewId, conversationId: 'dana-4', scorecardId: card.scorecardId, scorecardVersion: 1 };
    expect(await lee.op('review.save', { ...review, ratings: { c: 'yes' } })).toMatchObject({ status: 'applied' });
    expect(await lee.op('review.submit', { reviewId })).toMatchObject({ status: 'applied' });
    const again = { ...rule, name: 'Again', rule: { kind: 'per_agent_week', perAgent: 10 } };
    expect((await callApi(t, token, 'POST', '/api/qa/sampling-rules', again)).status).toBe(201);
    expect(await callApi(t, token, 'POST', '/api/qa/sampling/run')).toEqual({ status: 200, body: { assigned: 0 } });
  });
});
