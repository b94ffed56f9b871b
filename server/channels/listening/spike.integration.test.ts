import { afterEach, describe, expect, it } from 'vitest';
import type { InteractionInput } from '../../../shared/ingest';
import { TokenIssuer } from '../../auth/tokens';
import { serverConfig } from '../../config';
import { providerSteps } from '../../demo/providers/providerTraffic';
import { createTrafficGenerator } from '../../demo/traffic';
import { matchesTokens, parseListeningQuery, tokenize } from '../../enrich/listeningQuery';
import { startStandin, type Standin } from '../../standins/standin';
import { DB_KINDS } from '../../testing/testDatabase';
import { startTestServer, TestClient, type TestServer } from '../../testing/testServer';
import { AlertWebhookBodySchema, type SpikeAlert } from './spikeAlert';

/** The demo tenant's viral-complaint rule (server/demo/seed.ts), added here through the admin API. */
const VIRAL_RULE = {
  name: 'Viral complaint: broken instruments',
  query:
    '("skyward breaks guitars" OR #skywardbreaksguitars OR ((guitar* OR cello OR violin OR instrument*) AND (broke OR broken OR smashed OR damaged) AND (@skywardair OR #skywardair OR "skyward air")))',
  skills: ['baggage'],
  priorityBoost: 30,
  alert: true,
};
const parsedRule = parseListeningQuery(VIRAL_RULE.query);
if (!parsedRule.ok) throw new Error(parsedRule.error);
const matchesRule = (i: InteractionInput) =>
  (i.channel === 'x_public' || i.channel === 'facebook') &&
  matchesTokens(parsedRule.query, tokenize(`${i.subject ?? ''} ${i.text}`));

const HOUR_MS = 3600_000;
/** The demo's events per second (SWITCHBOARD_SIMULATOR_RATE). */
const RATE = serverConfig().SWITCHBOARD_SIMULATOR_RATE;
const EVENT_MS = 1000 / RATE;
const SEED = 6;
const TOKEN_SECRET = 'spike-test-token-secret-0123456789-abcdef';

/**
 * Issue 6: "A listening spike in the simulator raises the alert within a minute of simulated
 * time." The demo's traffic runs for an hour of simulated time at its normal rate, then the
 * simulator's viral burst arrives over the next 90 s, with the normal traffic going on; every
 * interaction goes in as the simulator sends it (signed provider webhooks) at the simulated time
 * it happens.
 */
describe.each(DB_KINDS)('a listening spike on %s', (kind) => {
  let t: TestServer | undefined;
  let hook: Standin | undefined;
  afterEach(async () => {
    await t?.close();
    await hook?.close();
  });

  it(
    'raises one company alert for leads and the webhook within a minute of the burst, none in the hour before',
    {
      timeout: 300_000,
    },
    async () => {
      hook = await startStandin(() => ({ status: 204 }), { status: 404 });
      const server = await startTestServer(kind, {
        SWITCHBOARD_ALERT_WEBHOOK_URL: `${hook.url}/alerts`,
        SWITCHBOARD_TOKEN_SECRET: TOKEN_SECRET,
      });
      t = server;
      await server.addAgent({ id: 'ada', role: 'admin', team: null });
      await server.addAgent({ id: 'lia', role: 'lead', team: 't1' });
      await server.addAgent({ id: 'dana', role: 'agent', team: 't1' });
      const created = await fetch(`${server.url}/api/listening-rules`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await server.signIn('ada')}` },
        body: JSON.stringify(VIRAL_RULE),
      });
      expect(created.status).toBe(201);
      const { id: ruleId } = (await created.json()) as { id: string };

      const spikeAlerts = async () =>
        (
          await server.db.query<{ id: string; created_at: Date; detail: { spike: SpikeAlert['spike'] } }>(
            "select id, created_at, detail from alerts where kind = 'spike' order by created_at",
          )
        ).rows;
      const generator = createTrafficGenerator(SEED);
      const figures = { interactions: 0, publicPosts: 0, baselineMatches: 0, burst: 0 };
      // As the simulator sends them: through the providers' webhooks, signed (web chat, which a
      // visitor types in real time, through the ingestion API: it is never public).
      const secrets = serverConfig();
      const send = async (interactions: InteractionInput[]) => {
        for (const interaction of interactions.filter((i) => i.channel === 'chat')) {
          const answer = await server.ingest(interaction);
          expect(answer.status, JSON.stringify(answer.body)).toBe(200);
        }
        for (const step of await providerSteps(interactions, secrets)) {
          if (step.kind !== 'request') continue;
          const { path, ...init } = step.request;
          const answer = await fetch(`${server.url}${path}`, init);
          expect(answer.status, await answer.text()).toBe(200);
        }
        await server.settle();
        figures.interactions += interactions.length;
        figures.publicPosts += interactions.filter((i) => i.channel === 'x_public' || i.channel === 'facebook').length;
      };

      // An hour of ordinary traffic: posts, DMs, mail, calls, chats, the odd viral thread. From the
      // next whole minute, so minute buckets fall the same way on every run.
      server.clock.ms = Math.ceil(server.clock.ms / 60_000) * 60_000;
      const start = server.clock.now();
      while (server.clock.now() - start < HOUR_MS) {
        const event = generator.next(new Date(server.clock.now()));
        figures.baselineMatches += event.filter(matchesRule).length;
        await send(event);
        server.clock.advance(EVENT_MS);
      }
      const baseline = { ...figures };
      expect(await spikeAlerts()).toEqual([]);

      // The burst (the simulator's spike(): posts dated over the last 90 s, which the simulator
      // sends at once, one after another): here one per simulated second from the burst's start,
      // between the ordinary events, which go on at their rate for 90 s.
      // A lead and an agent at work when it comes, with sessions from this simulated time (sign-in
      // dates tokens by the wall clock, which the simulated hour has left behind).
      const session = async (agentId: string, role: 'lead' | 'agent') => {
        const { token } = await new TokenIssuer(TOKEN_SECRET).issueAccess(
          { agentId, role, teamId: 't1' },
          server.clock.now(),
        );
        return TestClient.connect(server.url, token, crypto.randomUUID());
      };
      const lead = await session('lia', 'lead');
      const agent = await session('dana', 'agent');
      const burstStart = server.clock.now();
      const burst = generator.spike(new Date(burstStart));
      figures.burst = burst.length;
      expect(burst.every(matchesRule)).toBe(true);
      const arrivals = [
        ...burst.map((post, i) => ({ at: burstStart + i * 1000, items: [post] })),
        ...Array.from({ length: 90_000 / EVENT_MS }, (_, i) => ({ at: burstStart + i * EVENT_MS, items: null })),
      ].sort((a, b) => a.at - b.at);
      let checkedAtAMinute = false;
      for (const arrival of arrivals) {
        if (!checkedAtAMinute && arrival.at > burstStart + 60_000) {
          // A minute of simulated time into the burst: the alert is there (its write may still be on
          // its way in real time, so wait for it without moving the simulated clock).
          await expect.poll(spikeAlerts, { timeout: 10_000, interval: 20 }).toHaveLength(1);
          checkedAtAMinute = true;
        }
        server.clock.ms = Math.max(server.clock.ms, arrival.at);
        await send(arrival.items ?? generator.next(new Date(server.clock.now())));
      }
      expect(checkedAtAMinute).toBe(true);

      // One alert, raised within 60 s of simulated time.
      const alerts = await spikeAlerts();
      expect(alerts).toHaveLength(1);
      const alert = alerts[0]!;
      const delayMs = alert.created_at.getTime() - burstStart;
      expect(delayMs).toBeGreaterThanOrEqual(0);
      expect(delayMs).toBeLessThanOrEqual(60_000);
      // Measured against what the server has seen of the hour (it started with the traffic).
      const { matches, windowMinutes, baselineMatches, baselineMinutes, ratio, threshold } = alert.detail.spike;
      expect(windowMinutes).toBe(10);
      expect(baselineMinutes).toBeGreaterThanOrEqual(50);
      expect(matches).toBeGreaterThanOrEqual(threshold);
      expect(ratio).toBeGreaterThanOrEqual(serverConfig().SWITCHBOARD_SPIKE_FACTOR);

      // Leads (and admins) get it pushed; agents neither get it pushed nor can pull it.
      await expect
        .poll(() => lead.pushes.flatMap((p) => p.changes).filter((c) => c.entity === 'alert' && c.id === alert.id))
        .toHaveLength(1);
      expect(agent.pushes.flatMap((p) => p.changes).filter((c) => c.entity === 'alert')).toEqual([]);
      expect((await agent.pullAll()).filter((c) => c.entity === 'alert')).toEqual([]);
      const pulled = (await lead.pullAll()).find((c) => c.entity === 'alert' && c.id === alert.id);
      expect(pulled?.data).toMatchObject({ kind: 'spike', ruleId, ruleName: VIRAL_RULE.name });

      // The outgoing webhook received the same alert.
      const [request] = await hook.waitFor((r) => r.path === '/alerts');
      const body = AlertWebhookBodySchema.parse(request!.body);
      expect(body.alert).toMatchObject({ id: alert.id, ruleId, kind: 'spike' });
      expect(body.text).toMatch(/^Listening spike: "Viral complaint: broken instruments" — \d+ posts in 10 min, /);
      expect(hook.requests).toHaveLength(1);

      console.info(
        `[spike on ${kind}] baseline hour: ${baseline.interactions} interactions, ${baseline.publicPosts} public posts, ` +
          `${baseline.baselineMatches} rule matches, 0 alerts; burst: ${figures.burst} posts, one a second; alert after ` +
          `${delayMs / 1000} s of simulated time at ${matches} matches (threshold ${threshold}, ` +
          `${baselineMatches} in the ${baselineMinutes} min before, ${ratio}×): "${body.text}"`,
      );
    },
  );
});
