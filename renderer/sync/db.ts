import Dexie, { type EntityTable, type Table } from 'dexie';
import type { Change, Op, OpResult } from '../../shared/protocol';

/** A mirrored row: the server's wire shape of the entity (see server/store/rows.ts), keyed by id. */
export type MirrorRow = Record<string, unknown> & { id: string };

export type Entity = Change['entity'];

/** Mirror tables by change entity: what the server pushes is what the UI reads. */
export const MIRROR_TABLES = {
  conversation: 'conversations',
  message: 'messages',
  customer: 'customers',
  identity: 'identities',
  suggestion: 'suggestions',
  agent: 'agents',
  offer: 'offers',
  template: 'templates',
  alert: 'alerts',
  scorecard: 'scorecards',
  review: 'reviews',
  dispute: 'disputes',
  calibration: 'calibrations',
  assignment: 'assignments',
} as const satisfies Record<Entity, string>;

export type EntityKey = readonly [entity: Entity, id: string];

export interface OutboxRow {
  /** The op's seq: gapless per client, the primary key, so the outbox reads in order. */
  seq: number;
  opId: string;
  op: Op;
  /** Mirror rows this op's optimistic effect touches (`entity:id`, indexed), to rebuild them when it leaves. */
  keyIds: string[];
  /**
   * pending: not known to be processed; applied: the server applied it and its effect arrives
   * with change `serverSeq` (kept until the mirror holds that change, so nothing flickers).
   */
  state: 'pending' | 'applied';
  serverSeq?: number;
  attempts: number;
  enqueuedAt: number;
  lastError?: string;
}

/** The server's image of a row that has pending optimistic effects on top (null: absent there). */
export interface ShadowRow {
  key: string;
  data: MirrorRow | null;
}

export interface SyncIssueRow {
  id: string;
  op: Op;
  reason: NonNullable<OpResult['reason']> | 'unknown';
  detail?: string;
  createdAt: number;
}

export interface DraftRow {
  id: string;
  conversationId: string;
  body: string;
  visibility: 'public' | 'private';
  reason: string;
  createdAt: number;
}

/** When the agent last opened a conversation on this computer: what "unread" is measured against. */
export interface ReadRow {
  conversationId: string;
  /** Epoch milliseconds. */
  readAt: number;
}

export interface MetaRow {
  key: 'clientId' | 'nextSeq' | 'cursor' | 'lastSyncedAt' | 'agentId';
  value: string | number;
}

export const shadowKey = (entity: Entity, id: string) => `${entity}:${id}`;

/**
 * The client's one IndexedDB database per signed-in agent: the mirror, the outbox, shadows, sync
 * issues, drafts and meta. Strict durability: an op the agent was told is queued survives a crash
 * or power loss right after (RELIABILITY.md 17), at the cost of a flush per transaction.
 */
export class SyncDb extends Dexie {
  conversations!: Table<MirrorRow, string>;
  messages!: Table<MirrorRow, string>;
  customers!: Table<MirrorRow, string>;
  identities!: Table<MirrorRow, string>;
  suggestions!: Table<MirrorRow, string>;
  agents!: Table<MirrorRow, string>;
  offers!: Table<MirrorRow, string>;
  templates!: Table<MirrorRow, string>;
  alerts!: Table<MirrorRow, string>;
  scorecards!: Table<MirrorRow, string>;
  reviews!: Table<MirrorRow, string>;
  disputes!: Table<MirrorRow, string>;
  calibrations!: Table<MirrorRow, string>;
  assignments!: Table<MirrorRow, string>;
  outbox!: EntityTable<OutboxRow, 'seq'>;
  shadows!: EntityTable<ShadowRow, 'key'>;
  syncIssues!: EntityTable<SyncIssueRow, 'id'>;
  drafts!: EntityTable<DraftRow, 'id'>;
  meta!: EntityTable<MetaRow, 'key'>;
  reads!: EntityTable<ReadRow, 'conversationId'>;

  constructor(name: string, deps?: { indexedDB: IDBFactory; IDBKeyRange: typeof IDBKeyRange }) {
    super(name, { chromeTransactionDurability: 'strict', ...(deps ?? {}) });
    // Version 1. A later version adds `.version(2).stores(...)` with an upgrade; never edit this one.
    this.version(1).stores({
      conversations: 'id, status, assignedAgentId, customerId, updatedAt',
      messages: 'id, [conversationId+createdAt]',
      customers: 'id',
      identities: 'id, customerId',
      suggestions: 'id, customerId, otherCustomerId',
      agents: 'id',
      offers: 'id, conversationId',
      templates: 'id',
      alerts: 'id, conversationId, createdAt',
      outbox: 'seq, &opId, state, *keyIds',
      shadows: 'key',
      syncIssues: 'id, createdAt',
      drafts: 'id, conversationId',
      meta: 'key',
    });
    // Version 2: read marks for the inbox's unread state. Local to this computer, never synced.
    this.version(2).stores({ reads: 'conversationId' });
    // Version 3: published QA scorecard versions, one row per `scorecardId@version`.
    this.version(3).stores({ scorecards: 'id, scorecardId' });
    // Version 4: QA reviews (a lead's own and their team's; an agent's own once submitted).
    this.version(4).stores({ reviews: 'id, conversationId, agentId, reviewerId' });
    // Version 5: disputes of reviews' criteria.
    this.version(5).stores({ disputes: 'id, reviewId, agentId' });
    // Version 6: calibrations the lead takes part in.
    this.version(6).stores({ calibrations: 'id, conversationId' });
    // Version 7: review assignments made for this lead by sampling rules.
    this.version(7).stores({ assignments: 'id, conversationId, status' });
  }

  mirror(entity: Entity): Table<MirrorRow, string> {
    return this.table(MIRROR_TABLES[entity]);
  }

  get mirrorTables(): Table<MirrorRow, string>[] {
    return Object.values(MIRROR_TABLES).map((name) => this.table(name));
  }
}

/** The database name for an agent on a server: one agent's data never shows to another. */
export function syncDbName(serverUrl: string, agentId: string): string {
  return `switchboard:${new URL(serverUrl).host}:${agentId}`;
}
