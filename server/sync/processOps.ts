import { z } from 'zod';
import { OpSchema, type Op, type OpResult } from '../../shared/protocol';
import type { Db, Queryable } from '../db/db';
import { acceptRule, declineRule, presenceRule } from './agentRules';
import type { Viewer } from './audience';
import { ChangeWriter, type PendingChange } from './changeLog';
import {
  escalateRule,
  noteRule,
  replyRule,
  resolveRule,
  retryDeliveryRule,
  transferRule,
  wrapUpRule,
} from './conversationRules';
import { calibrationAgreeRule, calibrationStartRule } from '../qa/calibrationRules';
import { disputeDecideRule, disputeOpenRule } from '../qa/disputeRules';
import { reviewCommentRule, reviewSaveRule, reviewSubmitRule } from '../qa/reviewRules';
import { linkRule, refuseLinkRule, unlinkRule } from './customerRules';
import { applied, reject, type OpContext, type OpRule, type AfterCommitHooks, type RuleOutcome } from './opContext';

const rules: { [T in Op['type']]: OpRule<T> } = {
  'presence.set': presenceRule,
  'offer.accept': acceptRule,
  'offer.decline': declineRule,
  'conversation.reply': replyRule,
  'conversation.note': noteRule,
  'conversation.retry_delivery': retryDeliveryRule,
  'conversation.transfer': transferRule,
  'conversation.escalate': escalateRule,
  'conversation.wrap_up': wrapUpRule,
  'conversation.resolve': resolveRule,
  'review.save': reviewSaveRule,
  'review.submit': reviewSubmitRule,
  'review.comment': reviewCommentRule,
  'calibration.start': calibrationStartRule,
  'calibration.agree': calibrationAgreeRule,
  'dispute.open': disputeOpenRule,
  'dispute.decide': disputeDecideRule,
  'customer.link': linkRule,
  'customer.refuse_link': refuseLinkRule,
  'customer.unlink': unlinkRule,
};

/** Enough of an op to number it, even when the rest does not parse. */
const Envelope = z.object({
  opId: z.uuid(),
  clientId: z.uuid(),
  seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
});

/** SQLSTATE class 22 (data exception): the statement's values, not the database, are at fault. */
function isDataException(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('22');
}

const withoutNul = (text: string) => text.replaceAll('\u0000', '\uFFFD');

/** Stores an op's result under its seq and moves the client's seq on: a processed op, for good. */
async function recordResult(tx: Queryable, clientId: string, seq: number, opId: string, stored: Stored): Promise<void> {
  await tx.query('insert into op_results (op_id, client_id, seq, result) values ($1, $2, $3, $4)', [
    opId,
    clientId,
    seq,
    JSON.stringify(stored),
  ]);
  await tx.query('update sync_clients set last_seq = $2, updated_at = now() where client_id = $1', [clientId, seq]);
}

/**
 * Presence keeps only the newest (DESIGN.md, server 3): the seqs of this client's `presence.set`
 * ops in the batch other than the newest one (by the time the agent set it, then by seq). They are
 * recorded as applied without an effect, so no lead sees, and routing never acts on, a state the
 * agent had already left (toggles queued offline arrive in one batch; RELIABILITY.md 26).
 */
function supersededPresence(batch: readonly unknown[], clientId: string): Set<number> {
  const toggles: { seq: number; at: number }[] = [];
  for (const raw of batch) {
    if ((raw as { type?: unknown } | null)?.type !== 'presence.set') continue;
    const op = OpSchema.safeParse(raw);
    if (op.success && op.data.clientId === clientId)
      toggles.push({ seq: op.data.seq, at: new Date(op.data.createdAt).getTime() });
  }
  const newest = toggles.reduce<{ seq: number; at: number } | undefined>(
    (best, t) => (!best || t.at > best.at || (t.at === best.at && t.seq > best.seq) ? t : best),
    undefined,
  );
  return new Set(toggles.filter((t) => t !== newest).map((t) => t.seq));
}

export interface Committed {
  changes: PendingChange[];
  effects: ((hooks: AfterCommitHooks) => void)[];
}

type Stored = { status: 'applied' | 'rejected'; seq?: number; reason?: OpResult['reason']; detail?: string };

/**
 * The server side of the sync protocol (DESIGN.md, server 1–2): each op in its own transaction —
 * lock the client's row, check the seq, run the rule, store the result, append changes, advance
 * the seq — then `onCommit`, then the next op. An infrastructure error stops the batch: the
 * results so far are answered and the rest stays pending on the client.
 */
export async function processOps(
  db: Db,
  viewer: Viewer,
  clientId: string,
  batch: readonly unknown[],
  onCommit: (committed: Committed) => void,
  now: () => Date = () => new Date(),
  /**
   * Whether anyone still waits for the answer. Once the socket that sent the batch is gone, the
   * rest of it is left unprocessed: the client resends it, and copies of a long batch kept running
   * for dead sockets would queue on the client's row lock behind each other (RELIABILITY.md 5).
   */
  wanted: () => boolean = () => true,
): Promise<OpResult[]> {
  const results: OpResult[] = [];
  const superseded = supersededPresence(batch, clientId);
  for (const raw of batch) {
    if (!wanted()) break;
    const envelope = Envelope.safeParse(raw);
    if (!envelope.success) {
      const opId = typeof (raw as { opId?: unknown })?.opId === 'string' ? (raw as { opId: string }).opId : '';
      // Without an id and a seq the op cannot be numbered or stored: refuse it and go on.
      results.push({
        opId,
        status: 'rejected',
        reason: 'invalid_op',
        detail: 'An op needs a UUID opId and clientId and an integer seq ≥ 1.',
      });
      continue;
    }
    const { opId, seq } = envelope.data;
    if (envelope.data.clientId !== clientId) {
      results.push({ opId, status: 'rejected', reason: 'forbidden', detail: 'This op belongs to another client.' });
      continue;
    }
    let result: OpResult;
    let committed: Committed;
    try {
      ({ result, committed } = await db.transaction(async (tx) => {
        const changes = new ChangeWriter(tx, db.kind === 'postgres');
        const effects: Committed['effects'] = [];
        await tx.query(
          'insert into sync_clients (client_id, agent_id) values ($1, $2) on conflict (client_id) do nothing',
          [clientId, viewer.agentId],
        );
        const { rows } = await tx.query<{ agent_id: string; last_seq: number }>(
          'select agent_id, last_seq from sync_clients where client_id = $1 for update',
          [clientId],
        );
        const client = rows[0]!;
        if (client.agent_id !== viewer.agentId) {
          return {
            result: {
              opId,
              status: 'rejected' as const,
              reason: 'client_bound_to_other_agent' as const,
              detail: 'Sign out and in again to get a new device id.',
            },
            committed: { changes: [], effects: [] },
          };
        }
        if (seq <= client.last_seq) {
          const { rows: stored } = await tx.query<{ op_id: string; result: Stored }>(
            'select op_id, result from op_results where client_id = $1 and seq = $2',
            [clientId, seq],
          );
          const previous = stored[0];
          const outcome: OpResult =
            previous && previous.op_id === opId
              ? {
                  opId,
                  status: 'already_processed',
                  original: {
                    status: previous.result.status,
                    ...(previous.result.seq ? { seq: previous.result.seq } : {}),
                    ...(previous.result.reason ? { reason: previous.result.reason } : {}),
                    ...(previous.result.detail ? { detail: previous.result.detail } : {}),
                  },
                }
              : {
                  opId,
                  status: 'rejected',
                  reason: 'seq_reused',
                  detail: `Seq ${seq} was already used by another op.`,
                };
          return { result: outcome, committed: { changes: [], effects: [] } };
        }
        const { rows: reused } = await tx.query<{ seq: number }>(
          'select seq from op_results where client_id = $1 and op_id = $2',
          [clientId, opId],
        );
        if (reused[0] && seq > client.last_seq) {
          // A client bug: one op id under two seqs. Use up the seq so the client is not stuck behind it.
          const stored: Stored = {
            status: 'rejected',
            reason: 'seq_reused',
            detail: `This op id was already used at seq ${reused[0].seq}.`,
          };
          await recordResult(tx, clientId, seq, `${opId}#${seq}`, stored);
          return { result: { opId, ...stored } as OpResult, committed: { changes: [], effects: [] } };
        }
        if (seq > client.last_seq + 1) {
          return {
            result: { opId, status: 'out_of_order' as const, expected: client.last_seq + 1 },
            committed: { changes: [], effects: [] },
          };
        }

        const parsed = OpSchema.safeParse(raw);
        let outcome: RuleOutcome;
        if (!parsed.success) {
          // The detail quotes unknown keys, which may hold U+0000: PostgreSQL jsonb cannot store it.
          outcome = reject('invalid_op', withoutNul(z.prettifyError(parsed.error)).slice(0, 500));
        } else {
          // A savepoint lets a business rejection undo the rule's partial writes but keep the seq.
          await tx.query('savepoint op_rule');
          const ctx: OpContext = { tx, changes, viewer, now: now(), afterCommit: (e) => effects.push(e) };
          try {
            outcome =
              parsed.data.type === 'presence.set' && superseded.has(seq)
                ? applied
                : await (rules[parsed.data.type] as OpRule<Op['type']>)(parsed.data, ctx);
          } catch (err) {
            // A value of the op's own the database refuses (U+0000 in a string): a rejection, not an outage.
            if (isDataException(err)) {
              outcome = reject(
                'invalid_op',
                'This op holds a value the server cannot store, such as a U+0000 character.',
              );
            } else if ((err as { code?: string }).code === '23505') {
              // A unique key the rule did not expect (a reused message id): refused, not an outage.
              outcome = reject('stale', 'This op conflicts with something already stored.');
            } else {
              throw err;
            }
          }
          if (outcome.status === 'rejected') {
            await tx.query('rollback to savepoint op_rule');
            changes.discard();
            effects.length = 0;
          } else {
            await tx.query('release savepoint op_rule');
            await changes.flush();
          }
        }
        const stored: Stored =
          outcome.status === 'applied'
            ? { status: 'applied', ...(changes.lastSeq ? { seq: changes.lastSeq } : {}) }
            : { status: 'rejected', reason: outcome.reason, ...(outcome.detail ? { detail: outcome.detail } : {}) };
        await recordResult(tx, clientId, seq, opId, stored);
        return { result: { opId, ...stored }, committed: { changes: changes.written, effects } };
      }));
    } catch (err) {
      // Infrastructure: stop here; the client resends from this op and the seq check sorts it out.
      throw Object.assign(err as Error, { partialResults: results });
    }
    results.push(result);
    onCommit(committed);
  }
  return results;
}
