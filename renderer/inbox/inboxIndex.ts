import type { Channel, ConversationStatus } from '../../shared/domain';
import { sentimentBand, type InboxItem, type SentimentBand } from './inboxItem';
import { warnFrom, type SlaState } from './slaClock';

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

/** Past this many changes at once a full sort is cheaper than placing each one. */
const RESORT_OVER = 512;

/**
 * Every conversation of the mirror as an inbox row, kept in the chosen order so that a filter is
 * one pass over a sorted array (B4: a filter switch over 100,000 rows within 50 ms) and a change
 * is placed by binary search instead of sorting everything again.
 */
export class InboxIndex {
  private readonly items = new Map<string, InboxItem>();
  /** Customer id → display name, and its lower-case form for search. */
  private readonly names = new Map<string, { name: string; lower: string }>();
  private readonly reads = new Map<string, number>();
  private order: InboxItem[] = [];
  private sorted = true;
  private sort: InboxSort = 'urgency';
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
    const place = this.sorted && items.length <= RESORT_OVER;
    for (const item of items) {
      const old = this.items.get(item.id);
      if (place && old) this.unplace(old);
      this.items.set(item.id, item);
      if (place) this.order.splice(this.insertionPoint(item), 0, item);
      else if (!old) this.order.push(item);
    }
    if (!place) {
      // Replaced rows are swapped in by identity when the order is rebuilt.
      this.order = [...this.items.values()];
      this.sorted = false;
    }
    this.version++;
  }

  remove(ids: Iterable<string>): void {
    for (const id of ids) {
      const old = this.items.get(id);
      if (!old) continue;
      if (this.sorted) this.unplace(old);
      this.items.delete(id);
    }
    if (!this.sorted) this.order = [...this.items.values()];
    this.version++;
  }

  /** Replaces everything (a reset of the mirror). */
  clear(): void {
    this.items.clear();
    this.order = [];
    this.sorted = true;
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
    this.ensureSorted(filter.sort);
    const words = filter.search.toLowerCase().split(/\s+/).filter(Boolean);
    const out: InboxItem[] = [];
    for (const item of this.order) {
      if (filter.scope === 'mine' ? item.assignedAgentId !== me : filter.scope === 'queue' && item.status !== 'queued')
        continue;
      if (
        filter.status === 'open' ? item.status === 'resolved' : filter.status !== 'any' && item.status !== filter.status
      )
        continue;
      if (filter.channel !== 'any' && item.channel !== filter.channel) continue;
      if (filter.sentiment !== 'any' && sentimentBand(item.sentiment) !== filter.sentiment) continue;
      if (filter.sla !== 'any' && slaStateOf(item, now) !== filter.sla) continue;
      if (filter.unreadOnly && !this.isUnread(item)) continue;
      if (words.length && !this.matches(item, words)) continue;
      out.push(item);
    }
    return out;
  }

  private matches(item: InboxItem, words: string[]): boolean {
    const name = this.names.get(item.customerId)?.lower ?? '';
    const subject = item.subject.toLowerCase();
    return words.every((w) => name.includes(w) || subject.includes(w) || item.id === w);
  }

  private ensureSorted(sort: InboxSort): void {
    if (this.sorted && this.sort === sort) return;
    this.sort = sort;
    this.order.sort(COMPARE[sort]);
    this.sorted = true;
  }

  private insertionPoint(item: InboxItem): number {
    const compare = COMPARE[this.sort];
    let lo = 0;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compare(this.order[mid]!, item) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private unplace(item: InboxItem): void {
    let at = this.insertionPoint(item);
    // Not where its keys say (it cannot happen while sorted): a scan rather than a corrupt order.
    if (this.order[at] !== item) at = this.order.indexOf(item);
    if (at >= 0) this.order.splice(at, 1);
  }
}

/** The SLA state without formatting a label: the filter asks it of every row. */
export function slaStateOf(item: InboxItem, now: number): SlaState {
  if (item.dueAt === null) return 'none';
  if (item.dueAt < now) return 'breached';
  return now >= warnFrom(item.dueAt, item.createdAt || undefined) ? 'warning' : 'ok';
}
