import { channelClass, type ChannelClass, type Presence } from '../../shared/domain';
import {
  canTake,
  meetsRequirements,
  rankOf,
  requirementsOf,
  RoutingQueue,
  type AgentState,
  type BucketSnapshot,
  type QueuedItem,
  type Requirement,
} from './queue';

export { canTake, PRIORITY_WEIGHT_MS, qualifies, type AgentState, type QueuedItem } from './queue';

export interface AssignDecision {
  kind: 'assign';
  conversationId: string;
  agentId: string;
  channelClass: ChannelClass;
  /** sticky: the customer's last agent; longest_idle: a new or released conversation; queue: nextFor. */
  reason: 'sticky' | 'longest_idle' | 'queue';
}

export interface QueuedDecision {
  kind: 'queued';
  conversationId: string;
  channelClass: ChannelClass;
  reason: 'waiting_for_sticky_agent' | 'no_agent';
  stickyAgentId?: string;
}

export type RoutingDecision = AssignDecision | QueuedDecision;

export interface RouterSnapshot {
  queued: number;
  reserved: number;
  buckets: BucketSnapshot[];
  agents: Array<{ id: string; presence: Presence; idleSince: number; load: Record<ChannelClass, number> }>;
}

function totalLoad(agent: AgentState): number {
  return agent.load.voice + agent.load.chat + agent.load.social + agent.load.email;
}

/** Longest idle first; ties by id so decisions are reproducible. */
function compareIdle(a: AgentState, b: AgentState): number {
  return a.idleSince - b.idleSince || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function compareUrgency(a: QueuedItem, b: QueuedItem): number {
  return rankOf(a) - rankOf(b) || a.enqueuedAt - b.enqueuedAt;
}

/**
 * In-memory routing decisions (DESIGN.md "Routing", RELIABILITY.md I8). Pure: the caller passes
 * `now`, persists every decision, calls `release` when work ends or a transaction fails, and
 * rebuilds the state at boot with upsertAgent + enqueue + drain.
 *
 * I8 holds between calls when the caller, after any release or presence change to 'available',
 * calls nextFor for that agent until null, and calls expireSticky once wakeAt() has passed. The
 * one deliberate exception: a conversation reserved for its sticky agent, inside stickyUntil,
 * waits for that agent even if another qualified agent is free.
 */
export class Router {
  private readonly queue = new RoutingQueue();
  private readonly agents = new Map<string, AgentState>();

  /**
   * Adds or replaces an agent (a copy is kept). Reservations the agent can no longer honour
   * (offline, skill or capacity lost) go to the general queue; returns their new assignments.
   */
  upsertAgent(agent: AgentState): AssignDecision[] {
    const copy: AgentState = {
      ...agent,
      skills: { ...agent.skills },
      capacity: { ...agent.capacity },
      load: { ...agent.load },
    };
    this.agents.set(copy.id, copy);
    this.queue.releaseReservations(copy.id, (item) => this.mayWaitFor(copy, item));
    return this.dispatchReleased();
  }

  /** The caller releases nothing for a removed agent: their in-flight work is the service's to requeue. */
  removeAgent(agentId: string): AssignDecision[] {
    this.agents.delete(agentId);
    this.queue.releaseReservations(agentId);
    return this.dispatchReleased();
  }

  /** Going offline ends the sticky wait at once: returns where their reservations went. */
  setPresence(agentId: string, presence: Presence, now: number): AssignDecision[] {
    const agent = this.agents.get(agentId);
    if (agent === undefined) return [];
    if (presence === 'available' && agent.presence !== 'available') agent.idleSince = now;
    agent.presence = presence;
    if (presence !== 'offline') return [];
    this.queue.releaseReservations(agentId);
    return this.dispatchReleased();
  }

  /** The live state, for reading only. */
  getAgent(agentId: string): Readonly<AgentState> | undefined {
    return this.agents.get(agentId);
  }

  /** A new (or re-prioritised) conversation: its sticky agent, else the longest-idle qualified agent, else the queue. */
  route(item: QueuedItem, now: number): RoutingDecision {
    return this.place(item, now, undefined);
  }

  /**
   * An offer expired or a disconnect grace ended: routed like a new conversation, except that
   * `excludeAgentId` (by default the sticky agent) is skipped for this attempt. The caller
   * releases the agent's load first; if the conversation is queued, that agent may still get it
   * from nextFor later, so mark an unresponsive agent away first.
   */
  requeue(item: QueuedItem, now: number, excludeAgentId: string | undefined = item.stickyAgentId): RoutingDecision {
    return this.place(item, now, excludeAgentId);
  }

  /**
   * Boot rebuild: queues (or reserves for a sticky agent) without assigning. Upsert the agents
   * first, so reservations find their agent, and call drain(now) after the last one.
   */
  enqueue(item: QueuedItem, now: number): QueuedDecision {
    this.queue.remove(item.conversationId);
    return this.wait(item, this.stickyAgentFor(item, now, undefined));
  }

  /** A queued conversation left (abandoned, closed elsewhere). */
  withdraw(conversationId: string): boolean {
    return this.queue.remove(conversationId);
  }

  isQueued(conversationId: string): boolean {
    return this.queue.has(conversationId);
  }

  /**
   * The best conversation for an agent who has freed capacity or became available, taken from the
   * queue with their load counted. Call repeatedly until null. O(B log n).
   */
  nextFor(agentId: string, now: number): AssignDecision | null {
    const agent = this.agents.get(agentId);
    if (agent === undefined) return null;
    const best = this.queue.takeBestFor(agent, now);
    if (best === undefined) return null;
    const { item, reservedFor } = best;
    return this.assign(
      agent,
      item.conversationId,
      channelClass(item.channel),
      reservedFor === undefined ? 'queue' : 'sticky',
    );
  }

  /** Work ended (or its assignment was not persisted): one unit of capacity back. */
  release(agentId: string, cls: ChannelClass, now: number): void {
    const agent = this.agents.get(agentId);
    if (agent === undefined || agent.load[cls] === 0) return;
    agent.load[cls] -= 1;
    if (totalLoad(agent) === 0) agent.idleSince = now;
  }

  /**
   * When the service's timer should call expireSticky: the earliest reservation deadline, or
   * −Infinity when conversations already released (by nextFor) still await an offer to others.
   */
  wakeAt(): number | undefined {
    return this.queue.hasReleased ? Number.NEGATIVE_INFINITY : this.queue.nextStickyExpiry();
  }

  /** Ends closed sticky windows and offers those conversations to the longest-idle qualified agents. */
  expireSticky(now: number): AssignDecision[] {
    this.queue.releaseExpiredSticky(now);
    return this.dispatchReleased();
  }

  /**
   * Assigns as much as possible after bulk changes (boot). Round-robin over available agents,
   * longest idle first, one conversation each per round, so the most urgent conversations land
   * on different agents; an agent who gets nothing drops out (others taking work cannot give
   * them more). Afterwards no queued conversation has a qualified agent with free capacity,
   * except reservations still inside their window for a sticky agent who is busy or away.
   */
  drain(now: number): AssignDecision[] {
    this.queue.releaseExpiredSticky(now);
    const decisions: AssignDecision[] = [];
    let round = [...this.agents.values()].filter((agent) => agent.presence === 'available').sort(compareIdle);
    while (round.length > 0) {
      const again: AgentState[] = [];
      for (const agent of round) {
        const decision = this.nextFor(agent.id, now);
        if (decision === null) continue;
        decisions.push(decision);
        again.push(agent);
      }
      round = again;
    }
    // Every available agent has been offered everything they may take.
    this.queue.collectReleased();
    return decisions;
  }

  /** Every queued conversation, in no order. O(n): for tests and metrics, never in a decision. */
  queuedItems(): IterableIterator<{ item: QueuedItem; reservedFor: string | undefined }> {
    return this.queue.items();
  }

  snapshot(): RouterSnapshot {
    return {
      queued: this.queue.size,
      reserved: this.queue.reservedCount,
      buckets: this.queue.bucketSizes(),
      agents: [...this.agents.values()].map((agent) => ({
        id: agent.id,
        presence: agent.presence,
        idleSince: agent.idleSince,
        load: { ...agent.load },
      })),
    };
  }

  private place(item: QueuedItem, now: number, excludeAgentId: string | undefined): RoutingDecision {
    // Routing a conversation that is already queued re-places it: never two copies.
    this.queue.remove(item.conversationId);
    const cls = channelClass(item.channel);
    const sticky = this.stickyAgentFor(item, now, excludeAgentId);
    if (sticky !== undefined) {
      return canTake(sticky, cls) ? this.assign(sticky, item.conversationId, cls, 'sticky') : this.wait(item, sticky);
    }
    const agent = this.longestIdle(cls, item, excludeAgentId);
    return agent === undefined
      ? this.wait(item, undefined)
      : this.assign(agent, item.conversationId, cls, 'longest_idle');
  }

  /** Reserves for the sticky agent if there is one worth waiting for, else queues for anyone. */
  private wait(item: QueuedItem, sticky: AgentState | undefined): QueuedDecision {
    const { conversationId } = item;
    const cls = channelClass(item.channel);
    if (sticky === undefined) {
      this.queue.enqueue(item);
      return { kind: 'queued', conversationId, channelClass: cls, reason: 'no_agent' };
    }
    this.queue.reserve(item, sticky.id);
    return {
      kind: 'queued',
      conversationId,
      channelClass: cls,
      reason: 'waiting_for_sticky_agent',
      stickyAgentId: sticky.id,
    };
  }

  /**
   * The sticky agent worth waiting for: inside the window, known, not offline, with the skills
   * and some capacity for the channel. Waiting for an agent who could never take it would only
   * delay the customer until stickyUntil.
   */
  private stickyAgentFor(item: QueuedItem, now: number, excludeAgentId: string | undefined): AgentState | undefined {
    const { stickyAgentId, stickyUntil } = item;
    if (stickyAgentId === undefined || stickyUntil === undefined || now >= stickyUntil) return undefined;
    if (stickyAgentId === excludeAgentId) return undefined;
    const agent = this.agents.get(stickyAgentId);
    return agent !== undefined && this.mayWaitFor(agent, item) ? agent : undefined;
  }

  private mayWaitFor(agent: AgentState, item: QueuedItem): boolean {
    return (
      agent.presence !== 'offline' &&
      agent.capacity[channelClass(item.channel)] > 0 &&
      meetsRequirements(agent, requirementsOf(item))
    );
  }

  /** O(agents): an arrival may scan agents; only the queued side must stay O(log n) (DESIGN.md). */
  private longestIdle(cls: ChannelClass, item: QueuedItem, excludeAgentId: string | undefined): AgentState | undefined {
    let requirements: Requirement[] | undefined;
    let best: AgentState | undefined;
    for (const agent of this.agents.values()) {
      if (agent.id === excludeAgentId || !canTake(agent, cls)) continue;
      if (best !== undefined && compareIdle(agent, best) >= 0) continue;
      requirements ??= requirementsOf(item);
      if (meetsRequirements(agent, requirements)) best = agent;
    }
    return best;
  }

  /** Offers conversations released from sticky buckets to other agents, most urgent first. */
  private dispatchReleased(): AssignDecision[] {
    const decisions: AssignDecision[] = [];
    const released = this.queue.collectReleased().sort(compareUrgency);
    for (const item of released) {
      const cls = channelClass(item.channel);
      const agent = this.longestIdle(cls, item, undefined);
      if (agent === undefined) continue;
      this.queue.take(item.conversationId);
      decisions.push(this.assign(agent, item.conversationId, cls, 'longest_idle'));
    }
    return decisions;
  }

  private assign(
    agent: AgentState,
    conversationId: string,
    cls: ChannelClass,
    reason: AssignDecision['reason'],
  ): AssignDecision {
    agent.load[cls] += 1;
    return { kind: 'assign', conversationId, agentId: agent.id, channelClass: cls, reason };
  }
}
