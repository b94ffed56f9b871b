import { afterEach, describe, expect, it } from 'vitest';
import { ScorecardVersionSchema } from '../../shared/qa/scorecard';
import { callApi } from '../qa/qaTestKit';
import { startTestServer, type TestServer } from '../testing/testServer';
import { seedDemoQa } from './qaSeed';

/** The demo tenant comes with a published scorecard and sampling rules for its three leads. */
describe('demo QA seed', { timeout: 60_000 }, () => {
  let t: TestServer;
  afterEach(async () => {
    await t?.close();
  });

  it('publishes the scorecard to every app, sets the sampling rules, and seeds once', async () => {
    t = await startTestServer('pglite');
    // The demo tenant's accounts the seed names (server/demo/seed.ts).
    await t.addAgent({ id: 'admin', role: 'admin', team: null });
    for (const id of ['lead-1', 'lead-2', 'lead-3']) await t.addAgent({ id, role: 'lead' });
    await t.addAgent({ id: 'agent-1' });
    await seedDemoQa(t.db, new Date(t.clock.now()));
    // A restart seeds nothing twice.
    await seedDemoQa(t.db, new Date(t.clock.now()));
    const agent = await t.connect('agent-1');
    const cards = (await agent.pullAll()).filter((c) => c.entity === 'scorecard');
    expect(cards.map((c) => c.id)).toEqual(['demo-customer-care@1']);
    const card = ScorecardVersionSchema.parse({
      scorecardId: cards[0]!.data!.scorecardId,
      version: cards[0]!.data!.version,
      name: cards[0]!.data!.name,
      sections: cards[0]!.data!.sections,
    });
    expect(card.sections.flatMap((s) => s.criteria.map((c) => c.id))).toEqual([
      'first-response',
      'greeting',
      'empathy',
      'accuracy',
      'consistency',
      'script',
      'formality',
      'pii',
      'spelling',
    ]);
    expect(cards[0]!.data).toMatchObject({ status: 'published' });
    const { status, body } = await callApi(t, await t.signIn('lead-1'), 'GET', '/api/qa/sampling-rules');
    expect(status).toBe(200);
    expect(JSON.stringify(body)).toContain('Random 10 %');
    expect(JSON.stringify(body)).toContain('Risky');
    const { rows } = await t.db.query<{ n: number }>('select count(*)::int as n from sampling_rules');
    expect(rows[0]!.n).toBe(2);
    // Yesterday's work of the team's agent, resolved: a call with its transcript, an X post, an email.
    const lead = await t.connect('lead-1');
    const seen = await lead.pullAll();
    const conversations = seen.filter((c) => c.entity === 'conversation' && c.data?.status === 'resolved');
    expect(conversations.map((c) => [c.data?.channel, c.data?.assignedAgentId])).toEqual([
      ['voice', 'agent-1'],
      ['x_public', 'agent-1'],
      ['email', 'agent-1'],
    ]);
    const lines = seen.filter((c) => c.entity === 'message' && c.data?.direction === 'transcript');
    expect(lines.map((c) => [c.data?.speaker, c.data?.startMs])).toEqual([
      ['agent', 0],
      ['customer', 14_000],
      ['agent', 28_000],
      ['customer', 42_000],
      ['agent', 56_000],
    ]);
    expect(String(lines[0]!.data?.body)).toMatch(/^Thank you for calling Skyward Air, this is \S+\. How can I help\?$/);
    // Sampling finds them: the random share, or the risky rule (an angry public post with 48,200 followers).
    const run = await callApi(t, await t.signIn('lead-2'), 'POST', '/api/qa/sampling/run');
    expect(run.status).toBe(200);
    const { rows: risky } = await t.db.query<{ reason: string }>(
      "select reason from review_assignments where conversation_id = 'demo-history-2'",
    );
    expect(risky.map((r) => r.reason)).toEqual([
      expect.stringMatching(/^(Risky: .+|Random 10 %: picked at random .+)$/),
    ]);
  });
});
