import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  channelClass,
  ChannelSchema,
  PresenceSchema,
  type Capacity,
  type Channel,
  type ChannelClass,
  type Presence,
} from '../../shared/domain';
import { canTake, qualifies, Router, type AgentState, type QueuedItem, type RoutingDecision } from './router';

import { agent, IDLE_LOAD, item, MIN } from './testFixtures';

function routerWith(...agents: AgentState[]): Router {
  const router = new Router();
  for (const a of agents) router.upsertAgent(a);
  return router;
}

function assignee(decision: RoutingDecision | null): string | undefined {
  return decision?.kind === 'assign' ? decision.agentId : undefined;
}

describe('router', () => {
  it('skill match: an agent without the skill is never offered it', () => {
    const router = routerWith(agent('dana', { skills: { en: 3 } }));
    expect(router.route(item('fr-1', { requiredSkills: ['fr'] }), 0)).toMatchObject({
      kind: 'queued',
      reason: 'no_agent',
    });
    expect(router.nextFor('dana', 1)).toBeNull();
    router.upsertAgent(agent('eli', { skills: { fr: 1 } }));
    expect(router.nextFor('eli', 2)).toMatchObject({ conversationId: 'fr-1', agentId: 'eli', reason: 'queue' });
  });

  it('capacity limits across channels: 3 social plus 5 email at once, no more', () => {
    const router = routerWith(agent('dana'));
    const social = ['x_public', 'x_dm', 'messenger', 'facebook'] as const;
    const decisions = [
      ...social.map((channel, i) => router.route(item(`s${i}`, { channel }), 0)),
      ...[0, 1, 2, 3, 4, 5].map((i) => router.route(item(`e${i}`), 0)),
    ];
    expect(decisions.map((d) => d.kind)).toEqual([
      ...['assign', 'assign', 'assign', 'queued'],
      ...['assign', 'assign', 'assign', 'assign', 'assign', 'queued'],
    ]);
    expect(router.getAgent('dana')?.load).toEqual({ voice: 0, chat: 0, social: 3, email: 5 });
    router.release('dana', 'social', 1);
    expect(router.nextFor('dana', 1)).toMatchObject({ conversationId: 's3', channelClass: 'social' });
    expect(router.nextFor('dana', 1)).toBeNull();
  });

  it('capacity limits across channels: a call blocks everything, a chat blocks calls', () => {
    const router = routerWith(agent('dana'));
    expect(assignee(router.route(item('call-1', { channel: 'voice' }), 0))).toBe('dana');
    (['chat', 'email', 'x_dm', 'voice'] as const).forEach((channel, enqueuedAt) => {
      expect(router.route(item(`while-call-${channel}`, { channel, enqueuedAt }), 0).kind).toBe('queued');
    });
    router.release('dana', 'voice', 1);
    expect(router.nextFor('dana', 1)).toMatchObject({ conversationId: 'while-call-chat' });
    // Ranks tie, so arrival order decides; the queued call stays blocked by the chat now open.
    const taken = [router.nextFor('dana', 1), router.nextFor('dana', 1), router.nextFor('dana', 1)];
    expect(taken.map((d) => d?.conversationId)).toEqual(['while-call-email', 'while-call-x_dm', undefined]);
    router.release('dana', 'chat', 2);
    // Email and social do not block a call.
    expect(router.nextFor('dana', 2)).toMatchObject({ conversationId: 'while-call-voice', channelClass: 'voice' });
  });

  it('sticky return inside the window: the last agent gets the customer back, others wait', () => {
    const router = routerWith(agent('dana', { idleSince: 50 }), agent('eli', { idleSince: 10 }));
    const returning = item('c1', { stickyAgentId: 'dana', stickyUntil: 5 * MIN });
    expect(router.route(returning, 0)).toMatchObject({ kind: 'assign', agentId: 'dana', reason: 'sticky' });

    router.setPresence('dana', 'busy', 1);
    const again = item('c2', { stickyAgentId: 'dana', stickyUntil: 5 * MIN });
    expect(router.route(again, 1)).toMatchObject({
      kind: 'queued',
      reason: 'waiting_for_sticky_agent',
      stickyAgentId: 'dana',
    });
    expect(router.nextFor('eli', 2)).toBeNull();
    router.setPresence('dana', 'available', 3);
    expect(router.nextFor('dana', 3)).toMatchObject({ conversationId: 'c2', agentId: 'dana', reason: 'sticky' });
  });

  it('sticky fallback after the window: releaseExpiredSticky hands it to the longest-idle agent', () => {
    const router = routerWith(agent('dana', { presence: 'away' }), agent('eli', { idleSince: 10 }));
    router.route(item('c1', { stickyAgentId: 'dana', stickyUntil: 5 * MIN }), 0);
    expect(router.wakeAt()).toBe(5 * MIN);
    expect(router.expireSticky(5 * MIN - 1)).toEqual([]);
    expect(router.expireSticky(5 * MIN)).toEqual([
      { kind: 'assign', conversationId: 'c1', agentId: 'eli', channelClass: 'email', reason: 'longest_idle' },
    ]);
    expect(router.wakeAt()).toBeUndefined();
  });

  it('sticky fallback when another agent asks after the window, and the release is still offered to others', () => {
    const router = routerWith(
      agent('dana', { presence: 'away' }),
      agent('eli', { capacity: { voice: 0, chat: 0, social: 0, email: 1 }, load: { ...IDLE_LOAD, email: 1 } }),
      agent('fay', { presence: 'busy' }),
    );
    router.route(item('c1', { stickyAgentId: 'dana', stickyUntil: 5 * MIN, slaDueAt: 1 * MIN }), 0);
    router.route(item('c2', { stickyAgentId: 'dana', stickyUntil: 5 * MIN }), 0);
    router.release('eli', 'email', 6 * MIN);
    expect(router.nextFor('eli', 6 * MIN)).toMatchObject({ conversationId: 'c1', reason: 'queue' });
    // c2 was released too; the service's timer offers it to fay once she is available.
    expect(router.wakeAt()).toBe(Number.NEGATIVE_INFINITY);
    router.setPresence('fay', 'available', 6 * MIN);
    expect(router.expireSticky(6 * MIN)).toMatchObject([{ conversationId: 'c2', agentId: 'fay' }]);
  });

  it('sticky agent offline: immediate fallback, also for conversations already waiting for them', () => {
    const router = routerWith(
      agent('dana', { presence: 'offline' }),
      agent('eli', { load: { ...IDLE_LOAD, email: 5 } }),
    );
    expect(router.route(item('c1', { stickyAgentId: 'dana', stickyUntil: 5 * MIN }), 0)).toMatchObject({
      kind: 'queued',
      reason: 'no_agent',
    });
    router.setPresence('dana', 'busy', 1);
    expect(router.route(item('c2', { stickyAgentId: 'dana', stickyUntil: 5 * MIN }), 1)).toMatchObject({
      reason: 'waiting_for_sticky_agent',
    });
    router.release('eli', 'email', 2);
    router.release('eli', 'email', 2);
    expect(router.nextFor('eli', 2)).toMatchObject({ conversationId: 'c1' });
    expect(router.nextFor('eli', 2)).toBeNull();
    expect(router.setPresence('dana', 'offline', 3)).toMatchObject([{ conversationId: 'c2', agentId: 'eli' }]);
  });

  it('sticky agent without the skill: no point waiting for them', () => {
    const router = routerWith(agent('dana', { skills: { en: 1 } }), agent('eli', { skills: { fr: 2 } }));
    const french = item('c1', { requiredSkills: ['fr'], stickyAgentId: 'dana', stickyUntil: 5 * MIN });
    expect(router.route(french, 0)).toMatchObject({ agentId: 'eli', reason: 'longest_idle' });
  });

  it('an agent who loses the skill, or is removed, no longer holds the customer back', () => {
    const router = routerWith(agent('dana', { presence: 'busy', skills: { en: 3, billing: 2 } }), agent('eli'));
    router.release('eli', 'email', 0);
    router.route(item('c1', { requiredSkills: ['en'], stickyAgentId: 'dana', stickyUntil: 5 * MIN }), 0);
    router.route(item('c2', { requiredSkills: ['billing'], stickyAgentId: 'dana', stickyUntil: 5 * MIN }), 0);
    expect(router.snapshot().reserved).toBe(2);
    const decisions = router.upsertAgent(agent('dana', { presence: 'busy', skills: { billing: 2 } }));
    expect(decisions).toEqual([
      { kind: 'assign', conversationId: 'c1', agentId: 'eli', channelClass: 'email', reason: 'longest_idle' },
    ]);
    expect(router.snapshot().reserved).toBe(1);
    expect(router.removeAgent('dana')).toEqual([]);
    expect(router.snapshot()).toMatchObject({ queued: 1, reserved: 0 });
  });

  it('longest-idle tie-break: smallest idleSince first, then id; idleSince resets when load reaches zero', () => {
    const router = routerWith(
      agent('cy', { idleSince: 20 }),
      agent('bo', { idleSince: 10 }),
      agent('al', { idleSince: 10 }),
    );
    expect(assignee(router.route(item('c1'), 100))).toBe('al');
    expect(assignee(router.route(item('c2'), 100))).toBe('al');
    router.release('al', 'email', 150);
    expect(router.getAgent('al')?.idleSince).toBe(10);
    router.release('al', 'email', 200);
    expect(router.getAgent('al')?.idleSince).toBe(200);
    expect(assignee(router.route(item('c3'), 300))).toBe('bo');
    router.release('bo', 'email', 400);
    expect(assignee(router.route(item('c4'), 500))).toBe('cy');
    router.release('cy', 'email', 600);
    router.release('cy', 'email', 700);
    expect(router.getAgent('cy')?.idleSince).toBe(600);
    expect(router.getAgent('cy')?.load.email).toBe(0);
  });

  it('priority and SLA ordering: a viral complaint jumps ahead, equal priority goes by deadline', () => {
    const router = routerWith(agent('dana', { presence: 'busy' }));
    router.route(item('old-quiet', { enqueuedAt: 0, slaDueAt: 30 * MIN, priority: 0 }), 0);
    router.route(item('later-deadline', { enqueuedAt: 1, slaDueAt: 40 * MIN, priority: 0 }), 1);
    router.route(
      item('viral', { channel: 'x_public', enqueuedAt: 20 * MIN, slaDueAt: 80 * MIN, priority: 90 }),
      20 * MIN,
    );
    router.setPresence('dana', 'available', 21 * MIN);
    const order = [0, 1, 2].map(() => router.nextFor('dana', 21 * MIN)?.conversationId);
    expect(order).toEqual(['viral', 'old-quiet', 'later-deadline']);
  });

  it('requeue excludes the agent whose offer expired', () => {
    // dana stays longest idle (she keeps one email throughout), so only the exclusion sends work to eli.
    const router = routerWith(agent('dana', { load: { ...IDLE_LOAD, email: 1 } }), agent('eli', { idleSince: 10 }));
    const offered = item('c1');
    expect(assignee(router.route(offered, 0))).toBe('dana');
    router.release('dana', 'email', 30_000);
    expect(router.requeue(offered, 30_000, 'dana')).toMatchObject({ agentId: 'eli', reason: 'longest_idle' });

    const sticky = item('c2', { stickyAgentId: 'dana', stickyUntil: 5 * MIN });
    expect(assignee(router.route(sticky, 40_000))).toBe('dana');
    router.release('dana', 'email', 70_000);
    // The sticky agent is the one who let the offer lapse: no waiting for them this time.
    expect(router.requeue(sticky, 70_000)).toMatchObject({ agentId: 'eli' });
  });

  it('drain after boot: urgent work spread round-robin, and no qualified free agent left idle', () => {
    const router = routerWith(
      agent('dana', { idleSince: 5, capacity: { voice: 0, chat: 0, social: 0, email: 2 } }),
      agent('eli', { idleSince: 1, capacity: { voice: 0, chat: 0, social: 0, email: 2 } }),
      agent('fay', { presence: 'away' }),
    );
    for (let i = 0; i < 6; i += 1) router.enqueue(item(`c${i}`, { slaDueAt: (10 + i) * MIN }), 0);
    router.enqueue(item('for-fay', { stickyAgentId: 'fay', stickyUntil: 5 * MIN }), 0);
    const decisions = router.drain(0);
    expect(decisions.map((d) => `${d.conversationId}→${d.agentId}`)).toEqual([
      'c0→eli',
      'c1→dana',
      'c2→eli',
      'c3→dana',
    ]);
    expect(router.snapshot()).toMatchObject({ queued: 3, reserved: 1 });
    expect(router.drain(5 * MIN)).toEqual([]);
    expect(router.snapshot().reserved).toBe(0);
  });
});

const SKILLS = ['en', 'fr', 'billing'] as const;
const AGENT_IDS = ['a0', 'a1', 'a2', 'a3'] as const;

const skillsArb = fc
  .record({
    en: fc.integer({ min: 0, max: 3 }),
    fr: fc.integer({ min: 0, max: 3 }),
    billing: fc.integer({ min: 0, max: 3 }),
  })
  .map((levels) => Object.fromEntries(Object.entries(levels).filter(([, level]) => level > 0)));

const capacityArb: fc.Arbitrary<Capacity> = fc.record({
  voice: fc.integer({ min: 0, max: 1 }),
  chat: fc.integer({ min: 0, max: 2 }),
  social: fc.integer({ min: 0, max: 3 }),
  email: fc.integer({ min: 0, max: 3 }),
});

/** Mostly available, so that work actually flows. */
const presenceArb = fc.oneof(
  { weight: 3, arbitrary: fc.constant<Presence>('available') },
  { weight: 2, arbitrary: fc.constantFrom(...PresenceSchema.options) },
);

const agentsArb = fc.tuple(
  ...AGENT_IDS.map((id) =>
    fc.record({
      id: fc.constant(id),
      skills: skillsArb,
      capacity: capacityArb,
      load: fc.constant({ ...IDLE_LOAD }),
      presence: presenceArb,
      idleSince: fc.integer({ min: 0, max: 5 }),
    }),
  ),
);

const agentIndex = fc.integer({ min: 0, max: AGENT_IDS.length - 1 });

type Op =
  | {
      kind: 'arrive';
      channel: Channel;
      skills: string[];
      minLevel: number | null;
      priority: number;
      slaIn: number;
      sticky: { agent: number; window: number } | null;
    }
  | { kind: 'presence'; agent: number; presence: Presence }
  | { kind: 'next'; agent: number }
  | { kind: 'finish'; agent: number; pick: number }
  | { kind: 'offerExpired'; agent: number; pick: number }
  | { kind: 'tick'; ms: number }
  | { kind: 'reskill'; agent: number; skills: Record<string, number>; capacity: Capacity; presence: Presence }
  | { kind: 'withdraw'; pick: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('arrive' as const),
      channel: fc.constantFrom(...ChannelSchema.options),
      skills: fc.subarray([...SKILLS], { maxLength: 2 }),
      minLevel: fc.option(fc.integer({ min: 1, max: 3 })),
      priority: fc.integer({ min: 0, max: 100 }),
      slaIn: fc.integer({ min: 0, max: 120 * MIN }),
      sticky: fc.option(fc.record({ agent: agentIndex, window: fc.integer({ min: 1, max: 3 * MIN }) })),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('presence' as const),
      agent: agentIndex,
      presence: presenceArb,
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('next' as const), agent: agentIndex }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('finish' as const), agent: agentIndex, pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('offerExpired' as const), agent: agentIndex, pick: fc.nat() }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 1, max: 2 * MIN }) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('reskill' as const),
      agent: agentIndex,
      skills: skillsArb,
      capacity: capacityArb,
      presence: presenceArb,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('withdraw' as const), pick: fc.nat() }) },
);

/** Plain throws: expect() per step would dominate the run time of thousands of steps. */
function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

const opsArb = fc.array(opArb, { minLength: 10, maxLength: 80, size: 'max' });

/**
 * Replays ops against a Router while tracking who holds what, and checks every decision: never
 * handed to two agents at once, never beyond capacity or the blended rule, only to qualified
 * available agents.
 */
class Harness {
  readonly router = new Router();
  readonly held = new Map<string, { agentId: string; cls: ChannelClass; item: QueuedItem }>();
  readonly items = new Map<string, QueuedItem>();
  now = 1_000;
  assignments = 0;
  private nextId = 0;

  constructor(
    agents: AgentState[],
    private readonly followProtocol: boolean,
  ) {
    for (const a of agents) this.router.upsertAgent(a);
  }

  apply(op: Op): void {
    if (this.followProtocol) this.expireDue();
    switch (op.kind) {
      case 'arrive': {
        const id = `c${this.nextId++}`;
        const skills = op.skills;
        const first = skills[0];
        const queued: QueuedItem = {
          conversationId: id,
          channel: op.channel,
          requiredSkills: skills,
          ...(op.minLevel !== null && first !== undefined ? { minLevel: { [first]: op.minLevel } } : {}),
          priority: op.priority,
          slaDueAt: this.now + op.slaIn,
          enqueuedAt: this.now,
          ...(op.sticky === null
            ? {}
            : { stickyAgentId: AGENT_IDS[op.sticky.agent], stickyUntil: this.now + op.sticky.window }),
        };
        this.items.set(id, queued);
        this.record(this.router.route(queued, this.now));
        break;
      }
      case 'presence': {
        const agentId = AGENT_IDS[op.agent] as string;
        this.recordAll(this.router.setPresence(agentId, op.presence, this.now));
        if (this.followProtocol && op.presence === 'available') this.serve(agentId);
        break;
      }
      case 'next':
        this.record(this.router.nextFor(AGENT_IDS[op.agent] as string, this.now));
        break;
      case 'finish':
      case 'offerExpired': {
        const agentId = AGENT_IDS[op.agent] as string;
        const mine = [...this.held].filter(([, h]) => h.agentId === agentId);
        const picked = mine[op.pick % Math.max(1, mine.length)];
        if (picked === undefined) break;
        const [id, held] = picked;
        this.held.delete(id);
        this.router.release(agentId, held.cls, this.now);
        if (op.kind === 'offerExpired') {
          // A service marks an agent who lets an offer lapse as away before offering it elsewhere.
          if (this.followProtocol) this.recordAll(this.router.setPresence(agentId, 'away', this.now));
          this.record(this.router.requeue(held.item, this.now, agentId));
        }
        if (this.followProtocol) this.serve(agentId);
        break;
      }
      case 'tick':
        this.now += op.ms;
        if (this.followProtocol) this.expireDue();
        break;
      case 'reskill': {
        // A lead edits the agent; their current work (and so their load) stays with them. Capacity
        // is kept at least at the load so that "never over capacity" stays checkable.
        const agentId = AGENT_IDS[op.agent] as string;
        const current = this.router.getAgent(agentId) as AgentState;
        const { skills, presence } = op;
        const capacity = { ...op.capacity };
        for (const cls of ['voice', 'chat', 'social', 'email'] as const) {
          capacity[cls] = Math.max(capacity[cls], current.load[cls]);
        }
        this.recordAll(this.router.upsertAgent({ ...current, skills, capacity, presence, load: { ...current.load } }));
        if (this.followProtocol) this.serve(agentId);
        break;
      }
      case 'withdraw': {
        const queued = [...this.router.queuedItems()];
        const picked = queued[op.pick % Math.max(1, queued.length)];
        if (picked === undefined) break;
        check(this.router.withdraw(picked.item.conversationId), `${picked.item.conversationId} not withdrawn`);
        check(!this.router.isQueued(picked.item.conversationId), `${picked.item.conversationId} still queued`);
        break;
      }
    }
    this.checkLoads();
  }

  drain(): void {
    this.recordAll(this.router.drain(this.now));
    this.checkLoads();
  }

  /** I8: no queued conversation has a qualified agent with free capacity, bar live sticky waits. */
  checkNoIdleMatch(): void {
    for (const { item: queued, reservedFor } of this.router.queuedItems()) {
      const cls = channelClass(queued.channel);
      if (reservedFor !== undefined) {
        const sticky = this.router.getAgent(reservedFor);
        check(
          sticky !== undefined && sticky.presence !== 'offline',
          `${queued.conversationId} waits for ${reservedFor}, gone`,
        );
        check(this.now < (queued.stickyUntil ?? 0), `${queued.conversationId} waits past its sticky window`);
        check(!canTake(sticky, cls), `${queued.conversationId} waits while its sticky agent ${reservedFor} is free`);
        continue;
      }
      for (const agentId of AGENT_IDS) {
        const free = this.router.getAgent(agentId) as AgentState;
        check(
          !(canTake(free, cls) && qualifies(free, queued)),
          `${queued.conversationId} waits while ${agentId} is free`,
        );
      }
    }
  }

  private serve(agentId: string): void {
    for (let d = this.router.nextFor(agentId, this.now); d !== null; d = this.router.nextFor(agentId, this.now)) {
      this.record(d);
    }
  }

  /** One expireSticky call must settle everything due; a second would mean wakeAt lies. */
  private expireDue(): void {
    const wake = this.router.wakeAt();
    if (wake === undefined || wake > this.now) return;
    this.recordAll(this.router.expireSticky(this.now));
    const again = this.router.wakeAt();
    check(again === undefined || again > this.now, `wakeAt ${again} still due after expireSticky`);
  }

  private recordAll(decisions: RoutingDecision[]): void {
    for (const d of decisions) this.record(d);
  }

  private record(decision: RoutingDecision | null): void {
    if (decision === null) return;
    const id = decision.conversationId;
    if (decision.kind === 'queued') {
      check(this.router.isQueued(id), `${id} reported queued but is not`);
      return;
    }
    check(!this.held.has(id), `${id} handed out twice`);
    check(!this.router.isQueued(id), `${id} assigned but still queued`);
    const assigned = this.router.getAgent(decision.agentId) as AgentState;
    const queued = this.items.get(id) as QueuedItem;
    const cls = channelClass(queued.channel);
    check(decision.channelClass === cls, `${id} assigned as ${decision.channelClass}`);
    check(qualifies(assigned, queued), `${id} to unqualified ${decision.agentId}`);
    // Decisions may come in a batch (drain), so judge capacity by what the agent held before this one.
    const before = { ...assigned, load: this.heldBy(decision.agentId) };
    check(canTake(before, cls), `${id} to ${decision.agentId}, who could not take ${cls}`);
    this.held.set(id, { agentId: decision.agentId, cls, item: queued });
    this.assignments += 1;
  }

  private heldBy(agentId: string): Record<ChannelClass, number> {
    const load = { ...IDLE_LOAD };
    for (const h of this.held.values()) if (h.agentId === agentId) load[h.cls] += 1;
    return load;
  }

  private checkLoads(): void {
    for (const agentId of AGENT_IDS) {
      const state = this.router.getAgent(agentId) as AgentState;
      const held = this.heldBy(agentId);
      for (const cls of ['voice', 'chat', 'social', 'email'] as const) {
        check(state.load[cls] === held[cls], `${agentId} load ${cls} ${state.load[cls]}, holds ${held[cls]}`);
        check(state.load[cls] <= state.capacity[cls], `${agentId} over ${cls} capacity`);
      }
      check(!(state.load.voice > 0 && state.load.chat > 0), `${agentId} on a call and in a chat`);
    }
    for (const id of this.held.keys()) check(!this.router.isQueued(id), `${id} held and queued`);
  }
}

describe('router properties', () => {
  it('no double assignment: random enqueue, presence, nextFor, release and requeue never hand an item to two agents or exceed capacity, and drain restores I8', () => {
    let assignments = 0;
    fc.assert(
      fc.property(agentsArb, opsArb, (agents, ops) => {
        const harness = new Harness(agents, false);
        for (const op of ops) harness.apply(op);
        harness.drain();
        harness.checkNoIdleMatch();
        assignments += harness.assignments;
      }),
      { numRuns: 500 },
    );
    // The generators must actually exercise assignment, not only queueing.
    expect(assignments).toBeGreaterThan(2_000);
  });

  it('I8 holds after every step for a caller that serves freed agents and expires sticky windows on time', () => {
    fc.assert(
      fc.property(agentsArb, opsArb, (agents, ops) => {
        const harness = new Harness(agents, true);
        harness.checkNoIdleMatch();
        for (const op of ops) {
          harness.apply(op);
          harness.checkNoIdleMatch();
        }
      }),
      { numRuns: 500 },
    );
  });
});
