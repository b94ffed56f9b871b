import type { Channel, Presence } from '../../shared/domain';
import type { Op, RejectReason } from '../../shared/protocol';
import type { Queryable } from '../db/db';
import type { Viewer } from './audience';
import type { ChangeWriter } from './changeLog';

/** What routing must hear once an op's transaction has committed. */
export interface RoutingHooks {
  presenceChanged(agentId: string, presence: Presence): void;
  capacityFreed(agentId: string, channel: Channel): void;
  /** A conversation (back) in the queue; `excludeAgentId` for the agent who just declined it. */
  enqueue(conversationId: string, excludeAgentId?: string): void;
  /** A conversation handed straight to an agent (transfer to agent): count it in their load. */
  assigned(agentId: string, channel: Channel): void;
}

/** Everything told after an op's transaction committed: routing, and the reply dispatcher. */
export interface AfterCommitHooks extends RoutingHooks {
  /** A reply was queued for sending to its provider. */
  deliveryQueued(): void;
}

export interface OpContext {
  tx: Queryable;
  changes: ChangeWriter;
  viewer: Viewer;
  now: Date;
  /** Effects to run after commit, in order (routing). */
  afterCommit: (effect: (hooks: AfterCommitHooks) => void) => void;
}

export type RuleOutcome = { status: 'applied' } | { status: 'rejected'; reason: RejectReason; detail?: string };

export type OpRule<T extends Op['type']> = (op: Extract<Op, { type: T }>, ctx: OpContext) => Promise<RuleOutcome>;

export const reject = (reason: RejectReason, detail?: string): RuleOutcome => ({
  status: 'rejected',
  reason,
  ...(detail ? { detail } : {}),
});
export const applied: RuleOutcome = { status: 'applied' };
