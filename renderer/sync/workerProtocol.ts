import { z } from 'zod';
import { CollisionSchema, ViewingSchema, opTypes, type OpType } from '../../shared/protocol';

/**
 * The boundary between a window and the sync worker (a SharedWorker, or a dedicated worker where
 * there is none). Both sides parse what they receive: a window of an older build talking to a
 * newer worker gets an error it can show, not undefined behaviour.
 */

const Id = z.number().int().nonnegative();

export const SyncSessionSchema = z.object({
  serverUrl: z.string().url(),
  token: z.string().min(1),
  agentId: z.string().min(1),
});
export type SyncSession = z.infer<typeof SyncSessionSchema>;

export const IssueActionSchema = z.enum(['retry', 'discard', 'draft', 'forward', 'keep_mine']);
export type IssueAction = z.infer<typeof IssueActionSchema>;

export const WorkerRequestSchema = z.discriminatedUnion('kind', [
  /** Opens (or joins) the engine of this agent on this server. */
  z.object({ kind: z.literal('start'), id: Id, session: SyncSessionSchema }),
  /** The payload is checked by the op's own schema in the engine. */
  z.object({
    kind: z.literal('enqueue'),
    id: Id,
    type: z.enum(opTypes as [OpType, ...OpType[]]),
    payload: z.unknown(),
    baseVersion: z.number().int().optional(),
  }),
  z.object({
    kind: z.literal('issue'),
    id: Id,
    action: IssueActionSchema,
    issueId: z.string().min(1),
    conversationId: z.string().min(1).optional(),
  }),
  /** The host saw the network come back, the machine wake or the screen unlock: retry now. */
  z.object({ kind: z.literal('nudge'), id: Id }),
  /** A fresh access token, after the worker asked for one. */
  z.object({ kind: z.literal('token'), id: Id, token: z.string().min(1) }),
  /** The conversation this window shows (null: none) and whether its agent is typing there. */
  z.object({ kind: z.literal('view'), id: Id, ...ViewingSchema.shape }),
  /** This window signed out or is closing: it no longer holds the engine open. */
  z.object({ kind: z.literal('stop'), id: Id }),
]);
export type WorkerRequest = z.infer<typeof WorkerRequestSchema>;
export type WorkerRequestBody = WorkerRequest extends infer R
  ? R extends { id: number }
    ? Omit<R, 'id'>
    : never
  : never;

export const SyncErrorCodeSchema = z.enum([
  'invalid_request',
  'not_started',
  'storage_full',
  'storage_unavailable',
  'newer_data',
  'failed',
]);
export type SyncErrorCode = z.infer<typeof SyncErrorCodeSchema>;

export const SyncProblemSchema = z.object({ code: SyncErrorCodeSchema, message: z.string() });
export type SyncProblem = z.infer<typeof SyncProblemSchema>;

export const StorageStateSchema = z.object({
  /** Whether the browser promised not to evict this origin's data (null: not known yet). */
  persisted: z.boolean().nullable(),
  usage: z.number().nullable(),
  quota: z.number().nullable(),
});
export type StorageState = z.infer<typeof StorageStateSchema>;

export const WorkerStatusSchema = z.object({
  connection: z.enum(['online', 'offline', 'syncing']),
  pending: z.number().int(),
  oldestPendingAt: z.number().nullable(),
  lastSyncedAt: z.number().nullable(),
  issues: z.number().int(),
  stuck: z.boolean(),
  /** The server refused the session and no fresh token has arrived yet. */
  needsToken: z.boolean(),
  storage: StorageStateSchema,
  problem: SyncProblemSchema.nullable(),
});
export type WorkerStatus = z.infer<typeof WorkerStatusSchema>;

export const WorkerMessageSchema = z.union([
  z.object({ kind: z.literal('reply'), id: Id, ok: z.literal(true), value: z.unknown() }),
  z.object({ kind: z.literal('reply'), id: Id, ok: z.literal(false), error: SyncProblemSchema }),
  z.object({ kind: z.literal('status'), status: WorkerStatusSchema }),
  z.object({
    kind: z.literal('token_needed'),
    reason: z.enum(['token_expired', 'unauthorized']),
  }),
  /** Other agents in the conversation a window views (collision presence); empty `others` clears it. */
  z.object({ kind: z.literal('collision'), collision: CollisionSchema }),
]);
export type WorkerMessage = z.infer<typeof WorkerMessageSchema>;
