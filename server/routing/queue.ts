import {
  channelClass,
  type Capacity,
  type Channel,
  type ChannelClass,
  type Presence,
  type Skills,
} from '../../shared/domain';
import { BinaryHeap } from './heap';

/** Each priority point pulls a conversation one minute ahead of its SLA deadline. */
export const PRIORITY_WEIGHT_MS = 60_000;

export interface QueuedItem {
  conversationId: string;
  channel: Channel;
  /** Skill names; an agent qualifies with level ≥ 1 in each (or ≥ minLevel[skill]). */
  requiredSkills: string[];
  /** A skill listed here is required even when absent from requiredSkills. */
  minLevel?: Record<string, number>;
  /** 0..100: sentiment, customer value and public reach, folded in by the caller. */
  priority: number;
  /** First-response deadline (ms). */
  slaDueAt: number;
  enqueuedAt: number;
  /** The customer's last agent, across channels. */
  stickyAgentId?: string;
  /** End of the window (ms) during which the conversation waits for its sticky agent. */
  stickyUntil?: number;
}

export interface AgentState {
  id: string;
  skills: Skills;
  capacity: Capacity;
  load: Record<ChannelClass, number>;
  presence: Presence;
  /** When their load last dropped to zero or they became available; longest idle = smallest. */
  idleSince: number;
}

/** One required skill and the minimum level, sorted by skill so equal sets share a bucket. */
export type Requirement = readonly [skill: string, level: number];

/** Static per item, so heaps stay valid without re-keying: older items already have earlier deadlines. */
export function rankOf(item: QueuedItem): number {
  return item.slaDueAt - item.priority * PRIORITY_WEIGHT_MS;
}

/**
 * Blended capacity: a call blocks all other work while it lasts, and a call is only offered to an
 * agent with no chats (both are synchronous); email and social do not block a call.
 */
export function canTake(agent: AgentState, cls: ChannelClass): boolean {
  if (agent.presence !== 'available') return false;
  if (agent.load[cls] >= agent.capacity[cls]) return false;
  return cls === 'voice' ? agent.load.chat === 0 : agent.load.voice === 0;
}

export function requirementsOf(item: QueuedItem): Requirement[] {
  const levels = new Map<string, number>();
  for (const skill of item.requiredSkills) levels.set(skill, 1);
  for (const [skill, level] of Object.entries(item.minLevel ?? {})) {
    levels.set(skill, Math.max(1, level, levels.get(skill) ?? 1));
  }
  return [...levels].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export function meetsRequirements(agent: AgentState, requirements: readonly Requirement[]): boolean {
  for (const [skill, level] of requirements) {
    if ((agent.skills[skill] ?? 0) < level) return false;
  }
  return true;
}

/** Has the skills; whether they have room right now is canTake's question. */
export function qualifies(agent: AgentState, item: QueuedItem): boolean {
  return meetsRequirements(agent, requirementsOf(item));
}

interface Bucket {
  readonly key: string;
  readonly channelClass: ChannelClass;
  readonly requirements: readonly Requirement[];
  /** Set on an agent's sticky bucket. */
  readonly reservedFor: string | undefined;
  readonly heap: BinaryHeap<Entry>;
  /** Position in RoutingQueue.generalList (general buckets only). */
  listIndex: number;
}

interface Entry {
  readonly item: QueuedItem;
  readonly rank: number;
  bucket: Bucket;
  slot: number;
  /** Position in the expiry heap while reserved, else −1. */
  expirySlot: number;
}

/** Equal ranks: first come, first served; then the id, so the order is total and reproducible. */
function arrivedBefore(a: Entry, b: Entry): boolean {
  if (a.item.enqueuedAt !== b.item.enqueuedAt) return a.item.enqueuedAt < b.item.enqueuedAt;
  return a.item.conversationId < b.item.conversationId;
}

function servedBefore(a: Entry, b: Entry): boolean {
  return a.rank < b.rank || (a.rank === b.rank && arrivedBefore(a, b));
}

const rankKey = (entry: Entry): number => entry.rank;

function newBucket(
  key: string,
  cls: ChannelClass,
  requirements: readonly Requirement[],
  reservedFor: string | undefined,
): Bucket {
  const heap = new BinaryHeap<Entry>(rankKey, arrivedBefore, (entry, index) => {
    entry.slot = index;
  });
  return { key, channelClass: cls, requirements, reservedFor, heap, listIndex: -1 };
}

export interface BucketSnapshot {
  key: string;
  channelClass: ChannelClass;
  requirements: Requirement[];
  reservedFor?: string;
  size: number;
}

/**
 * Queued conversations in buckets keyed by (required skills, channel class), each a heap by rank,
 * plus per-agent sticky buckets for conversations reserved for the customer's last agent. A
 * decision looks only at bucket tops: O(B log n) for B buckets, never a scan of queued items.
 */
export class RoutingQueue {
  private readonly entries = new Map<string, Entry>();
  private readonly buckets = new Map<string, Bucket>();
  /** The same general buckets as an array: bestFor walks them on every decision. */
  private readonly generalList: Bucket[] = [];
  private readonly sticky = new Map<string, Map<ChannelClass, Bucket>>();
  private readonly expiries = new BinaryHeap<Entry>(
    (entry) => entry.item.stickyUntil ?? 0,
    undefined,
    (entry, index) => {
      entry.expirySlot = index;
    },
  );
  /** Conversations moved from a sticky bucket to the general buckets, not yet offered to others. */
  private released: string[] = [];

  get size(): number {
    return this.entries.size;
  }

  get reservedCount(): number {
    return this.expiries.size;
  }

  has(conversationId: string): boolean {
    return this.entries.has(conversationId);
  }

  get(conversationId: string): QueuedItem | undefined {
    return this.entries.get(conversationId)?.item;
  }

  /** The agent a queued conversation is reserved for, if any. */
  reservedFor(conversationId: string): string | undefined {
    return this.entries.get(conversationId)?.bucket.reservedFor;
  }

  /** Queues for any qualified agent; an already queued conversation is replaced (re-prioritised). */
  enqueue(item: QueuedItem): void {
    this.remove(item.conversationId);
    this.add(item, this.generalBucket(item));
  }

  /** Reserves for `agentId` until item.stickyUntil; releaseExpiredSticky then opens it to all. */
  reserve(item: QueuedItem, agentId: string): void {
    if (item.stickyUntil === undefined || !Number.isFinite(item.stickyUntil)) {
      throw new RangeError(`Cannot reserve ${item.conversationId}: it has no stickyUntil.`);
    }
    this.remove(item.conversationId);
    this.expiries.push(this.add(item, this.stickyBucket(agentId, channelClass(item.channel))));
  }

  remove(conversationId: string): boolean {
    return this.take(conversationId) !== undefined;
  }

  take(conversationId: string): QueuedItem | undefined {
    const entry = this.entries.get(conversationId);
    if (entry === undefined) return undefined;
    this.removeEntry(entry);
    return entry.item;
  }

  /**
   * The best conversation `agent` may take now, without removing it: the tops of their own sticky
   * buckets and of every general bucket whose skills they have, in classes canTake allows.
   */
  bestFor(agent: AgentState, now: number): QueuedItem | undefined {
    return this.best(agent, now)?.item;
  }

  /** bestFor then take in one pass (one lookup fewer in a map of n). */
  takeBestFor(agent: AgentState, now: number): { item: QueuedItem; reservedFor: string | undefined } | undefined {
    const entry = this.best(agent, now);
    if (entry === undefined) return undefined;
    const reservedFor = entry.bucket.reservedFor;
    this.removeEntry(entry);
    return { item: entry.item, reservedFor };
  }

  private best(agent: AgentState, now: number): Entry | undefined {
    this.releaseExpiredSticky(now);
    const allowed: Record<ChannelClass, boolean> = {
      voice: canTake(agent, 'voice'),
      chat: canTake(agent, 'chat'),
      social: canTake(agent, 'social'),
      email: canTake(agent, 'email'),
    };
    let best: Entry | undefined;
    const own = this.sticky.get(agent.id);
    if (own !== undefined) {
      for (const bucket of own.values()) {
        // Reservations are checked against the agent's skills when made and when the agent changes.
        const top = bucket.heap.peek();
        if (allowed[bucket.channelClass] && top !== undefined && (best === undefined || servedBefore(top, best))) {
          best = top;
        }
      }
    }
    for (const bucket of this.generalList) {
      if (!allowed[bucket.channelClass]) continue;
      const top = bucket.heap.peek();
      if (top === undefined || (best !== undefined && !servedBefore(top, best))) continue;
      if (meetsRequirements(agent, bucket.requirements)) best = top;
    }
    return best;
  }

  /** Moves reservations whose window has closed into the general buckets: O(k log n). */
  releaseExpiredSticky(now: number): QueuedItem[] {
    const moved: QueuedItem[] = [];
    let top = this.expiries.peek();
    while (top !== undefined && (top.item.stickyUntil ?? 0) <= now) {
      this.expiries.pop();
      moved.push(this.unreserve(top));
      top = this.expiries.peek();
    }
    return moved;
  }

  /** Moves an agent's reservations (those `keep` rejects, or all) into the general buckets. */
  releaseReservations(agentId: string, keep: (item: QueuedItem) => boolean = () => false): QueuedItem[] {
    const own = this.sticky.get(agentId);
    if (own === undefined) return [];
    const leaving = [...own.values()].flatMap((bucket) => bucket.heap.values().filter((e) => !keep(e.item)));
    for (const entry of leaving) this.expiries.removeAt(entry.expirySlot);
    return leaving.map((entry) => this.unreserve(entry));
  }

  /** Hands over the conversations released since the last call, for offering to other agents. */
  collectReleased(): QueuedItem[] {
    const ids = this.released;
    this.released = [];
    const items: QueuedItem[] = [];
    for (const id of new Set(ids)) {
      const entry = this.entries.get(id);
      if (entry !== undefined && entry.bucket.reservedFor === undefined) items.push(entry.item);
    }
    return items;
  }

  get hasReleased(): boolean {
    return this.released.length > 0;
  }

  /** The earliest stickyUntil among reservations: when the service should next release them. */
  nextStickyExpiry(): number | undefined {
    return this.expiries.peek()?.item.stickyUntil;
  }

  /** Every queued conversation, in no order. O(n): for tests and metrics, never in a decision. */
  *items(): IterableIterator<{ item: QueuedItem; reservedFor: string | undefined }> {
    for (const entry of this.entries.values()) yield { item: entry.item, reservedFor: entry.bucket.reservedFor };
  }

  bucketSizes(): BucketSnapshot[] {
    const all = [...this.buckets.values(), ...[...this.sticky.values()].flatMap((own) => [...own.values()])];
    return all.map((bucket) => ({
      key: bucket.key,
      channelClass: bucket.channelClass,
      requirements: [...bucket.requirements],
      ...(bucket.reservedFor === undefined ? {} : { reservedFor: bucket.reservedFor }),
      size: bucket.heap.size,
    }));
  }

  private removeEntry(entry: Entry): void {
    this.entries.delete(entry.item.conversationId);
    this.detach(entry);
    if (entry.expirySlot >= 0) this.expiries.removeAt(entry.expirySlot);
  }

  private add(item: QueuedItem, bucket: Bucket): Entry {
    const rank = rankOf(item);
    // NaN would silently corrupt every heap comparison after it.
    if (!Number.isFinite(rank) || item.priority < 0 || item.priority > 100 || !Number.isFinite(item.enqueuedAt)) {
      throw new RangeError(`Cannot queue ${item.conversationId}: priority, slaDueAt or enqueuedAt is out of range.`);
    }
    const entry: Entry = { item, rank, bucket, slot: -1, expirySlot: -1 };
    bucket.heap.push(entry);
    this.entries.set(item.conversationId, entry);
    return entry;
  }

  /** Called once the entry has left the expiry heap. */
  private unreserve(entry: Entry): QueuedItem {
    this.detach(entry);
    entry.bucket = this.generalBucket(entry.item);
    entry.bucket.heap.push(entry);
    this.released.push(entry.item.conversationId);
    return entry.item;
  }

  /** Takes the entry out of its bucket and drops the bucket once empty, so B counts live buckets. */
  private detach(entry: Entry): void {
    const bucket = entry.bucket;
    bucket.heap.removeAt(entry.slot);
    if (bucket.heap.size > 0) return;
    if (bucket.reservedFor === undefined) {
      this.buckets.delete(bucket.key);
      const moved = this.generalList.pop() as Bucket;
      if (moved !== bucket) {
        moved.listIndex = bucket.listIndex;
        this.generalList[bucket.listIndex] = moved;
      }
      return;
    }
    const own = this.sticky.get(bucket.reservedFor);
    own?.delete(bucket.channelClass);
    if (own?.size === 0) this.sticky.delete(bucket.reservedFor);
  }

  private generalBucket(item: QueuedItem): Bucket {
    const cls = channelClass(item.channel);
    const requirements = requirementsOf(item);
    // JSON keeps any skill name unambiguous; a separator character could collide.
    const key = JSON.stringify([cls, requirements]);
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      bucket = newBucket(key, cls, requirements, undefined);
      bucket.listIndex = this.generalList.length;
      this.generalList.push(bucket);
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  private stickyBucket(agentId: string, cls: ChannelClass): Bucket {
    let own = this.sticky.get(agentId);
    if (own === undefined) {
      own = new Map();
      this.sticky.set(agentId, own);
    }
    let bucket = own.get(cls);
    if (bucket === undefined) {
      bucket = newBucket(JSON.stringify([cls, agentId]), cls, [], agentId);
      own.set(cls, bucket);
    }
    return bucket;
  }
}
