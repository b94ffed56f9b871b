/**
 * The B4 page (and B7's renderer), bundled by bench/chromiumPage.ts: the renderer's <Inbox> on a
 * SyncDb in Chromium's real IndexedDB, laid out as renderer/screens/Workspace.tsx lays it out (the
 * app's stylesheet; top bar, notices row, the inbox in the work column of a 1280×800 window; keep
 * the markup in step with the workspace's), plus the raw primitives the drivers compare with. Everything is driven through `window.__b4` (see ./api.ts).
 */
import { createRoot, type Root } from 'react-dom/client';
import { flushSync } from 'react-dom';
import '../../renderer/styles.css';
import { Inbox } from '../../renderer/inbox/Inbox';
import type { InboxFilter } from '../../renderer/inbox/inboxIndex';
import type { InboxItem } from '../../renderer/inbox/inboxItem';
import { InboxSource } from '../../renderer/inbox/inboxSource';
import { createAppStore, StoreContext, type AppStore } from '../../renderer/store/store';
import { SyncDb, type MirrorRow } from '../../renderer/sync/db';
import type { Channel, ConversationStatus } from '../../shared/domain';
import {
  B4_AGENT_ID,
  B4_DB_NAME,
  B4_WINDOW_KEY,
  type B4Api,
  type B4FilterPatch,
  type B4FilterResult,
  type B4IndexedResult,
  type B4LongFrame,
  type B4ScrollResult,
  type B4SeedResult,
} from './api';

/** The drivers' copy of the filter's fields must agree with the inbox's own, both ways. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const filterPatchAgrees: Same<Required<B4FilterPatch>, InboxFilter> = true;
void filterPatchAgrees;

// ---------------------------------------------------------------------------------------------
// Seed data: conversations in the server's wire shape (server/store/rows.ts conversationData).
// ---------------------------------------------------------------------------------------------

/** mulberry32: the same data on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CHANNELS: [Channel, number][] = [
  ['email', 0.3],
  ['chat', 0.2],
  ['x_public', 0.12],
  ['x_dm', 0.1],
  ['messenger', 0.1],
  ['facebook', 0.08],
  ['voice', 0.1],
];
/** First-response targets by channel (seconds), as the test servers' SLA policies. */
const FIRST_RESPONSE_S: Record<Channel, number> = {
  voice: 30,
  chat: 60,
  x_public: 900,
  x_dm: 1800,
  facebook: 1800,
  messenger: 1800,
  email: 14_400,
};
const FIRST = ['Ana', 'Bruno', 'Chloé', 'Dmitri', 'Emma', 'Farid', 'Grace', 'Hiro', 'Inès', 'João', 'Kofi', 'Lena'];
const LAST = ['Silva', 'Müller', 'Okafor', 'Nakamura', 'Dubois', 'Kowalski', 'García', 'Haddad', 'Jensen', 'Rossi'];
const TOPICS = [
  'Refund for booking',
  'Baggage delayed at FRA',
  'Seat change on flight',
  'Invoice copy for order',
  'Wi-Fi voucher did not work',
  'Lost boarding pass',
  'Upgrade request',
  'Complaint about delay',
  'Meal preference for trip',
  'Loyalty points missing',
];
const HOUR = 3_600_000;

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

function hexId(next: () => number, prefix: string): string {
  let s = prefix;
  for (let i = 0; i < 4; i++)
    s += Math.floor(next() * 0x1_0000_0000)
      .toString(16)
      .padStart(8, '0');
  return s;
}

function pick<T>(next: () => number, weighted: [T, number][]): T {
  let r = next();
  for (const [value, weight] of weighted) {
    r -= weight;
    if (r < 0) return value;
  }
  return weighted[weighted.length - 1]![0];
}

/** Status and owner: about half the bench agent's, some other agents', some queued, some resolved. */
function statusOf(next: () => number): { status: ConversationStatus; agent: string | null } {
  const r = next();
  const other = `b4-agent-${String(2 + Math.floor(next() * 49)).padStart(4, '0')}`;
  if (r < 0.55) {
    const status = pick<ConversationStatus>(next, [
      ['assigned', 0.8],
      ['wrap_up', 0.08],
      ['reopened', 0.07],
      ['offered', 0.05],
    ]);
    return { status, agent: B4_AGENT_ID };
  }
  if (r < 0.7) return { status: 'assigned', agent: other };
  if (r < 0.82) return { status: 'queued', agent: null };
  return { status: 'resolved', agent: next() < 0.5 ? B4_AGENT_ID : other };
}

function conversationRow(i: number, next: () => number, now: number, customerId: string): MirrorRow {
  const channel = pick(next, CHANNELS);
  const { status, agent } = statusOf(next);
  const target = FIRST_RESPONSE_S[channel] * 1000;
  const answered = status !== 'queued' && next() < 0.75;
  // Unanswered ones were opened within two targets, so their first-response due times are spread around now.
  const createdAt = answered ? now - 5 * 60_000 - next() * 72 * HOUR : now - next() * 2 * target;
  const resolved = status === 'resolved';
  const firstResponseAt = answered ? createdAt + next() * target : null;
  const updatedAt = Math.max(createdAt, now - next() * 48 * HOUR);
  const lastInbound =
    channel === 'voice' && next() < 0.5 ? null : Math.max(createdAt, updatedAt - next() * 10 * 60_000);
  const social = channel === 'x_public' || channel === 'facebook';
  return {
    id: hexId(next, 'c'),
    customerId,
    channel,
    threadKey: `b4-thread-${i}`,
    subject: `${TOPICS[Math.floor(next() * TOPICS.length)]!} ${Math.floor(next() * 1e6)}`,
    status,
    skills: [],
    priority: next() < 0.8 ? Math.floor(next() * 30) : Math.floor(next() * 101),
    sentiment: Math.round((next() * 2 - 1) * 100) / 100,
    reach: social && next() < 0.6 ? Math.floor(10 ** (next() * 6)) : 0,
    language: 'en',
    assignedAgentId: agent,
    stickyAgentId: null,
    version: 1 + Math.floor(next() * 5),
    firstResponseDue: iso(createdAt + target),
    // Open and answered: the next reply is due from half an hour ago to four hours from now.
    nextResponseDue: answered && !resolved ? iso(now - 0.5 * HOUR + next() * 4.5 * HOUR) : null,
    resolutionDue: iso(createdAt + target * 20),
    firstResponseAt: iso(firstResponseAt),
    lastInboundAt: iso(lastInbound),
    slaBreaches: [],
    alerts: [],
    queuedAt: status === 'queued' ? iso(createdAt) : null,
    createdAt: iso(createdAt),
    updatedAt: iso(updatedAt),
    resolvedAt: resolved ? iso(updatedAt) : null,
  };
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

// ---------------------------------------------------------------------------------------------
// Timing helpers.
// ---------------------------------------------------------------------------------------------

/** The first task after the next frame: that frame's style, layout and paint are done. */
function afterNextPaint(): Promise<number> {
  return new Promise((resolve) =>
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => resolve(performance.now());
      channel.port2.postMessage(null);
    }),
  );
}

const nextFrame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));

function watchLongTasks(): { stop(): number[] } {
  const durations: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) durations.push(entry.duration);
  });
  observer.observe({ type: 'longtask' });
  return {
    stop() {
      for (const entry of observer.takeRecords()) durations.push(entry.duration);
      observer.disconnect();
      return durations;
    },
  };
}

interface LoafScript {
  invoker: string;
  sourceFunctionName: string;
  duration: number;
  forcedStyleAndLayoutDuration: number;
}
interface LoafEntry extends PerformanceEntry {
  renderStart: number;
  styleAndLayoutStart: number;
  scripts: LoafScript[];
}

/** Long animation frames (Chromium's `long-animation-frame` entries): what a long frame spent its time on. */
function watchLongFrames(): { stop(): B4LongFrame[] } {
  const frames: B4LongFrame[] = [];
  const take = (entries: PerformanceEntryList) => {
    for (const entry of entries as LoafEntry[]) {
      const end = entry.startTime + entry.duration;
      frames.push({
        durationMs: entry.duration,
        scriptMs: entry.scripts.reduce((n, s) => n + s.duration, 0),
        forcedLayoutMs: entry.scripts.reduce((n, s) => n + s.forcedStyleAndLayoutDuration, 0),
        renderMs: entry.renderStart ? end - entry.renderStart : 0,
        styleLayoutMs: entry.styleAndLayoutStart ? end - entry.styleAndLayoutStart : 0,
        scripts: [...entry.scripts]
          .sort((a, b) => b.duration - a.duration)
          .slice(0, 2)
          .map(
            (s) =>
              `${s.invoker}${s.sourceFunctionName ? ` (${s.sourceFunctionName})` : ''} ${s.duration.toFixed(0)} ms`,
          ),
      });
    }
  };
  if (!PerformanceObserver.supportedEntryTypes.includes('long-animation-frame')) return { stop: () => frames };
  const observer = new PerformanceObserver((list) => take(list.getEntries()));
  observer.observe({ type: 'long-animation-frame' });
  return {
    stop() {
      take(observer.takeRecords());
      observer.disconnect();
      return frames;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The page.
// ---------------------------------------------------------------------------------------------

const container = document.createElement('div');
container.id = 'root';
document.body.appendChild(container);

interface Mounted {
  db: SyncDb;
  store: AppStore;
  source: InboxSource;
  root: Root;
  startedAt: number;
  indexed: Promise<number>;
  loadTasks: { stop(): number[] };
}
let mounted: Mounted | undefined;
/** B7's raw primitive keeps its rows here, so they stay alive for the heap measurement. */
let rawRows: unknown[] | undefined;

function current(): Mounted {
  if (!mounted) throw new Error('call mountInbox() first');
  return mounted;
}

function listElement(): HTMLElement {
  const list = container.querySelector<HTMLElement>('[data-testid="inbox-list"]');
  if (!list) throw new Error('the inbox list is not in the page');
  return list;
}

const rowCount = () => container.querySelectorAll('[data-testid="inbox-row"]').length;

/** The raw filter's predicate: the same seven checks as InboxIndex.query, inlined on plain fields. */
function rawPredicate(
  f: InboxFilter,
  me: string,
  now: number,
  names: Map<string, string>,
  reads: Map<string, number>,
): (item: InboxItem) => boolean {
  const words = f.search.toLowerCase().split(/\s+/).filter(Boolean);
  return (item) => {
    if (f.scope === 'mine' ? item.assignedAgentId !== me : f.scope === 'queue' && item.status !== 'queued')
      return false;
    if (f.status === 'open' ? item.status === 'resolved' : f.status !== 'any' && item.status !== f.status) return false;
    if (f.channel !== 'any' && item.channel !== f.channel) return false;
    if (f.sentiment !== 'any') {
      const s = item.sentiment;
      if ((s <= -0.05 ? 'negative' : s >= 0.05 ? 'positive' : 'neutral') !== f.sentiment) return false;
    }
    if (f.sla !== 'any') {
      const due = item.dueAt;
      if (due === null) return false;
      const span = item.createdAt ? due - item.createdAt : 0;
      const state = due < now ? 'breached' : now >= due - Math.max(300_000, span * 0.25) ? 'warning' : 'ok';
      if (state !== f.sla) return false;
    }
    if (f.unreadOnly && !(item.lastInboundAt !== null && item.lastInboundAt > (reads.get(item.id) ?? 0))) return false;
    if (words.length) {
      const name = names.get(item.customerId) ?? '';
      const subject = item.subject.toLowerCase();
      if (!words.every((w) => name.includes(w) || subject.includes(w) || item.id === w)) return false;
    }
    return true;
  };
}

const api: B4Api = {
  async seed(spec) {
    const started = performance.now();
    await request(indexedDB.deleteDatabase(B4_DB_NAME) as IDBRequest<unknown>);
    const db = new SyncDb(B4_DB_NAME);
    await db.open();
    const next = rng(spec.seed);
    const now = Date.now();
    const customerIds: string[] = [];
    for (let c = 0; c < spec.customers; c += spec.chunk) {
      const rows: MirrorRow[] = [];
      for (let i = c; i < Math.min(spec.customers, c + spec.chunk); i++) {
        const id = hexId(next, 'cu');
        customerIds.push(id);
        const displayName = `${FIRST[Math.floor(next() * FIRST.length)]!} ${LAST[Math.floor(next() * LAST.length)]!}`;
        rows.push({ id, displayName, profile: {}, lastAgentId: null, mergedInto: null });
      }
      await db.customers.bulkPut(rows);
    }
    let mine = 0;
    let reads = 0;
    let bytes = 0;
    const byStatus: Record<string, number> = {};
    for (let c = 0; c < spec.conversations; c += spec.chunk) {
      const rows: MirrorRow[] = [];
      const marks: { conversationId: string; readAt: number }[] = [];
      for (let i = c; i < Math.min(spec.conversations, c + spec.chunk); i++) {
        const row = conversationRow(i, next, now, customerIds[(i * 7919) % customerIds.length]!);
        rows.push(row);
        if (row.assignedAgentId === B4_AGENT_ID) mine++;
        byStatus[row.status as string] = (byStatus[row.status as string] ?? 0) + 1;
        if (i < 1000) bytes += JSON.stringify(row).length;
        const inbound = row.lastInboundAt ? Date.parse(row.lastInboundAt as string) : null;
        if (inbound !== null && next() < spec.readShare) {
          // Half read since the customer last wrote, half read before it (unread again).
          marks.push({ conversationId: row.id, readAt: inbound + (next() < 0.5 ? 60_000 : -60_000) });
        }
      }
      await db.conversations.bulkPut(rows);
      if (marks.length) await db.reads.bulkPut(marks);
      reads += marks.length;
    }
    db.close();
    return {
      ms: performance.now() - started,
      conversations: spec.conversations,
      customers: spec.customers,
      reads,
      mine,
      conversationBytes: Math.round(bytes / Math.min(1000, spec.conversations)),
      byStatus,
      userAgent: navigator.userAgent,
      crossOriginIsolated: self.crossOriginIsolated,
    } satisfies B4SeedResult;
  },

  async mountInbox() {
    if (mounted) throw new Error('mountInbox() once per page load');
    // The app's sync engine has the mirror open before the inbox mounts: so has this page.
    const opening = performance.now();
    const db = new SyncDb(B4_DB_NAME);
    await db.open();
    const dbOpenMs = performance.now() - opening;
    const store = createAppStore();
    store.getState().setInboxFilter({ scope: 'all' });
    await afterNextPaint();

    let indexedAtFirstRender = 0;
    let committedAt = 0;
    let firstIndexedAt = 0;
    const firstRow = new Promise<number>((resolve) => {
      const observer = new MutationObserver(() => {
        if (!container.querySelector('[data-testid="inbox-row"]')) return;
        committedAt = performance.now();
        observer.disconnect();
        indexedAtFirstRender = mounted?.source.index.size ?? 0;
        void afterNextPaint().then(resolve);
      });
      observer.observe(container, { childList: true, subtree: true });
    });
    const loadTasks = watchLongTasks();

    const startedAt = performance.now();
    const source = new InboxSource(db, B4_AGENT_ID);
    const unsubscribe = source.subscribe(() => {
      if (!firstIndexedAt && source.index.size) firstIndexedAt = performance.now();
    });
    source.start();
    const indexed = source.idle().then(() => performance.now());
    const root = createRoot(container);
    mounted = { db, store, source, root, startedAt, indexed, loadTasks };
    root.render(
      <StoreContext.Provider value={store}>
        <div className="workspace">
          <header className="topbar">
            <h1 className="brand">Switchboard</h1>
          </header>
          <main className="workspace-main workspace-grid">
            <div className="workspace-notices" />
            <div className="work-column">
              <Inbox source={source} agentId={B4_AGENT_ID} role="lead" />
            </div>
            <section className="conversation-pane">
              <p className="empty-conversation">Open a conversation from the inbox.</p>
            </section>
          </main>
        </div>
      </StoreContext.Provider>,
    );
    // A layout that gives the list no height shows no rows at all: say so rather than wait forever.
    const noRows = indexed
      .then(afterNextPaint)
      .then(afterNextPaint)
      .then(() => {
        const list = container.querySelector<HTMLElement>('[data-testid="inbox-list"]');
        throw new Error(
          `no inbox row appeared once the index was loaded (${source.index.size} conversations; the list is ${list?.clientHeight ?? 0} px high: check the page's layout against the workspace's)`,
        );
      });
    const paintedAt = await Promise.race([firstRow, noRows]);
    unsubscribe();
    return {
      firstRenderMs: paintedAt - startedAt,
      firstIndexedMs: firstIndexedAt - startedAt,
      firstCommittedMs: committedAt - startedAt,
      dbOpenMs,
      indexedAtFirstRender,
    };
  },

  async waitIndexed() {
    const m = current();
    const indexedAt = await m.indexed;
    if (!m.source.progress.done) throw new Error('the source is idle but its progress is not done');
    await afterNextPaint();
    const tasks = m.loadTasks.stop();
    const count = container.querySelector('[data-testid="inbox-count"]')?.textContent ?? '';
    return {
      fullIndexMs: indexedAt - m.startedAt,
      size: m.source.index.size,
      listed: Number(count.replace(/\D/g, '')),
      rowsInDom: rowCount(),
      loadLongTasks: tasks.filter((d) => d > 50).length,
      loadLongestTaskMs: Math.max(0, ...tasks),
    } satisfies B4IndexedResult;
  },

  async filterSwitches(steps) {
    const { store, source, db } = current();
    const start = store.getState().inboxFilter;
    const result: B4FilterResult = {
      commitMs: [],
      paintedMs: [],
      queryMs: [],
      rawFilterMs: [],
      listed: [],
      mismatches: [],
    };
    // Through the store, as the filter bar does: React renders it (flushSync: committed on return).
    const phase = rng(4);
    for (const step of steps) {
      await afterNextPaint();
      await afterNextPaint();
      // A click comes at any point of a frame: start 0–16 ms after one, so the wait for the next
      // frame is on average half of one, as for a person.
      await new Promise((resolve) => setTimeout(resolve, phase() * 16));
      const t0 = performance.now();
      flushSync(() => store.getState().setInboxFilter(step.patch));
      const t1 = performance.now();
      const t2 = await afterNextPaint();
      result.commitMs.push(t1 - t0);
      result.paintedMs.push(t2 - t0);
    }
    const shown = Number(
      (container.querySelector('[data-testid="inbox-count"]')?.textContent ?? '').replace(/\D/g, ''),
    );
    // The index's own query, no React, the same filters in the same order (so the same re-sorts).
    source.index.query(start, B4_AGENT_ID, Date.now());
    let filter = start;
    const nows: number[] = [];
    for (const step of steps) {
      filter = { ...filter, ...step.patch };
      const now = Date.now();
      nows.push(now);
      const t0 = performance.now();
      const rows = source.index.query(filter, B4_AGENT_ID, now);
      result.queryMs.push(performance.now() - t0);
      result.listed.push(rows.length);
    }
    if (shown !== result.listed.at(-1))
      result.mismatches.push(`the list shows ${shown}, the query ${result.listed.at(-1)}`);
    // Raw: Array.prototype.filter over the same items, the same predicates, no index, no sort.
    const items = source.index.query(
      {
        ...start,
        scope: 'all',
        status: 'any',
        channel: 'any',
        sla: 'any',
        sentiment: 'any',
        unreadOnly: false,
        search: '',
      },
      B4_AGENT_ID,
      Date.now(),
    );
    const names = new Map<string, string>();
    for (const item of items)
      names.set(item.customerId, (source.index.customerName(item.customerId) ?? '').toLowerCase());
    const reads = new Map((await db.reads.toArray()).map((r) => [r.conversationId, r.readAt] as const));
    filter = start;
    for (const [i, step] of steps.entries()) {
      filter = { ...filter, ...step.patch };
      const predicate = rawPredicate(filter, B4_AGENT_ID, nows[i]!, names, reads);
      const t0 = performance.now();
      const rows = items.filter(predicate);
      result.rawFilterMs.push(performance.now() - t0);
      if (rows.length !== result.listed[i])
        result.mismatches.push(`${step.label}: raw ${rows.length}, query ${result.listed[i]}`);
    }
    return result;
  },

  async scroll(spec) {
    const list = listElement();
    list.scrollTop = 0;
    await afterNextPaint();
    await afterNextPaint();
    const max = list.scrollHeight - list.clientHeight;
    const tasks = watchLongTasks();
    const longFrames = watchLongFrames();
    let frames = 0;
    let blankFrames = 0;
    let maxRowsInDom = 0;
    let top = 0;
    /**
     * At a frame, before the next step: do the rows in the DOM cover the list's visible top (the
     * last position set, so that reading it forces no layout here)?
     */
    const check = () => {
      const rows = container.querySelectorAll<HTMLElement>('[data-testid="inbox-row"]');
      maxRowsInDom = Math.max(maxRowsInDom, rows.length);
      let covered = false;
      for (const row of rows) {
        // Chromium serialises large lengths with six significant digits (1.86966e+06px): allow for it.
        const y = Number(/translateY\(([-\d.e+]+)px\)/.exec(row.parentElement?.style.transform ?? '')?.[1] ?? NaN);
        if (y - 10 <= top && top < y + 70) covered = true;
      }
      if (!covered) blankFrames++;
    };
    const begin = await nextFrame();
    const half = spec.ms / 2;
    for (;;) {
      const t = (await nextFrame()) - begin;
      frames++;
      check();
      if (t >= spec.ms) break;
      top = Math.round(t < half ? (t / half) * max : (1 - (t - half) / half) * max);
      list.scrollTop = top;
    }
    for (const jump of spec.jumps) {
      top = Math.round(jump * max);
      list.scrollTop = top;
      for (let i = 0; i < 3; i++) {
        await nextFrame();
        frames++;
      }
      check();
    }
    const end = await afterNextPaint();
    // Long tasks are reported after they end: give the last ones a moment.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const longTasks = tasks.stop();
    const loafs = longFrames.stop();
    const spanMs = end - begin;
    const expectedFrames = Math.round(spanMs / (1000 / 60));
    return {
      longTasks,
      longFrames: loafs,
      frames,
      expectedFrames,
      droppedFrames: Math.max(0, expectedFrames - frames),
      spanMs,
      scrollHeight: list.scrollHeight,
      maxRowsInDom,
      blankFrames,
    } satisfies B4ScrollResult;
  },

  async rawFirstRender(count) {
    const open = indexedDB.open(B4_DB_NAME);
    const idb = await request(open);
    await afterNextPaint();
    const t0 = performance.now();
    const rows = (await request(
      idb.transaction('conversations', 'readonly').objectStore('conversations').getAll(null, count),
    )) as MirrorRow[];
    const list = document.createElement('div');
    for (const row of rows.slice(0, 20)) {
      const div = document.createElement('div');
      div.style.height = '60px';
      div.textContent = `${String(row.customerId)} · ${String(row.subject)} · ${String(row.status)}`;
      list.appendChild(div);
    }
    container.appendChild(list);
    const painted = await afterNextPaint();
    idb.close();
    return painted - t0;
  },

  async rawLoadAll() {
    const idb = await request(indexedDB.open(B4_DB_NAME));
    const t0 = performance.now();
    rawRows = await request(idb.transaction('conversations', 'readonly').objectStore('conversations').getAll());
    const ms = performance.now() - t0;
    idb.close();
    return { rows: rawRows.length, ms };
  },
};

(window as unknown as Record<string, B4Api>)[B4_WINDOW_KEY] = api;
