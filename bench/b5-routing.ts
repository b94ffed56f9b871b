/**
 * B5 (DESIGN.md, Performance budgets): one routing decision as the queue grows from 1k to 1M
 * queued conversations; time at 1M ≤ 3× time at 1k.
 *
 * A decision is what the service does when an agent frees one unit of capacity: nextFor (take the
 * best conversation they may serve) plus the route of one new arrival. Every one of the 1,000
 * agents is otherwise full, so the arrival scans all of them, finds nobody and is queued: the
 * queue size stays constant while the decision is timed. Items are spread over 20 skill sets × 3
 * channel classes (60 buckets) and every agent has every skill, so each nextFor looks at every
 * bucket. nextFor and route are also reported apart: route's agent scan is O(agents) and does not
 * depend on the queue, so the queue's own scaling is next_for_ratio_1M_to_1k.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { channelClass, type Channel } from '../shared/domain';
import { Router, type AgentState, type QueuedItem } from '../server/routing/router';
import type { BenchEntry } from './run';
// Seeded, so every run queues the same conversations.
import { mulberry32 } from '../server/demo/traffic';

type B5Entry = BenchEntry & { id: 'B5' };

const SIZES = [
  { label: '1k', n: 1_000 },
  { label: '10k', n: 10_000 },
  { label: '100k', n: 100_000 },
  { label: '1M', n: 1_000_000 },
] as const;
const AGENTS = 1_000;
const WARMUP_DECISIONS = 2_000;
/** Several rounds, median of their means: one GC pause or a noisy neighbour moves one round only. */
const ROUNDS = 5;
const DECISIONS_PER_ROUND = 10_000;
const BUDGET_RATIO = 3;

const LANGUAGES = ['en', 'fr', 'de', 'es', 'it'];
const TOPICS = ['billing', 'baggage', 'booking', 'refunds'];
/** Shared arrays: a million items must not carry a million copies of the same skill list. */
const SKILL_SETS = LANGUAGES.flatMap((language) => TOPICS.map((topic) => [language, topic]));
const CHANNELS: readonly Channel[] = ['chat', 'x_dm', 'email'];
const MINUTE = 60_000;

interface Scenario {
  router: Router;
  agents: AgentState[];
  random: () => number;
  nextId: number;
  now: number;
}

function arrival(scenario: Scenario, channel: Channel): QueuedItem {
  const { random, now } = scenario;
  const conversationId = `c${scenario.nextId++}`;
  // Mostly quiet work, a few urgent or public complaints: priorities 0..100 with a long tail.
  const priority = random() < 0.9 ? Math.floor(random() * 10) : Math.floor(random() * 101);
  return {
    conversationId,
    channel,
    requiredSkills: SKILL_SETS[Math.floor(random() * SKILL_SETS.length)] as string[],
    priority,
    slaDueAt: now + Math.floor((5 + random() * 235) * MINUTE),
    enqueuedAt: now,
  };
}

function build(n: number): Scenario {
  const router = new Router();
  const agents: AgentState[] = [];
  const skills = Object.fromEntries([...LANGUAGES, ...TOPICS].map((skill) => [skill, 3]));
  for (let i = 0; i < AGENTS; i += 1) {
    const agent: AgentState = {
      id: `agent-${String(i).padStart(4, '0')}`,
      skills,
      capacity: { voice: 1, chat: 3, social: 3, email: 5 },
      load: { voice: 0, chat: 3, social: 3, email: 5 },
      presence: 'available',
      idleSince: i,
    };
    agents.push(agent);
    router.upsertAgent(agent);
  }
  const scenario: Scenario = { router, agents, random: mulberry32(5), nextId: 0, now: 0 };
  for (let i = 0; i < n; i += 1) {
    // The backlog's deadlines spread over the past hour and the next four.
    scenario.now = -60 * MINUTE + Math.floor((i / n) * 60 * MINUTE);
    router.enqueue(arrival(scenario, CHANNELS[i % CHANNELS.length] as Channel), scenario.now);
  }
  scenario.now = 0;
  return scenario;
}

interface Timing {
  decisionUs: number;
  nextForUs: number;
  routeUs: number;
}

/** Runs `count` decisions; the arrival is in the served conversation's channel, so buckets keep their size. */
function decide(scenario: Scenario, count: number, queued: number): Timing {
  const { router, agents } = scenario;
  let nextForNs = 0n;
  let routeNs = 0n;
  for (let k = 0; k < count; k += 1) {
    scenario.now += 1;
    const agent = agents[(k * 7) % agents.length] as AgentState;
    const channel = CHANNELS[k % CHANNELS.length] as Channel;
    router.release(agent.id, channelClass(channel), scenario.now);
    const next = arrival(scenario, channel);
    const t0 = process.hrtime.bigint();
    const decision = router.nextFor(agent.id, scenario.now);
    const t1 = process.hrtime.bigint();
    const routed = router.route(next, scenario.now);
    const t2 = process.hrtime.bigint();
    nextForNs += t1 - t0;
    routeNs += t2 - t1;
    if (decision === null || routed.kind !== 'queued') {
      throw new Error(`B5 scenario broke at decision ${k}: the queue must stay at ${queued}.`);
    }
  }
  const nextForUs = Number(nextForNs) / 1_000 / count;
  const routeUs = Number(routeNs) / 1_000 / count;
  return { decisionUs: nextForUs + routeUs, nextForUs, routeUs };
}

function medianTiming(timings: Timing[]): Timing {
  const median = (values: number[]): number => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)] as number;
  };
  return {
    decisionUs: median(timings.map((t) => t.decisionUs)),
    nextForUs: median(timings.map((t) => t.nextForUs)),
    routeUs: median(timings.map((t) => t.routeUs)),
  };
}

function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

export async function runB5(log: (line: string) => void = console.log): Promise<B5Entry[]> {
  const entries: B5Entry[] = [];
  const bySize = new Map<string, Timing>();
  // The first size measured must not pay for the JIT's warm-up.
  decide(build(SIZES[0].n), 5 * WARMUP_DECISIONS, SIZES[0].n);
  // Memory-bound work at 1M suffers most from neighbours; the load says how quiet the machine was.
  log(
    `load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  log('queued     build s   decision µs   nextFor µs   route µs   heap MB');
  for (const { label, n } of SIZES) {
    const started = performance.now();
    const scenario = build(n);
    const buildSeconds = (performance.now() - started) / 1_000;
    decide(scenario, WARMUP_DECISIONS, n);
    const rounds: Timing[] = [];
    for (let r = 0; r < ROUNDS; r += 1) rounds.push(decide(scenario, DECISIONS_PER_ROUND, n));
    const timing = medianTiming(rounds);
    const snapshot = scenario.router.snapshot();
    if (snapshot.queued !== n) throw new Error(`B5: ${snapshot.queued} queued, expected ${n}.`);
    const heapMb = process.memoryUsage().heapUsed / 1_048_576;
    bySize.set(label, timing);
    log(
      [
        label.padEnd(9),
        buildSeconds.toFixed(2).padStart(8),
        timing.decisionUs.toFixed(2).padStart(13),
        timing.nextForUs.toFixed(2).padStart(12),
        timing.routeUs.toFixed(2).padStart(10),
        heapMb.toFixed(0).padStart(9),
      ].join(' '),
    );
    entries.push(
      { id: 'B5', metric: `decision_us_at_${label}`, value: round(timing.decisionUs) },
      { id: 'B5', metric: `next_for_us_at_${label}`, value: round(timing.nextForUs) },
      { id: 'B5', metric: `route_us_at_${label}`, value: round(timing.routeUs) },
    );
    // Yield between sizes so the process stays responsive to signals and the runner's timers.
    await new Promise((resolve) => setImmediate(resolve));
  }
  const small = bySize.get('1k') as Timing;
  const large = bySize.get('1M') as Timing;
  const ratio = round(large.decisionUs / small.decisionUs);
  entries.push({
    id: 'B5',
    metric: 'ratio_1M_to_1k',
    value: ratio,
    budget: BUDGET_RATIO,
    ratio,
    ratio_to: 'decision time at 1k queued',
    pass: ratio <= BUDGET_RATIO,
  });
  const nextForRatio = round(large.nextForUs / small.nextForUs);
  entries.push({
    id: 'B5',
    metric: 'next_for_ratio_1M_to_1k',
    value: nextForRatio,
    ratio: nextForRatio,
    ratio_to: 'nextFor time at 1k queued',
  });
  log(`ratio 1M / 1k: ${ratio} (budget ≤ ${BUDGET_RATIO}): ${ratio <= BUDGET_RATIO ? 'pass' : 'MISSED'}`);
  log(
    `nextFor alone, 1M / 1k: ${nextForRatio}; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  return entries;
}

if (import.meta.filename === process.argv[1]) {
  await runB5();
}
