/**
 * What bench/b4/page.tsx exposes on `window` for its drivers: B4 (bench/b4-inbox-chromium.ts,
 * timings) and B7 (bench/b7-memory.ts, the renderer's memory with the same inbox).
 */
import type { Channel, ConversationStatus } from '../../shared/domain';

export const B4_WINDOW_KEY = '__b4';
export const B4_DB_NAME = 'switchboard:bench:b4';
export const B4_AGENT_ID = 'b4-agent-0001';

export interface B4SeedSpec {
  conversations: number;
  customers: number;
  /** Conversations with a read mark (the agent opened them on this computer). */
  readShare: number;
  /** Rows per bulkPut. */
  chunk: number;
  seed: number;
}

export interface B4SeedResult {
  ms: number;
  conversations: number;
  customers: number;
  reads: number;
  /** How many conversations are the bench agent's (the source reads those first, in one go). */
  mine: number;
  /** JSON size of one conversation row, on average. */
  conversationBytes: number;
  byStatus: Record<string, number>;
  userAgent: string;
  crossOriginIsolated: boolean;
}

export interface B4MountResult {
  /** From before `new InboxSource` to the first inbox row painted. */
  firstRenderMs: number;
  /** The same start to the source's first notice with rows in the index, and to the first row in the DOM. */
  firstIndexedMs: number;
  firstCommittedMs: number;
  /** The mirror's database opened (before the clock starts, as the app's sync engine has it open). */
  dbOpenMs: number;
  /** Rows in the index when the first row was painted (the agent's own conversations). */
  indexedAtFirstRender: number;
}

export interface B4IndexedResult {
  /** From the same start until `source.progress.done` (every page of conversations and customers read). */
  fullIndexMs: number;
  size: number;
  /** Rows the list holds with the starting filter, and row elements in the DOM (the virtualiser's window). */
  listed: number;
  rowsInDom: number;
  /** Long tasks (> 50 ms) seen while the index loaded, and the longest (diagnostics). */
  loadLongTasks: number;
  loadLongestTaskMs: number;
}

/**
 * A change of the inbox filter: the fields of `InboxFilter` (renderer/inbox/inboxIndex.ts),
 * repeated because the drivers' TypeScript project does not hold the renderer's inbox; page.tsx
 * checks at compile time that the two agree.
 */
export interface B4FilterPatch {
  scope?: 'mine' | 'queue' | 'all';
  status?: 'open' | 'any' | ConversationStatus;
  channel?: 'any' | Channel;
  sla?: 'any' | 'ok' | 'warning' | 'breached';
  sentiment?: 'any' | 'negative' | 'neutral' | 'positive';
  unreadOnly?: boolean;
  search?: string;
  sort?: 'urgency' | 'newest';
}

export interface B4FilterStep {
  label: string;
  patch: B4FilterPatch;
}

export interface B4FilterResult {
  /** Per step: setInboxFilter inside flushSync → returned (DOM committed), ms. */
  commitMs: number[];
  /** Per step: the same start → the first task after the next frame (style, layout, paint done), ms. */
  paintedMs: number[];
  /** Per step: `source.index.query` alone for the same filter, no React, ms. */
  queryMs: number[];
  /** Per step: Array.prototype.filter over the same items with the same predicates, ms. */
  rawFilterMs: number[];
  /** Rows listed after each step (the same for the index's query and the raw filter: checked). */
  listed: number[];
  mismatches: string[];
}

export interface B4ScrollSpec {
  /** Down then up, one scrollTop step per animation frame, over this many ms. */
  ms: number;
  /** Then jumps to these fractions of the list, a few frames each. */
  jumps: number[];
}

/** One long animation frame (PerformanceLongAnimationFrameTiming), cut down: where its time went. */
export interface B4LongFrame {
  durationMs: number;
  /** Scripts run in the frame (event handlers, rAF callbacks, tasks), and the style and layout they forced. */
  scriptMs: number;
  forcedLayoutMs: number;
  /** From the frame's rendering start (rAF callbacks, then style, layout, paint) to its end. */
  renderMs: number;
  /** From style and layout's start to the end (style, layout, paint). */
  styleLayoutMs: number;
  /** The longest scripts: invoker (and function). */
  scripts: string[];
}

export interface B4ScrollResult {
  longTasks: number[];
  /** Animation frames longer than 50 ms while scrolling (empty where the browser lacks the API). */
  longFrames: B4LongFrame[];
  frames: number;
  /** Frames expected at 60 Hz over the span, and those that did not come. */
  expectedFrames: number;
  droppedFrames: number;
  spanMs: number;
  scrollHeight: number;
  /** Largest number of row elements in the DOM at a frame (the virtualiser's window). */
  maxRowsInDom: number;
  /** Frames whose rows did not match the scroll position (blank list): none expected. */
  blankFrames: number;
}

export interface B4Api {
  /** Fills the SyncDb (B4_DB_NAME) with conversations, customers and read marks: not timed. */
  seed(spec: B4SeedSpec): Promise<B4SeedResult>;
  /** Timed: mounts <Inbox> on a new InboxSource; resolves at the first row painted. */
  mountInbox(): Promise<B4MountResult>;
  /** Resolves when the source's progress is done, and the frame after it painted. */
  waitIndexed(): Promise<B4IndexedResult>;
  filterSwitches(steps: B4FilterStep[]): Promise<B4FilterResult>;
  scroll(spec: B4ScrollSpec): Promise<B4ScrollResult>;
  /** The raw primitive of the first render: getAll of the first `count` conversations + 20 plain divs, painted. */
  rawFirstRender(count: number): Promise<number>;
  /** B7's raw primitive: every conversation row read with one getAll into a plain array, kept. */
  rawLoadAll(): Promise<{ rows: number; ms: number }>;
}
