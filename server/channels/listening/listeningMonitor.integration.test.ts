import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InteractionSchema, type Interaction } from '../../../shared/ingest';
import { serverConfig } from '../../config';
import type { Db } from '../../db/db';
import { migrate } from '../../db/migrate';
import { parseListeningQuery } from '../../enrich/listeningQuery';
import { ingestInteraction, type IngestConfig, type ListeningRule } from '../../ingest/ingest';
import { startStandin, type Standin } from '../../standins/standin';
import type { PendingChange } from '../../sync/changeLog';
import { DB_KINDS, openTestDatabase } from '../../testing/testDatabase';
import { createListeningMonitor, type ListeningMonitor, type ListeningMonitorOptions } from './listeningMonitor';
import { liveKey, rebuildDetector } from './rebuild';
import { AlertWebhookBodySchema } from './spikeAlert';
import { SpikeDetector } from './spikeDetector';

const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);

const GUITARS_QUERY = '"skyward breaks guitars" OR #skywardbreaksguitars';
function rule(id: string, name: string, query: string, createConversation = true): ListeningRule {
  const parsed = parseListeningQuery(query);
  if (!parsed.ok) throw new Error(parsed.error);
  return { id, name, query: parsed.query, skills: [], priorityBoost: 0, alert: false, createConversation };
}
const guitars = rule('rule-guitars', 'skyward breaks guitars', GUITARS_QUERY);

let serial = 0;
function post(text: string, at: number): Interaction {
  serial++;
  return InteractionSchema.parse({
    provider: 'x',
    providerMessageId: `t${serial}`,
    channel: 'x_public',
    threadKey: `t${serial}`,
    author: { kind: 'x_handle', value: `@fan${serial}`, displayName: `Fan ${serial}`, followers: 1200 + serial },
    text,
    occurredAt: new Date(at).toISOString(),
  });
}

/** A logger that keeps what was logged, to check failures are said and not thrown. */
function recordingLog() {
  const lines: { level: string; details: unknown; message: string }[] = [];
  const at = (level: string) => (details: unknown, message?: string) =>
    void lines.push({ level, details, message: message ?? '' });
  return { lines, log: { info: at('info'), warn: at('warn'), error: at('error') } as ListeningMonitorOptions['log'] };
}

describe.each(DB_KINDS)('the listening monitor on %s', (kind) => {
  let db: Db;
  let drop: () => Promise<void>;
  let monitor: ListeningMonitor | undefined;
  let hook: Standin | undefined;
  let clock = T0;
  const pushed: PendingChange[] = [];

  beforeEach(async () => {
    ({ db, drop } = await openTestDatabase(kind));
    await migrate(db);
    await db.query('insert into listening_rules (id, name, query) values ($1, $2, $3)', [
      guitars.id,
      guitars.name,
      GUITARS_QUERY,
    ]);
    clock = T0;
    pushed.length = 0;
  });
  afterEach(async () => {
    await monitor?.close();
    monitor = undefined;
    await hook?.close();
    hook = undefined;
    await drop();
  });

  function start(overrides: Partial<ListeningMonitorOptions> = {}) {
    const { lines, log } = recordingLog();
    monitor = createListeningMonitor({
      db,
      push: (changes) => pushed.push(...changes),
      now: () => clock,
      config: serverConfig({ SWITCHBOARD_ALERT_WEBHOOK_URL: hook?.url }),
      log,
      webhook: { timeoutMs: 500, retryDelaysMs: [20, 40, 80] },
      // As if running for hours, quietly: a rate is learnt for half an hour before anything alerts.
      spike: { knownSince: T0 - 2 * 3600_000 },
      ...overrides,
    });
    return { monitor, lines };
  }

  /** Eight matching posts in a quiet hour, one every 5 s: the 8th makes the spike. */
  function burst(m: ListeningMonitor, count = 8, rules = [guitars]) {
    for (let i = 0; i < count; i++) {
      clock += 5000;
      m.listened(rules, post(`Skyward breaks guitars, again ${i}`, clock), new Date(clock));
    }
  }

  /** Waits for `expected` spikes to be stored and sent (or given up), then closes: close() drops waiting retries. */
  async function settled(m: ListeningMonitor, expected = 1) {
    await m.ready;
    for (let waited = 0; waited < 10_000; waited += 10) {
      const { spikes, webhook } = m.status();
      if (spikes >= expected && (!webhook || webhook.delivered + webhook.failed >= expected)) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await m.close();
  }

  it('stores one spike alert, pushes it to leads and POSTs it to the webhook', { timeout: 30_000 }, async () => {
    hook = await startStandin(() => ({ status: 204 }), { status: 404 });
    const { monitor: m } = start();
    await m.ready;
    burst(m, 12);
    await settled(m);

    const { rows } = await db.query<{ kind: string; rule_id: string; message: string; detail: { spike: unknown } }>(
      'select kind, rule_id, message, detail from alerts',
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      kind: 'spike',
      rule_id: 'rule-guitars',
      message: 'Listening spike: "skyward breaks guitars" — 8 posts in 10 min, none in the 60 min before',
      detail: { spike: { matches: 8, baselineMatches: 0, windowMinutes: 10, threshold: 8 } },
    });

    expect(pushed).toHaveLength(1);
    expect(pushed[0]!.audience).toEqual({ leads: true });
    expect(pushed[0]!.change).toMatchObject({ entity: 'alert', data: { kind: 'spike', ruleName: guitars.name } });

    expect(hook.requests).toHaveLength(1);
    const sent = hook.requests[0]!;
    expect(sent).toMatchObject({ method: 'POST', headers: { 'content-type': 'application/json' } });
    const body = AlertWebhookBodySchema.parse(sent.body);
    expect(sent.headers['idempotency-key']).toBe(body.alert.id);
    expect(body.alert.id).toBe(pushed[0]!.change.id);
    expect(body.text).toBe(rows[0]!.message);
    // The sample is the post that made it a spike: the 8th.
    expect(body.alert.spike.sample).toMatchObject({ channel: 'x_public', text: 'Skyward breaks guitars, again 7' });
    expect(body.alert.spike.sample.author).toMatch(/^@fan\d+$/);
    expect(m.status()).toEqual({ spikes: 1, webhook: { delivered: 1, failed: 0, lastError: null } });
  });

  it('links the sample post’s conversation when ingestion opened one', { timeout: 30_000 }, async () => {
    const { monitor: m } = start();
    await m.ready;
    const config: IngestConfig = { stickyWindowMs: 0, stickyWaitMs: 0, rules: () => [guitars], listened: m.listened };
    let lastConversation: string | null = null;
    for (let i = 0; i < 8; i++) {
      clock += 5000;
      const outcome = await ingestInteraction(db, post(`skyward breaks guitars ${i}`, clock), config, new Date(clock));
      if (outcome.status === 'accepted') lastConversation = outcome.conversationId;
    }
    await settled(m);
    const { rows } = await db.query<{ conversation_id: string | null }>('select conversation_id from alerts');
    expect(rows).toEqual([{ conversation_id: lastConversation }]);
    expect(m.status()).toEqual({ spikes: 1, webhook: null });
  });

  it('retries a failing webhook with backoff and delivers on the third attempt', { timeout: 30_000 }, async () => {
    hook = await startStandin(() => ({ status: 200, body: { ok: true } }), { status: 404 });
    hook.failNext({ status: 503 }, 2);
    const { monitor: m, lines } = start();
    await m.ready;
    burst(m);
    await settled(m);
    expect(hook.requests).toHaveLength(3);
    expect(new Set(hook.requests.map((r) => r.headers['idempotency-key'])).size).toBe(1);
    const gaps = [hook.requests[1]!.at - hook.requests[0]!.at, hook.requests[2]!.at - hook.requests[1]!.at];
    expect(gaps[0]).toBeGreaterThanOrEqual(15);
    expect(gaps[1]).toBeGreaterThanOrEqual(35);
    expect(lines.filter((l) => l.message === 'alert webhook failed; retrying')).toHaveLength(2);
    expect(m.status().webhook).toMatchObject({ delivered: 1, failed: 0 });
  });

  it(
    'does not retry a 4xx, gives up after four attempts, times out a silent receiver, and never throws',
    { timeout: 30_000 },
    async () => {
      hook = await startStandin(() => ({ status: 400, body: { error: 'bad' } }), { status: 404 });
      const refused = start();
      await refused.monitor.ready;
      burst(refused.monitor);
      await settled(refused.monitor);
      expect(hook.requests).toHaveLength(1);
      expect(refused.monitor.status().webhook).toMatchObject({
        delivered: 0,
        failed: 1,
        lastError: { message: 'the webhook answered 400' },
      });
      expect(refused.lines.find((l) => l.level === 'error')?.message).toMatch(
        /^company alert not delivered to SWITCHBOARD_ALERT_WEBHOOK_URL: the webhook answered 400; leads still see it/,
      );

      // Nothing listens on this port: four attempts, then an error in the log; the alert is stored anyway.
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/hook`;
      await new Promise((resolve) => closed.close(resolve));
      clock += 3600_000 * 2;
      const unreachable = start({ config: serverConfig({ SWITCHBOARD_ALERT_WEBHOOK_URL: deadUrl }) });
      await unreachable.monitor.ready;
      expect(() => burst(unreachable.monitor)).not.toThrow();
      await settled(unreachable.monitor);
      const unreachableLog = unreachable.lines.filter((l) => l.message === 'alert webhook failed; retrying');
      expect(unreachableLog).toHaveLength(3);
      expect(unreachable.monitor.status().webhook).toMatchObject({ delivered: 0, failed: 1 });
      expect(unreachable.monitor.status().webhook?.lastError?.message).toMatch(/could not be reached/);

      // A receiver that accepts the connection and never answers: each attempt ends at the timeout.
      const silent = createServer(() => undefined);
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      try {
        clock += 3600_000 * 2;
        const slow = start({
          config: serverConfig({
            SWITCHBOARD_ALERT_WEBHOOK_URL: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/`,
          }),
          webhook: { timeoutMs: 100, retryDelaysMs: [10] },
        });
        await slow.monitor.ready;
        const began = Date.now();
        burst(slow.monitor);
        await settled(slow.monitor);
        expect(Date.now() - began).toBeGreaterThanOrEqual(200);
        expect(slow.monitor.status().webhook?.lastError?.message).toBe('no answer within 100 ms');
      } finally {
        silent.closeAllConnections();
        await new Promise((resolve) => silent.close(resolve));
      }
      const { rows } = await db.query<{ n: number }>("select count(*)::int as n from alerts where kind = 'spike'");
      expect(rows[0]!.n).toBe(3);
    },
  );

  it('close drops retries still waiting, and a closed monitor counts nothing', { timeout: 30_000 }, async () => {
    hook = await startStandin(() => ({ status: 500 }), { status: 404 });
    const { monitor: m, lines } = start({ webhook: { timeoutMs: 500, retryDelaysMs: [60_000] } });
    await m.ready;
    burst(m);
    await hook.waitFor(() => true);
    const began = Date.now();
    await m.close();
    expect(Date.now() - began).toBeLessThan(5000);
    expect(lines.find((l) => l.level === 'error')?.message).toMatch(/answered 500; the server stopped before a retry/);
    burst(m, 20);
    await m.close();
    expect(m.status().spikes).toBe(1);
  });

  it(
    'rebuilds the last hour from stored posts at start: a spike under way is not forgotten',
    { timeout: 30_000 },
    async () => {
      const ingest = (text: string, at: number) =>
        ingestInteraction(
          db,
          post(text, at),
          { stickyWindowMs: 0, stickyWaitMs: 0, rules: () => [guitars] },
          new Date(at),
        );
      // Before the restart: 7 matching posts in the last 5 minutes, one 2 hours ago, and other chatter.
      await ingest('skyward breaks guitars, old news', T0 - 2 * 3600_000);
      for (let i = 0; i < 7; i++) await ingest(`#skywardbreaksguitars ${i}`, T0 - 300_000 + i * 30_000);
      await ingest('lovely flight today', T0 - 60_000);

      // Its own clock: the history comes from the stored posts (the oldest is 2 hours old).
      const { monitor: m, lines } = start({ spike: {} });
      await m.ready;
      expect(lines.find((l) => l.message.startsWith('listening spike detector rebuilt'))?.details).toEqual({
        posts: 8,
        matches: 7,
        alertedRules: 0,
      });
      clock = T0 + 10_000;
      m.listened([guitars], post('skyward breaks guitars!', clock), new Date(clock));
      await settled(m);
      const { rows } = await db.query<{ detail: { spike: { matches: number } } }>('select detail from alerts');
      expect(rows.map((r) => r.detail.spike.matches)).toEqual([8]);
    },
  );

  it(
    'a first start with nothing stored learns the rate for half an hour before it alerts',
    { timeout: 30_000 },
    async () => {
      const { monitor: m } = start({ spike: {} });
      await m.ready;
      // Minute 0: 12 matches, still learning, so no alert.
      burst(m, 12);
      expect(m.status().spikes).toBe(0);
      // Minute 39: its window's baseline (minutes 0–29) is half an hour long: 12 → 4 per 10 min → 16.
      for (let i = 1; i <= 16; i++) {
        clock = T0 + 39 * 60_000 + i * 1000;
        m.listened([guitars], post(`skyward breaks guitars ${i}`, clock), new Date(clock));
      }
      await settled(m);
      const { rows } = await db.query<{ message: string }>('select message from alerts');
      expect(rows.map((r) => r.message)).toEqual([
        'Listening spike: "skyward breaks guitars" — 16 posts in 10 min, 4× the last 30 min',
      ]);
    },
  );

  it('a spike alerted before a restart is not alerted again while it lasts', { timeout: 30_000 }, async () => {
    const first = start();
    await first.monitor.ready;
    burst(first.monitor, 8);
    await settled(first.monitor);
    // The posts of the alert-only call above were never stored, so store the burst's matches too.
    const config: IngestConfig = { stickyWindowMs: 0, stickyWaitMs: 0, rules: () => [guitars] };
    for (let i = 0; i < 8; i++)
      await ingestInteraction(db, post(`skyward breaks guitars ${i}`, clock - i * 1000), config, new Date(clock));

    const second = start();
    await second.monitor.ready;
    expect(second.lines.find((l) => l.message.startsWith('listening spike detector rebuilt'))?.details).toMatchObject({
      matches: 8,
      alertedRules: 1,
    });
    burst(second.monitor, 10);
    await settled(second.monitor, 0);
    expect(second.monitor.status().spikes).toBe(0);
    const { rows } = await db.query<{ n: number }>('select count(*)::int as n from alerts');
    expect(rows[0]!.n).toBe(1);
  });

  it('counts each rule on its own', { timeout: 30_000 }, async () => {
    const refunds = rule('rule-refunds', 'refunds', 'refund*', false);
    const { monitor: m } = start();
    await m.ready;
    burst(m, 7, [guitars, refunds]);
    clock += 5000;
    m.listened([refunds], post('refund please', clock), new Date(clock));
    await settled(m);
    const { rows } = await db.query<{ rule_id: string; detail: { spike: { matches: number } } }>(
      'select rule_id, detail from alerts',
    );
    expect(rows.map((r) => [r.rule_id, r.detail.spike.matches])).toEqual([['rule-refunds', 8]]);
  });

  it(
    'the rebuild skips posts already counted live, and the ones of other rules and other times',
    { timeout: 30_000 },
    async () => {
      const config: IngestConfig = { stickyWindowMs: 0, stickyWaitMs: 0, rules: () => [guitars] };
      const stored = [post('skyward breaks guitars 1', T0 - 60_000), post('skyward breaks guitars 2', T0 - 30_000)];
      for (const p of [...stored, post('skyward breaks guitars, too late', T0 + 60_000)])
        await ingestInteraction(db, p, config, new Date(T0));
      const detector = new SpikeDetector({ factor: 4, minMatches: 2 });
      const live = new Set([liveKey(stored[0]!.provider, stored[0]!.providerMessageId)]);
      expect(await rebuildDetector(db, detector, T0, 70, live, 3600_000)).toEqual({
        posts: 1,
        matches: 1,
        alertedRules: 0,
      });
      expect(detector.size()).toEqual({ rules: 1, buckets: 1 });
    },
  );
});
