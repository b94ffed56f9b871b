import type { Channel, ConversationStatus } from '../../shared/domain';
import type { InboxItem, SentimentBand } from './inboxItem';
import type { SlaState } from './slaClock';

export type InboxScope = 'mine' | 'queue' | 'all';
export type InboxSort = 'urgency' | 'newest';

export interface InboxFilter {
  scope: InboxScope;
  /** `open`: everything not resolved. */
  status: 'open' | 'any' | ConversationStatus;
  channel: 'any' | Channel;
  sla: 'any' | Exclude<SlaState, 'none'>;
  sentiment: 'any' | SentimentBand;
  unreadOnly: boolean;
  search: string;
  sort: InboxSort;
}

export const DEFAULT_FILTER: InboxFilter = {
  scope: 'mine',
  status: 'open',
  channel: 'any',
  sla: 'any',
  sentiment: 'any',
  unreadOnly: false,
  search: '',
  sort: 'urgency',
};

type Compare = (a: InboxItem, b: InboxItem) => number;

const byId = (a: InboxItem, b: InboxItem) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Most urgent first: the nearest SLA target, then priority, then the latest activity. */
const urgency: Compare = (a, b) =>
  (a.dueAt ?? Infinity) - (b.dueAt ?? Infinity) || b.priority - a.priority || b.updatedAt - a.updatedAt || byId(a, b);

const newest: Compare = (a, b) => b.updatedAt - a.updatedAt || byId(a, b);

const COMPARE: Record<InboxSort, Compare> = { urgency, newest };

/** Past this many changes at once, one merge pass is cheaper than placing each by binary search. */
const MERGE_OVER = 64;
const SORTS: InboxSort[] = ['urgency', 'newest'];

/**
 * Every conversation of the mirror as an inbox row, kept sorted in both orders at all times, so a
 * filter (or a change of sort) is one pass over a sorted array (B4: a filter switch over 100,000
 * rows within 50 ms). A few changes are placed by binary search; a page of them is sorted on its
 * own and merged in, never a sort of everything.
 */
export class InboxIndex {
  private readonly items = new Map<string, InboxItem>();
  /** Customer id → display name, and its lower-case form for search. */
  private readonly names = new Map<string, { name: string; lower: string }>();
  private readonly reads = new Map<string, number>();
  private readonly orders: Record<InboxSort, InboxItem[]> = { urgency: [], newest: [] };
  /** Bumped on every change: the UI recomputes its view when it moves. */
  version = 0;

  get size(): number {
    return this.items.size;
  }

  get(id: string): InboxItem | undefined {
    return this.items.get(id);
  }

  customerName(customerId: string): string | undefined {
    return this.names.get(customerId)?.name;
  }

  isUnread(item: InboxItem): boolean {
    return item.lastInboundAt !== null && item.lastInboundAt > (this.reads.get(item.id) ?? 0);
  }

  upsert(items: InboxItem[]): void {
    // The last of several versions of one row in a batch wins, as it would one by one.
    const incoming = new Map(items.map((i) => [i.id, i]));
    const replaced = new Set<InboxItem>();
    for (const item of incoming.values()) {
      const old = this.items.get(item.id);
      if (old) replaced.add(old);
      this.items.set(item.id, item);
    }
    for (const sort of SORTS) {
      if (incoming.size <= MERGE_OVER) {
        for (const old of replaced) this.unplace(sort, old);
        for (const item of incoming.values()) this.place(sort, item);
      } else {
        const kept = replaced.size ? this.orders[sort].filter((i) => !replaced.has(i)) : this.orders[sort];
        this.orders[sort] = merge(kept, [...incoming.values()].sort(COMPARE[sort]), COMPARE[sort]);
      }
    }
    this.version++;
  }

  remove(ids: Iterable<string>): void {
    const gone = new Set<InboxItem>();
    for (const id of ids) {
      const old = this.items.get(id);
      if (!old) continue;
      gone.add(old);
      this.items.delete(id);
    }
    if (!gone.size) return;
    for (const sort of SORTS) {
      if (gone.size <= MERGE_OVER) for (const old of gone) this.unplace(sort, old);
      else this.orders[sort] = this.orders[sort].filter((i) => !gone.has(i));
    }
    this.version++;
  }

  /** Replaces everything (a reset of the mirror). */
  clear(): void {
    this.items.clear();
    for (const sort of SORTS) this.orders[sort] = [];
    this.version++;
  }

  setNames(entries: Iterable<[customerId: string, name: string | null]>): void {
    for (const [id, name] of entries) {
      if (name === null) this.names.delete(id);
      else this.names.set(id, { name, lower: name.toLowerCase() });
    }
    this.version++;
  }

  setReads(entries: Iterable<[conversationId: string, readAt: number | null]>): void {
    for (const [id, at] of entries) {
      if (at === null) this.reads.delete(id);
      else this.reads.set(id, at);
    }
    this.version++;
  }

  /** The rows a filter shows, in its order. `me` decides "mine"; `now` the SLA state. */
  query(filter: InboxFilter, me: string, now: number): InboxItem[] {
    const words = filter.search.toLowerCase().split(/\s+/).filter(Boolean);
    const { scope, status, channel, sentiment, sla, unreadOnly } = filter;
    const out: InboxItem[] = [];
    for (const item of this.orders[filter.sort]) {
      if (scope === 'mine' ? item.assignedAgentId !== me : scope === 'queue' && item.status !== 'queued') continue;
      if (status === 'open' ? item.status === 'resolved' : status !== 'any' && item.status !== status) continue;
      if (channel !== 'any' && item.channel !== channel) continue;
      if (sentiment !== 'any' && item.band !== sentiment) continue;
      if (sla !== 'any' && slaStateOf(item, now) !== sla) continue;
      if (unreadOnly && !this.isUnread(item)) continue;
      if (words.length && !this.matches(item, words)) continue;
      out.push(item);
    }
    return out;
  }

  private matches(item: InboxItem, words: string[]): boolean {
    const name = this.names.get(item.customerId)?.lower ?? '';
    return words.every((w) => name.includes(w) || item.text.includes(w) || item.id === w);
  }

  private insertionPoint(sort: InboxSort, item: InboxItem): number {
    const order = this.orders[sort];
    const compare = COMPARE[sort];
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compare(order[mid]!, item) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private place(sort: InboxSort, item: InboxItem): void {
    this.orders[sort].splice(this.insertionPoint(sort, item), 0, item);
  }

  private unplace(sort: InboxSort, item: InboxItem): void {
    const order = this.orders[sort];
    let at = this.insertionPoint(sort, item);
    // Not where its keys say (it cannot happen while sorted): a scan rather than a corrupt order.
    if (order[at] !== item) at = order.indexOf(item);
    if (at >= 0) order.splice(at, 1);
  }
}

/** Two sorted arrays into one, in one pass. */
function merge(a: InboxItem[], b: InboxItem[], compare: Compare): InboxItem[] {
  const out = new Array<InboxItem>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = compare(a[i]!, b[j]!) <= 0 ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}

/** The SLA state without formatting a label: the filter asks it of every row. */
export function slaStateOf(item: InboxItem, now: number): SlaState {
  if (item.dueAt === null || item.warnAt === null) return 'none';
  if (item.dueAt < now) return 'breached';
  return now >= item.warnAt ? 'warning' : 'ok';
}
