import type { FastifyBaseLogger } from 'fastify';
import type { Channel } from '../../../shared/domain';
import type { Db, Queryable } from '../../db/db';
import { conversationAudience, publishMessage } from '../../store/publish';
import type { ConversationRow, MessageRow } from '../../store/rows';
import { withChanges, type PendingChange } from '../../sync/changeLog';
import type { ConnectorHealth } from '../health';
import { DeliveryError, type ChannelSender, type SendResult } from '../types';
import { claimDue, loadOutboundReply, type DeliveryRow } from './deliveries';

/** Waits before the next try of a retryable failure, by attempts so far; after the last, the reply fails. */
export const RETRY_DELAYS_MS = [2_000, 10_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 3_600_000] as const;
/** How long a claimed delivery is leased to this node before another may try it. */
const LEASE_MS = 60_000;
const BATCH = 16;

export interface DispatcherOptions {
  db: Db;
  senders: readonly ChannelSender[];
  health: ConnectorHealth;
  push: (changes: PendingChange[]) => void;
  now: () => number;
  log: FastifyBaseLogger;
  /** How often due deliveries are looked for besides the kick after each reply (default 1 s). */
  intervalMs?: number;
}

/**
 * Sends queued replies to their providers: after a reply commits (kick) and every second for
 * retries. Each outcome is written to the delivery and its message, and published, so the agent's
 * transcript says sent, or not delivered and why. At-least-once: a crash between the provider's
 * answer and our write sends that reply again on restart (email carries a fixed Message-ID, so the
 * customer's client can tell).
 */
export function startDispatcher(options: DispatcherOptions) {
  const byChannel = new Map<Channel, ChannelSender>();
  for (const sender of options.senders) for (const channel of sender.channels) byChannel.set(channel, sender);
  let stopped = false;
  let running: Promise<void> | null = null;
  let again = false;

  const run = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await drain();
        } catch (err) {
          options.log.error({ err }, 'delivery dispatcher: a run failed; retrying on the next tick');
        }
      } while (again && !stopped);
    })().finally(() => {
      running = null;
    });
    return running;
  };

  async function drain(): Promise<void> {
    for (;;) {
      if (stopped) return;
      const now = new Date(options.now());
      const due = await options.db.transaction((tx) => claimDue(tx, now, new Date(now.getTime() + LEASE_MS), BATCH));
      if (!due.length) return;
      // One conversation's replies in order; different conversations side by side.
      const byConversation = new Map<string, DeliveryRow[]>();
      for (const d of due) byConversation.set(d.conversation_id, [...(byConversation.get(d.conversation_id) ?? []), d]);
      await Promise.all(
        [...byConversation.values()].map(async (list) => {
          for (const delivery of list) if (!(await deliver(delivery))) break;
        }),
      );
      // Loop until nothing is due: a reply sent just now may have unblocked the next of its
      // conversation; one still failing is leased or rescheduled into the future, so this ends.
    }
  }

  /** Sends one delivery; false when it is still pending (the conversation's later replies wait). */
  async function deliver(delivery: DeliveryRow): Promise<boolean> {
    const sender = byChannel.get(delivery.channel);
    if (!sender) {
      await settle(delivery, {
        error: new DeliveryError(`Replies on ${delivery.channel} cannot be sent from here.`, false),
      });
      return true;
    }
    const reply = await options.db.transaction((tx) => loadOutboundReply(tx, delivery));
    if (typeof reply === 'string') {
      await settle(delivery, { error: new DeliveryError(reply, false, 'no_recipient') });
      return true;
    }
    try {
      const result = await sender.send(reply);
      options.health.sent(sender.connector);
      await settle(delivery, { sent: result, provider: sender.connector });
      return true;
    } catch (err) {
      const error =
        err instanceof DeliveryError
          ? err
          : new DeliveryError(`Sending failed unexpectedly: ${(err as Error).message}`, true, 'send_crashed');
      options.health.failed(sender.connector, error.message);
      if (!(err instanceof DeliveryError)) options.log.error({ err, messageId: delivery.message_id }, 'sender threw');
      return settle(delivery, { error });
    }
  }

  /** Writes the outcome and publishes the message's delivery state; true when no longer pending. */
  async function settle(
    delivery: DeliveryRow,
    outcome: { sent: SendResult; provider: string } | { error: DeliveryError },
  ): Promise<boolean> {
    const now = new Date(options.now());
    const attempts = delivery.attempts + 1;
    let status: DeliveryRow['status'];
    let error: string | null = null;
    let nextAt = now;
    if ('sent' in outcome) status = 'sent';
    else if (outcome.error.retryable && attempts <= RETRY_DELAYS_MS.length) {
      status = 'pending';
      error = outcome.error.message;
      nextAt = new Date(now.getTime() + RETRY_DELAYS_MS[attempts - 1]!);
    } else {
      status = 'failed';
      error = outcome.error.retryable
        ? `Not delivered after ${attempts} tries: ${outcome.error.message}`
        : outcome.error.message;
    }
    const { changes } = await withChanges(options.db, async (tx, changes) => {
      await tx.query(
        `update deliveries set status = $2, attempts = $3, next_attempt_at = $4, last_error = $5,
           provider_message_id = coalesce($6, provider_message_id), sent_at = case when $2 = 'sent' then $7::timestamptz else sent_at end
         where message_id = $1`,
        [
          delivery.message_id,
          status,
          attempts,
          nextAt,
          error,
          'sent' in outcome ? outcome.sent.providerMessageId : null,
          now,
        ],
      );
      const message = await recordOnMessage(tx, delivery.message_id, status, error, outcome);
      if (!message) return;
      const { rows } = await tx.query<ConversationRow>('select * from conversations where id = $1', [
        message.conversation_id,
      ]);
      if (rows[0]) publishMessage(changes, message, await conversationAudience(tx, rows[0]));
    });
    options.push(changes);
    return status !== 'pending';
  }

  async function recordOnMessage(
    tx: Queryable,
    messageId: string,
    status: DeliveryRow['status'],
    error: string | null,
    outcome: { sent: SendResult; provider: string } | { error: DeliveryError },
  ): Promise<MessageRow | undefined> {
    // The provider's id on our message: a customer's answer to it finds this thread. Should the
    // provider's echo of it have been stored first (it is not, adapters skip our own account), the
    // id stays on the delivery only.
    const sent = 'sent' in outcome ? outcome : null;
    const { rows: taken } = sent
      ? await tx.query('select 1 from messages where provider = $1 and provider_message_id = $2 and id <> $3', [
          sent.provider,
          sent.sent.providerMessageId,
          messageId,
        ])
      : { rows: [] };
    const { rows } = await tx.query<MessageRow>(
      `update messages set delivery_status = $2, delivery_error = $3,
         provider = coalesce($4, provider), provider_message_id = coalesce($5, provider_message_id),
         meta = case when $6::jsonb is null then meta else coalesce(meta, '{}'::jsonb) || $6::jsonb end
       where id = $1 returning *`,
      [
        messageId,
        status,
        status === 'sent' ? null : error,
        sent && !taken.length ? sent.provider : null,
        sent && !taken.length ? sent.sent.providerMessageId : null,
        sent?.sent.meta ? JSON.stringify(sent.sent.meta) : null,
      ],
    );
    return rows[0];
  }

  const timer = setInterval(() => void run(), options.intervalMs ?? 1000);
  timer.unref();

  return {
    /** A reply was queued: look now rather than at the next tick. */
    kick: () => void run(),
    /** Runs until nothing due is left (tests). */
    flush: () => run(),
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      for (const sender of options.senders) await sender.close?.();
    },
  };
}
export type Dispatcher = ReturnType<typeof startDispatcher>;
