import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, TEST_INGEST_KEY, type TestServer } from '../testing/testServer';

/** Overload: providers are told to redeliver; nothing is half-stored and nothing is lost. */
describe('ingestion under overload', () => {
  let t: TestServer;
  afterEach(async () => {
    await t?.close();
  });

  const post = (id: number) =>
    fetch(`${t.url}/api/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_INGEST_KEY}` },
      body: JSON.stringify({
        provider: 'burst',
        providerMessageId: `burst-${id}`,
        channel: 'x_dm',
        threadKey: `burst-thread-${id}`,
        author: { kind: 'x_handle', value: `@burst${id}` },
        text: 'where is my bag',
        occurredAt: new Date().toISOString(),
      }),
    });
  const stored = async () =>
    (await t.db.query<{ n: number }>("select count(*)::int as n from messages where provider = 'burst'")).rows[0]!.n;

  async function expectRefusedThenRedelivered(answers: Response[]) {
    const refused = answers.map((a, i) => ({ a, i })).filter(({ a }) => a.status === 429);
    expect(answers.every((a) => a.status === 200 || a.status === 429)).toBe(true);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]!.a.headers.get('retry-after')).toBe('1');
    expect(await refused[0]!.a.json()).toMatchObject({ error: { code: 'overloaded' } });
    expect(await stored()).toBe(answers.length - refused.length);
    // The provider redelivers: every message ends up stored exactly once.
    for (const { i } of refused) expect((await post(i)).status).toBe(200);
    expect(await stored()).toBe(answers.length);
  }

  it(
    'on PostgreSQL, more interactions at once than the cap are answered 429 with Retry-After',
    { timeout: 60_000 },
    async () => {
      t = await startTestServer('postgres', { SWITCHBOARD_INGEST_MAX_IN_FLIGHT: 2 });
      await expectRefusedThenRedelivered(await Promise.all(Array.from({ length: 30 }, (_, i) => post(i))));
    },
  );

  it(
    'on PGlite, which shares the event loop, a lagging loop turns new interactions away',
    { timeout: 60_000 },
    async () => {
      t = await startTestServer('pglite', { SWITCHBOARD_INGEST_MAX_LAG_MS: 100 });
      const pending = Array.from({ length: 5 }, (_, i) => post(i));
      // Block the loop the server runs on, as a saturated PGlite does: the gauge sees the lag.
      const until = Date.now() + 400;
      while (Date.now() < until);
      const answers = await Promise.all(pending);
      await new Promise((r) => setTimeout(r, 200));
      await expectRefusedThenRedelivered(answers);
    },
  );
});
