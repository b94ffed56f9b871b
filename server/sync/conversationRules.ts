import { channelClass, DISPOSITIONS, isDispositionCode } from '../../shared/domain';
import { messagingWindow } from '../../shared/messagingWindow';
import type { Queryable } from '../db/db';
import { queueDelivery } from '../channels/outbound/deliveries';
import { escalatedPriority } from '../ingest/priority';
import {
  conversationAudience,
  loadConversation,
  publishConversation,
  publishMessage,
  publishWorkingSet,
  teamOf,
} from '../store/publish';
import type { ConversationRow, MessageRow } from '../store/rows';
import { applied, reject, type OpContext, type OpRule, type RuleOutcome } from './opContext';

const OPEN = new Set(['assigned', 'wrap_up', 'reopened']);

/** Quotes a client's value in a rejection's detail: PostgreSQL jsonb, where results are kept, refuses U+0000. */
const quote = (value: string) => `“${value.replaceAll('\u0000', '\uFFFD')}”`;

async function agentName(tx: Queryable, agentId: string | null): Promise<string> {
  if (!agentId) return 'the queue';
  const { rows } = await tx.query<{ name: string }>('select name from agents where id = $1', [agentId]);
  return rows[0]?.name ?? 'another agent';
}

/** Agents act only on conversations assigned to them; leads and admins on any. */
async function ownConversation(ctx: OpContext, conversationId: string): Promise<ConversationRow | RuleOutcome> {
  const row = await loadConversation(ctx.tx, conversationId, true);
  if (!row) return reject('not_found', 'This conversation does not exist.');
  if (ctx.viewer.role === 'agent' && row.assigned_agent_id !== ctx.viewer.agentId) {
    if (row.status === 'resolved') return reject('conversation_closed', 'This conversation was resolved.');
    return reject('not_assignee', `This conversation is now with ${await agentName(ctx.tx, row.assigned_agent_id)}.`);
  }
  // Leads act on the queue and on their own team's conversations, as they see them.
  if (ctx.viewer.role === 'lead' && row.assigned_agent_id && row.assigned_agent_id !== ctx.viewer.agentId) {
    if (!ctx.viewer.teamId || (await teamOf(ctx.tx, row.assigned_agent_id)) !== ctx.viewer.teamId) {
      return reject('forbidden', 'This conversation belongs to another team; ask its lead.');
    }
  }
  return row;
}

const isRow = (x: ConversationRow | RuleOutcome): x is ConversationRow => 'id' in x;

async function bump(tx: Queryable, id: string, set: string, params: unknown[]): Promise<ConversationRow> {
  const { rows } = await tx.query<ConversationRow>(
    `update conversations set ${set}, version = version + 1, updated_at = now() where id = $1 returning *`,
    [id, ...params],
  );
  return rows[0]!;
}

async function insertMessage(
  ctx: OpContext,
  values: {
    id: string;
    conversationId: string;
    direction: MessageRow['direction'];
    visibility: MessageRow['visibility'];
    body: string;
    templateId?: string;
    via?: 'email';
  },
): Promise<MessageRow | undefined> {
  const { rows } = await ctx.tx.query<MessageRow>(
    `insert into messages (id, conversation_id, direction, visibility, author_agent_id, body, template_id, created_at, via)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict (id) do nothing returning *`,
    [
      values.id,
      values.conversationId,
      values.direction,
      values.visibility,
      ctx.viewer.agentId,
      values.body,
      values.templateId ?? null,
      ctx.now,
      values.via ?? null,
    ],
  );
  return rows[0];
}

export const replyRule: OpRule<'conversation.reply'> = async (op, ctx) => {
  const row = await ownConversation(ctx, op.payload.conversationId);
  if (!isRow(row)) return row;
  // Replies require the sender still be the assignee, leads included: a lead uses a note.
  if (row.assigned_agent_id !== ctx.viewer.agentId) {
    return reject('not_assignee', `This conversation is now with ${await agentName(ctx.tx, row.assigned_agent_id)}.`);
  }
  if (!OPEN.has(row.status)) return reject('conversation_closed', 'This conversation is closed; reopen it to reply.');
  if (row.channel === 'messenger' && op.payload.via !== 'email') {
    // Refused here, not at send time: the agent hears it at once and can answer by email instead.
    const window = messagingWindow('messenger', row.last_inbound_at, ctx.now);
    if (window.state === 'closed') return reject('messaging_window_closed', window.explanation);
  }
  if (op.payload.via === 'email') {
    if (row.channel === 'email')
      return reject('invalid_op', 'This conversation is already by email: reply without "via".');
    const { rows: emails } = await ctx.tx.query(
      "select 1 from identities where customer_id = $1 and kind = 'email' limit 1",
      [row.customer_id],
    );
    if (!emails.length) {
      return reject('invalid_op', 'This customer has no email address on file: reply on their channel instead.');
    }
  }
  const message = await insertMessage(ctx, {
    id: op.payload.messageId,
    conversationId: row.id,
    direction: 'outbound',
    visibility: op.payload.visibility,
    body: op.payload.body,
    ...(op.payload.templateId ? { templateId: op.payload.templateId } : {}),
    ...(op.payload.via ? { via: op.payload.via } : {}),
  });
  if (!message) return reject('stale', 'A message with this id already exists.');
  const queued = await queueDelivery(ctx.tx, message, row.channel, ctx.now);
  if (queued.delivery_status) ctx.afterCommit((hooks) => hooks.deliveryQueued());
  const updated = await bump(
    ctx.tx,
    row.id,
    `first_response_at = coalesce(first_response_at, $2), next_response_due = null`,
    [ctx.now],
  );
  const audience = await publishConversation(ctx.tx, ctx.changes, updated);
  publishMessage(ctx.changes, queued, audience);
  return applied;
};

/**
 * A reply the provider did not take goes out once more: its delivery starts over (the agent fixed
 * the cause, or the outage is over). Only the conversation's own agent, and only a failed reply.
 */
export const retryDeliveryRule: OpRule<'conversation.retry_delivery'> = async (op, ctx) => {
  const row = await ownConversation(ctx, op.payload.conversationId);
  if (!isRow(row)) return row;
  const { rows } = await ctx.tx.query<MessageRow>(
    `update messages set delivery_status = 'pending', delivery_error = null
     where id = $1 and conversation_id = $2 and direction = 'outbound' and delivery_status = 'failed' returning *`,
    [op.payload.messageId, row.id],
  );
  const message = rows[0];
  if (!message) return reject('stale', 'This reply is not waiting to be sent again.');
  await ctx.tx.query(
    `update deliveries set status = 'pending', attempts = 0, next_attempt_at = $2, last_error = null
     where message_id = $1`,
    [message.id, ctx.now],
  );
  ctx.afterCommit((hooks) => hooks.deliveryQueued());
  publishMessage(ctx.changes, message, await conversationAudience(ctx.tx, row));
  return applied;
};

export const noteRule: OpRule<'conversation.note'> = async (op, ctx) => {
  const row = await ownConversation(ctx, op.payload.conversationId);
  if (!isRow(row)) return row;
  const message = await insertMessage(ctx, {
    id: op.payload.messageId,
    conversationId: row.id,
    direction: 'note',
    visibility: 'private',
    body: op.payload.body,
  });
  if (!message) return reject('stale', 'A message with this id already exists.');
  const updated = await bump(ctx.tx, row.id, 'status = status', []);
  const audience = await publishConversation(ctx.tx, ctx.changes, updated);
  publishMessage(ctx.changes, message, audience);
  return applied;
};

function versionConflict(op: { baseVersion?: number | undefined }, row: ConversationRow): RuleOutcome | null {
  return op.baseVersion !== undefined && op.baseVersion !== row.version
    ? reject('version_conflict', 'This conversation changed since you last saw it.')
    : null;
}

export const transferRule: OpRule<'conversation.transfer'> = async (op, ctx) => {
  const row = await ownConversation(ctx, op.payload.conversationId);
  if (!isRow(row)) return row;
  const conflict = versionConflict(op, row);
  if (conflict) return conflict;
  if (row.status === 'resolved') return reject('conversation_closed', 'This conversation was resolved.');
  if (op.payload.to.kind === 'queue') {
    return requeue(ctx, row, {
      skills: [op.payload.to.skill],
      priority: row.priority,
      ...(op.payload.note ? { note: op.payload.note } : {}),
    });
  }
  const previous = row.assigned_agent_id;
  const channel = row.channel;
  const target = op.payload.to.agentId;
  const { rows } = await ctx.tx.query<{ presence: string; role: string }>(
    'select presence, role from agents where id = $1 for update',
    [target],
  );
  if (!rows[0]) return reject('not_found', 'That agent does not exist.');
  if (rows[0].presence === 'offline')
    return reject('agent_unavailable', `${await agentName(ctx.tx, target)} is offline.`);
  const updated = await bump(ctx.tx, row.id, `status = 'assigned', assigned_agent_id = $2, queued_at = null`, [target]);
  if (op.payload.note) {
    await insertMessage(ctx, {
      id: crypto.randomUUID(),
      conversationId: row.id,
      direction: 'note',
      visibility: 'private',
      body: op.payload.note,
    });
  }
  const audience = await publishConversation(ctx.tx, ctx.changes, updated, previous);
  await publishWorkingSet(ctx.tx, ctx.changes, updated, audience);
  ctx.afterCommit((hooks) => {
    if (previous && holdsCapacity(row)) hooks.capacityFreed(previous, channel);
    hooks.assigned(target, channel);
  });
  return applied;
};

/**
 * Another department takes it: back to the queue for that skill, ahead of ordinary work, with a
 * private note saying why. The department must be a skill some agent has, or it would wait forever.
 */
export const escalateRule: OpRule<'conversation.escalate'> = async (op, ctx) => {
  const row = await ownConversation(ctx, op.payload.conversationId);
  if (!isRow(row)) return row;
  const conflict = versionConflict(op, row);
  if (conflict) return conflict;
  if (row.status === 'resolved') return reject('conversation_closed', 'This conversation was resolved.');
  const { department, note } = op.payload;
  const { rows } = await ctx.tx.query<{ staffed: boolean }>(
    'select exists (select 1 from agents where skills ->> $1 is not null) as staffed',
    [department],
  );
  if (!rows[0]?.staffed) {
    return reject('unknown_skill', `No agent works in ${quote(department)}: pick another department or ask a lead.`);
  }
  return requeue(ctx, row, {
    skills: [department],
    priority: escalatedPriority(row.priority),
    note: `Escalated to ${department}: ${note}`,
    // The agent who escalated is not offered it straight back, even if they hold the skill.
    passOver: true,
  });
};

/** A call's capacity was given back at wrap-up already (wrapUpRule). */
const holdsCapacity = (row: ConversationRow) => !(channelClass(row.channel) === 'voice' && row.status === 'wrap_up');

/**
 * Puts a conversation back in the queue for `skills` (transfer to a queue, escalation): nobody's,
 * no sticky wait, gone from the previous assignee's view, with an optional private note that the
 * leads watching the queue see, and routed again once the transaction commits.
 */
async function requeue(
  ctx: OpContext,
  row: ConversationRow,
  queue: { skills: string[]; priority: number; note?: string; passOver?: boolean },
): Promise<RuleOutcome> {
  const previous = row.assigned_agent_id;
  const updated = await bump(
    ctx.tx,
    row.id,
    `status = 'queued', assigned_agent_id = null, sticky_agent_id = null, sticky_until = null, skills = $2, queued_at = $3, priority = $4`,
    [queue.skills, ctx.now, queue.priority],
  );
  const audience = await publishConversation(ctx.tx, ctx.changes, updated, previous);
  if (queue.note) {
    const message = await insertMessage(ctx, {
      id: crypto.randomUUID(),
      conversationId: row.id,
      direction: 'note',
      visibility: 'private',
      body: queue.note,
    });
    if (message) publishMessage(ctx.changes, message, audience);
  }
  ctx.afterCommit((hooks) => {
    if (previous && holdsCapacity(row)) hooks.capacityFreed(previous, row.channel);
    hooks.enqueue(updated.id, queue.passOver ? (previous ?? undefined) : undefined);
  });
  return applied;
}

export const wrapUpRule: OpRule<'conversation.wrap_up'> = async (op, ctx) => {
  if (!isDispositionCode(op.payload.disposition)) {
    return reject(
      'invalid_op',
      `${quote(op.payload.disposition)} is not a wrap-up code; use one of ${DISPOSITIONS.map((d) => d.code).join(', ')}.`,
    );
  }
  const row = await ownConversation(ctx, op.payload.conversationId);
  if (!isRow(row)) return row;
  if (row.status === 'resolved') return reject('conversation_closed', 'This conversation was resolved.');
  // Dispositions append; the op id keeps a resent wrap-up to one row.
  await ctx.tx.query(
    `insert into dispositions (id, conversation_id, agent_id, code, notes, created_at) values ($1, $2, $3, $4, $5, $6)
     on conflict (id) do nothing`,
    [op.opId, row.id, ctx.viewer.agentId, op.payload.disposition, op.payload.notes ?? null, ctx.now],
  );
  const updated = await bump(ctx.tx, row.id, `status = 'wrap_up'`, []);
  await publishConversation(ctx.tx, ctx.changes, updated);
  // A call the telephony platform already ended is in wrap-up, its line freed then: not twice.
  if (channelClass(row.channel) === 'voice' && row.assigned_agent_id && row.status !== 'wrap_up') {
    ctx.afterCommit((hooks) => hooks.capacityFreed(row.assigned_agent_id!, row.channel));
  }
  return applied;
};

export const resolveRule: OpRule<'conversation.resolve'> = async (op, ctx) => {
  const row = await ownConversation(ctx, op.payload.conversationId);
  if (!isRow(row)) return row;
  if (row.status === 'resolved') return reject('conversation_closed', 'This conversation was already resolved.');
  const updated = await bump(ctx.tx, row.id, `status = 'resolved', resolved_at = $2`, [ctx.now]);
  const assignee = row.assigned_agent_id;
  if (assignee) {
    // Sticky affinity: the customer's next conversation, on any channel, goes back to this agent.
    await ctx.tx.query('update customers set last_agent_id = $2, last_agent_at = $3 where id = $1', [
      row.customer_id,
      assignee,
      ctx.now,
    ]);
  }
  await publishConversation(ctx.tx, ctx.changes, updated);
  // A voice call's capacity was freed at wrap-up already.
  const freed = assignee && !(channelClass(row.channel) === 'voice' && row.status === 'wrap_up');
  if (freed) ctx.afterCommit((hooks) => hooks.capacityFreed(assignee, row.channel));
  return applied;
};
