import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenIssuer } from '../auth/tokens';
import { DB_KINDS } from '../testing/testDatabase';
import { startTestServer, type TestServer } from '../testing/testServer';
import { registerQualityRoutes } from './qualityRoutes';
import { qualityScores, type QualityQuery } from './qualityScores';

/** Must match startTestServer's, so its sign-in tokens verify on the routes' own app below. */
const TEST_TOKEN_SECRET = 'test-token-secret-0123456789-0123456789';

const W1 = '2026-01-05T00:00:00.000Z'; // a Monday
const W2 = '2026-01-12T00:00:00.000Z';
const WINDOW = { from: new Date(W1), to: new Date('2026-01-19T00:00:00Z') };

/**
 * [id, agent, conversation's channel, scorecard, score, status, submitted_at]. The hand-computed
 * figures in the tests come from these rows; the last three must be left out.
 */
const REVIEWS: [string, string, string, string, number | null, 'draft' | 'submitted', string | null][] = [
  ['r1', 'dana', 'chat', 'card-a', 80, 'submitted', '2026-01-05T10:00:00Z'],
  ['r2', 'dana', 'email', 'card-b', 60, 'submitted', '2026-01-07T09:00:00Z'],
  ['r3', 'eli', 'chat', 'card-a', 90, 'submitted', '2026-01-06T12:00:00Z'],
  ['r4', 'fay', 'x_public', 'card-a', 40, 'submitted', '2026-01-08T08:00:00Z'],
  // Monday midnight UTC opens week 2.
  ['r5', 'dana', 'chat', 'card-a', 100, 'submitted', W2],
  // A critical failure's 0 is a real score and counts.
  ['r6', 'eli', 'email', 'card-b', 0, 'submitted', '2026-01-18T23:59:59Z'],
  ['r7', 'fay', 'x_public', 'card-b', 70, 'submitted', '2026-01-13T15:00:00Z'],
  // Left out: nothing rated, a draft, and one submitted at `to` (exclusive).
  ['r8', 'dana', 'chat', 'card-a', null, 'submitted', '2026-01-06T10:00:00Z'],
  ['r9', 'eli', 'chat', 'card-a', 10, 'draft', '2026-01-06T10:00:00Z'],
  ['r10', 'dana', 'chat', 'card-a', 5, 'submitted', '2026-01-19T00:00:00Z'],
  // After the window: the only review of an agent without a team.
  ['r11', 'gus', 'chat', 'card-a', 50, 'submitted', '2026-02-03T10:00:00Z'],
];
const FEBRUARY = { from: new Date('2026-02-01T00:00:00Z'), to: new Date('2026-03-01T00:00:00Z') };

/** Quality scores in SQL and over HTTP, with the lead/agent/admin scoping. */
describe.each(DB_KINDS)('QA quality scores on %s', { timeout: 60_000 }, (kind) => {
  let t: TestServer;
  let app: FastifyInstance;
  let url: string;

  beforeAll(async () => {
    t = await startTestServer(kind);
    await t.addAgent({ id: 'dana', name: 'Dana Díaz' });
    await t.addAgent({ id: 'eli', name: 'Eli Park' });
    await t.addAgent({ id: 'fay', name: 'Fay Ng', team: 't2' });
    await t.addAgent({ id: 'gus', name: 'Gus Lowe', team: null });
    await t.addAgent({ id: 'lee', role: 'lead' });
    await t.addAgent({ id: 'lou', role: 'lead', team: 't2' });
    await t.addAgent({ id: 'nat', role: 'lead', team: null });
    await t.addAgent({ id: 'ada', role: 'admin', team: null });
    await t.db.query("insert into customers (id, display_name) values ('cust', 'Customer')");
    await t.db.exec(
      `update teams set name = 'Social care' where id = 't1';
       insert into scorecards (id, name) values ('card-a', 'Customer care'), ('card-b', 'Billing, "returns"');
       insert into scorecard_versions (scorecard_id, version, definition, published_at)
         values ('card-a', 1, '{"name":"A","sections":[]}', now()), ('card-b', 1, '{"name":"B","sections":[]}', now())`,
    );
    for (const [id, agent, channel, card, score, status, submittedAt] of REVIEWS) {
      await t.db.query(
        `insert into conversations (id, customer_id, channel, thread_key, status) values ($1, 'cust', $2, $1, 'resolved')`,
        [`c-${id}`, channel],
      );
      await t.db.query(
        `insert into reviews (id, conversation_id, agent_id, reviewer_id, scorecard_id, scorecard_version, score, status, submitted_at)
         values ($1, $2, $3, 'lee', $4, 1, $5, $6, $7)`,
        [id, `c-${id}`, agent, card, score, status, submittedAt],
      );
    }
    // The routes on their own app until server/app.ts registers them; same database and secret.
    app = Fastify();
    registerQualityRoutes(app, { db: t.db, tokens: new TokenIssuer(TEST_TOKEN_SECRET) });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    await app?.close();
    await t?.close();
  });

  const scores = async (query: Partial<QualityQuery>) =>
    (await qualityScores(t.db, { groupBy: 'agent', bucket: 'week', ...WINDOW, ...query })).map((row) => [
      row.group,
      row.label,
      row.bucketStart.toISOString(),
      Number(row.score.toFixed(4)),
      row.reviews,
    ]);

  it('averages submitted review scores per agent and week, leaving out nulls, drafts and the end', async () => {
    expect(await scores({})).toEqual([
      ['dana', 'Dana Díaz', W1, 70, 2],
      ['dana', 'Dana Díaz', W2, 100, 1],
      ['eli', 'Eli Park', W1, 90, 1],
      ['eli', 'Eli Park', W2, 0, 1],
      ['fay', 'Fay Ng', W1, 40, 1],
      ['fay', 'Fay Ng', W2, 70, 1],
    ]);
    expect(await scores({ agentId: 'dana', bucket: 'day' })).toEqual([
      ['dana', 'Dana Díaz', '2026-01-05T00:00:00.000Z', 80, 1],
      ['dana', 'Dana Díaz', '2026-01-07T00:00:00.000Z', 60, 1],
      ['dana', 'Dana Díaz', W2, 100, 1],
    ]);
  });

  it('groups by team, channel and scorecard, labelled by name (a channel by its id)', async () => {
    expect(await scores({ groupBy: 'team' })).toEqual([
      ['t1', 'Social care', W1, 76.6667, 3],
      ['t1', 'Social care', W2, 50, 2],
      ['t2', 'Team two', W1, 40, 1],
      ['t2', 'Team two', W2, 70, 1],
    ]);
    const month = '2026-01-01T00:00:00.000Z';
    expect(await scores({ groupBy: 'channel', bucket: 'month' })).toEqual([
      ['chat', 'chat', month, 90, 3],
      ['email', 'email', month, 30, 2],
      ['x_public', 'x_public', month, 55, 2],
    ]);
    expect(await scores({ groupBy: 'scorecard', bucket: 'month' })).toEqual([
      ['card-a', 'Customer care', month, 77.5, 4],
      ['card-b', 'Billing, "returns"', month, 43.3333, 3],
    ]);
    expect(await scores({ groupBy: 'channel', bucket: 'month', teamId: 't2' })).toEqual([
      ['x_public', 'x_public', month, 55, 2],
    ]);
    // Agents without a team are one group with neither id nor name.
    expect(await scores({ groupBy: 'team', bucket: 'month', ...FEBRUARY })).toEqual([
      [null, null, '2026-02-01T00:00:00.000Z', 50, 1],
    ]);
  });

  const get = async (path: string, agentId?: string) => {
    const response = await fetch(`${url}${path}`, {
      headers: agentId ? { authorization: `Bearer ${await t.signIn(agentId)}` } : {},
    });
    return response;
  };
  const rowsOf = async (path: string, agentId: string) => {
    const response = await get(path, agentId);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { rows: { group: string; bucketStart: string; score: number }[] };
    return body.rows.map((row) => [row.group, row.bucketStart]);
  };
  const range = `from=${W1}&to=2026-01-19`;

  it('answers each row with its group, label, bucket start, score and reviews', async () => {
    const response = await get(`/api/qa/quality?${range}&groupBy=team`, 'lou');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      groupBy: 'team',
      bucket: 'week',
      from: W1,
      to: '2026-01-19T00:00:00.000Z',
      rows: [
        { group: 't2', label: 'Team two', bucketStart: W1, score: 40, reviews: 1 },
        { group: 't2', label: 'Team two', bucketStart: W2, score: 70, reviews: 1 },
      ],
    });
  });

  it('shows admins everyone, a lead their own team only, and an agent only their own trend', async () => {
    const everyone = await rowsOf(`/api/qa/quality?${range}`, 'ada');
    expect(everyone.map(([group]) => group)).toEqual(['dana', 'dana', 'eli', 'eli', 'fay', 'fay']);
    expect(await rowsOf(`/api/qa/quality?${range}`, 'lee')).toEqual([
      ['dana', W1],
      ['dana', W2],
      ['eli', W1],
      ['eli', W2],
    ]);
    // Another team's agent gives nothing; another team is refused.
    expect(await rowsOf(`/api/qa/quality?${range}&agentId=fay`, 'lee')).toEqual([]);
    expect((await get(`/api/qa/quality?${range}&groupBy=team&teamId=t2`, 'lee')).status).toBe(403);
    expect(await rowsOf(`/api/qa/quality?${range}&groupBy=team&teamId=t1`, 'lee')).toHaveLength(2);
    expect(await rowsOf(`/api/qa/quality?${range}&groupBy=team`, 'lou')).toEqual([
      ['t2', W1],
      ['t2', W2],
    ]);
    // An agent asking for their team, or for a colleague, gets their own trend.
    expect(await rowsOf(`/api/qa/quality?${range}&groupBy=team`, 'dana')).toEqual([
      ['dana', W1],
      ['dana', W2],
    ]);
    expect(await rowsOf(`/api/qa/quality?${range}&agentId=eli`, 'dana')).toEqual([
      ['dana', W1],
      ['dana', W2],
    ]);

    expect((await get(`/api/qa/quality?${range}`)).status).toBe(401);
    expect((await get(`/api/qa/quality.csv?${range}`)).status).toBe(401);
    expect((await get(`/api/qa/quality?${range}`, 'nat')).status).toBe(403);
  });

  it('refuses bad parameters with a message saying which', async () => {
    const message = async (query: string) => {
      const response = await get(`/api/qa/quality?${query}`, 'ada');
      expect(response.status).toBe(400);
      return ((await response.json()) as { error: { code: string; message: string } }).error;
    };
    const badGroup = await message(`${range}&groupBy=customer`);
    expect(badGroup.code).toBe('invalid_query');
    expect(badGroup.message).toContain('groupBy');
    expect((await message(`${range}&bucket=year`)).message).toContain('bucket');
    expect((await message('to=2026-01-19')).message).toContain('from');
    expect((await message('from=yesterday&to=2026-01-19')).message).toContain('ISO 8601');
    expect((await message('from=2026-01-19&to=2026-01-05')).message).toContain('from must be before to');
    expect((await message(`${range}&groupby=team`)).message).toContain('groupby');
  });

  it('exports CSV: a header row, the id then the name, ISO dates, one decimal, as an attachment', async () => {
    const response = await get(`/api/qa/quality.csv?${range}&groupBy=team`, 'lee');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/csv');
    expect(response.headers.get('content-disposition')).toBe(
      'attachment; filename="quality-team-week-2026-01-05-2026-01-19.csv"',
    );
    expect(await response.text()).toBe(
      'team,name,bucket_start,quality_score,reviews\r\nt1,Social care,2026-01-05,76.7,3\r\nt1,Social care,2026-01-12,50.0,2\r\n',
    );
    const own = await get(`/api/qa/quality.csv?${range}`, 'eli');
    expect(await own.text()).toBe(
      'agent,name,bucket_start,quality_score,reviews\r\neli,Eli Park,2026-01-05,90.0,1\r\neli,Eli Park,2026-01-12,0.0,1\r\n',
    );
    // RFC 4180: a name with a comma or a quote is quoted, its quotes doubled.
    const cards = await get(`/api/qa/quality.csv?${range}&groupBy=scorecard&bucket=month`, 'ada');
    expect(await cards.text()).toBe(
      'scorecard,name,bucket_start,quality_score,reviews\r\n' +
        'card-a,Customer care,2026-01-01,77.5,4\r\n' +
        'card-b,"Billing, ""returns""",2026-01-01,43.3,3\r\n',
    );
    // No team: both columns empty.
    const teamless = await get('/api/qa/quality.csv?from=2026-02-01&to=2026-03-01&groupBy=team&bucket=month', 'ada');
    expect(await teamless.text()).toBe('team,name,bucket_start,quality_score,reviews\r\n,,2026-02-01,50.0,1\r\n');
    expect((await get(`/api/qa/quality.csv?${range}&bucket=hour`, 'lee')).status).toBe(400);
  });
});
