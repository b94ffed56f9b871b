import Dexie, { RangeSet, type IntervalTree, type ObservabilitySet } from 'dexie';
import type { MirrorRow, SyncDb } from '../sync/db';
import { InboxIndex } from './inboxIndex';
import { toInboxItem } from './inboxItem';

export interface InboxProgress {
  /** Conversations in the index so far, and how many the mirror holds. */
  loaded: number;
  total: number;
  done: boolean;
}

type Watched = 'conversations' | 'customers' | 'reads';

/** Rows read for the first screen, before everything else. */
const FIRST_PAGE = 200;
const LOADING_NOTIFY_MS = 400;

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Keys a mutation names, or `all` when it names a range (a table cleared by a mirror reset). */
function keysOf(tree: IntervalTree | undefined, into: Set<string>): 'all' | void {
  if (!tree || tree.d === 0) return;
  for (const node of RangeSet(tree) as Iterable<{ from: unknown; to: unknown }>) {
    if (node.from !== node.to || typeof node.from !== 'string') return 'all';
    into.add(node.from);
  }
}

const nameOf = (row: MirrorRow | undefined) => (row && typeof row.displayName === 'string' ? row.displayName : null);

/**
 * Feeds the inbox index from the mirror: the agent's own conversations first (what they see at
 * once), then every other one in pages, then keeps it current from Dexie's `storagemutated`
 * event, which names the keys each write touched, in this window or in the sync worker (Dexie
 * relays it over a BroadcastChannel). Only those rows are read again: re-running a query over
 * 100,000 rows for every push would stall the window.
 *
 * Every read runs on one queue, so a row read later is never overwritten by an older read.
 */
export class InboxSource {
  readonly index = new InboxIndex();
  progress: InboxProgress = { loaded: 0, total: 0, done: false };
  private readonly listeners = new Set<() => void>();
  private queue: Promise<void> = Promise.resolve();
  private stopped = false;
  private notifyScheduled = false;
  private readonly prefix: string;

  constructor(
    private readonly db: SyncDb,
    private readonly agentId: string,
    private readonly pageSize = 2000,
  ) {
    this.prefix = `idb://${db.name}/`;
  }

  start(): void {
    // Listen before the first read: a write during loading is then read again after it.
    Dexie.on('storagemutated', this.onMutated);
    this.run(() => this.loadAll());
  }

  stop(): void {
    this.stopped = true;
    Dexie.on('storagemutated').unsubscribe(this.onMutated);
    this.listeners.clear();
  }

  /** For useSyncExternalStore: called after changes, at most once per task. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Resolves once everything queued so far has been read (tests and the benchmark wait on it). */
  idle(): Promise<void> {
    return this.queue;
  }

  private run(task: () => Promise<void>): void {
    this.queue = this.queue
      .then(() => (this.stopped ? undefined : task()))
      .catch((err: unknown) => {
        // The database closed under us (sign-out): nothing to show any more.
        if (!this.stopped) console.warn('Inbox could not read the mirror', err);
      });
  }

  /**
   * Tells the UI. While loading, at most every LOADING_NOTIFY_MS: each notice makes the window
   * filter everything again, and fifty of them in a row would keep it busy for the whole load.
   */
  private changed(): void {
    if (this.notifyScheduled || this.stopped) return;
    this.notifyScheduled = true;
    const fire = () => {
      this.notifyScheduled = false;
      if (this.stopped) return;
      for (const listener of this.listeners) listener();
    };
    if (this.progress.done) queueMicrotask(fire);
    else setTimeout(fire, LOADING_NOTIFY_MS);
  }

  private async loadAll(): Promise<void> {
    const { db } = this;
    this.progress = { loaded: 0, total: await db.conversations.count(), done: false };
    // The first screen: a page of the agent's own conversations and of the latest activity (what a
    // lead watching everything sees first), with their customers' names, painted before the rest.
    const first = [
      ...(await db.conversations.where('assignedAgentId').equals(this.agentId).limit(FIRST_PAGE).toArray()),
      ...(await db.conversations.orderBy('updatedAt').reverse().limit(FIRST_PAGE).toArray()),
    ];
    await this.addConversations(first);
    await this.addNames(await db.customers.bulkGet([...new Set(first.map((c) => String(c.customerId)))]));
    // Read marks of the first screen only: reading all of them first cost B4 a quarter of a second.
    const marks = await db.reads.bulkGet(first.map((c) => c.id));
    this.index.setReads(first.map((c, i) => [c.id, marks[i]?.readAt ?? null]));
    this.notifyNow();
    await nextTask();
    this.index.setReads((await db.reads.toArray()).map((r) => [r.conversationId, r.readAt]));
    await this.pages(db.conversations, (rows) => this.addConversations(rows));
    await this.pages(db.customers, (rows) => this.addNames(rows));
    this.progress = { loaded: this.index.size, total: this.index.size, done: true };
    this.notifyNow();
  }

  private notifyNow(): void {
    if (this.stopped) return;
    for (const listener of this.listeners) listener();
  }

  /** Reads a table in primary-key pages, so no single read holds the window for long. */
  private async pages(table: Dexie.Table<MirrorRow, string>, each: (rows: MirrorRow[]) => Promise<void>) {
    let after: string | null = null;
    for (;;) {
      if (this.stopped) return;
      const rows: MirrorRow[] = await (after === null ? table.orderBy(':id') : table.where(':id').above(after))
        .limit(this.pageSize)
        .toArray();
      if (rows.length === 0) return;
      await each(rows);
      // Let the window paint and handle input between pages.
      await nextTask();
      after = rows[rows.length - 1]!.id;
      if (rows.length < this.pageSize) return;
    }
  }

  private addConversations(rows: (MirrorRow | undefined)[]): Promise<void> {
    const items = [];
    const gone = [];
    for (const row of rows) {
      const item = row && toInboxItem(row);
      if (item) items.push(item);
      else if (row) gone.push(row.id);
    }
    if (items.length) this.index.upsert(items);
    if (gone.length) this.index.remove(gone);
    if (!this.progress.done) {
      this.progress = {
        ...this.progress,
        loaded: this.index.size,
        total: Math.max(this.progress.total, this.index.size),
      };
    }
    this.changed();
    return Promise.resolve();
  }

  private addNames(rows: (MirrorRow | undefined)[]): Promise<void> {
    this.index.setNames(rows.flatMap((r) => (r ? [[r.id, nameOf(r)] as [string, string | null]] : [])));
    this.changed();
    return Promise.resolve();
  }

  private readonly onMutated = (parts: ObservabilitySet): void => {
    if (this.stopped) return;
    if ('all' in parts) return this.reload();
    for (const table of ['conversations', 'customers', 'reads'] as Watched[]) {
      const keys = new Set<string>();
      const base = `${this.prefix}${table}/`;
      if (!(base in parts) && !(`${base}:dels` in parts)) continue;
      if (keysOf(parts[base], keys) === 'all' || keysOf(parts[`${base}:dels`], keys) === 'all') return this.reload();
      if (keys.size) this.run(() => this.refresh(table, [...keys]));
    }
  };

  private async refresh(table: Watched, ids: string[]): Promise<void> {
    const { db } = this;
    if (table === 'reads') {
      const rows = await db.reads.bulkGet(ids);
      this.index.setReads(ids.map((id, i) => [id, rows[i]?.readAt ?? null]));
      this.changed();
      return;
    }
    if (table === 'customers') {
      const rows = await db.customers.bulkGet(ids);
      this.index.setNames(ids.map((id, i) => [id, nameOf(rows[i])]));
      this.changed();
      return;
    }
    const rows = await db.conversations.bulkGet(ids);
    const present = rows.filter((r): r is MirrorRow => Boolean(r));
    const missing = ids.filter((_, i) => !rows[i]);
    if (missing.length) this.index.remove(missing);
    await this.addConversations(present);
    if (!this.progress.done) return;
    this.progress = { loaded: this.index.size, total: this.index.size, done: true };
  }

  private reload(): void {
    this.run(async () => {
      this.index.clear();
      await this.loadAll();
    });
  }
}
