import type { Op } from '../../../shared/protocol';
import type { SyncDb, SyncIssueRow } from '../../sync/db';

export type OpenOp = Extract<Op, { type: 'dispute.open' }>;
export type DecideOp = Extract<Op, { type: 'dispute.decide' }>;

/**
 * Dispute ops this computer holds: those still waiting in the outbox (offline, or not yet sent) and
 * those the server refused (kept as sync issues with what was typed).
 */
export interface DisputeOps {
  /** Disputes opened here and not yet sent. */
  waitingOpens: Set<string>;
  /** Decisions not yet sent, by dispute id: shown as the step they will add. */
  waitingDecisions: Map<string, DecideOp>;
  refusedOpens: { issue: SyncIssueRow; op: OpenOp }[];
  refusedDecisions: Map<string, { issue: SyncIssueRow; op: DecideOp }>;
}

export async function loadDisputeOps(db: SyncDb): Promise<DisputeOps> {
  const waiting = await db.outbox.where('state').equals('pending').toArray();
  const ops: DisputeOps = {
    waitingOpens: new Set(),
    waitingDecisions: new Map(),
    refusedOpens: [],
    refusedDecisions: new Map(),
  };
  for (const { op } of waiting) {
    if (op.type === 'dispute.open') ops.waitingOpens.add(op.payload.disputeId);
    if (op.type === 'dispute.decide') ops.waitingDecisions.set(op.payload.disputeId, op);
  }
  for (const issue of await db.syncIssues.orderBy('createdAt').toArray()) {
    const op = issue.op;
    if (op.type === 'dispute.open') ops.refusedOpens.push({ issue, op });
    if (op.type === 'dispute.decide') ops.refusedDecisions.set(op.payload.disputeId, { issue, op });
  }
  return ops;
}
