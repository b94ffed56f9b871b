import { isPublicChannel } from '../../shared/domain';
import type { Interaction } from '../../shared/ingest';
import type { Db, Queryable } from '../db/db';
import { detectLanguage } from '../enrich/language';
import { matchesTokens, tokenize, type ListeningQuery } from '../enrich/listeningQuery';
import { extractContactMentions, normaliseHandle } from '../enrich/mentions';
import { scoreSentiment } from '../enrich/sentiment';
import type { QueuedItem } from '../routing/queue';
import { conversationAudience, publishCustomer, publishMessage, publishWorkingSet } from '../store/publish';
import {
  conversationData,
  customerData,
  identityData,
  type AgentRow,
  type ConversationRow,
  type CustomerRow,
  type IdentityRow,
  type MessageRow,
} from '../store/rows';
import type { Audience } from '../sync/audience';
import { withChanges, type ChangeWriter, type PendingChange } from '../sync/changeLog';
import { baseSkills, priorityOf } from './priority';

/** Below this many letters, franc guesses ("a quiet question about seats" reads as French). */
export const MIN_LETTERS_FOR_LANGUAGE_SKILL = 30;

export interface ListeningRule {
  id: string;
  name: string;
  query: ListeningQuery;
  skills: string[];
  priorityBoost: number;
  alert: boolean;
  createConversation: boolean;
}

export interface IngestConfig {
  /** How long since the customer's last conversation counts as "ongoing" for sticky routing. */
  stickyWindowMs: number;
  /** How long a conversation waits for the customer's last agent before any agent may take it. */
  stickyWaitMs: number;
  rules: () => readonly ListeningRule[];
  /** Routing at ingestion (RoutingService.claimOnIngest); without it every conversation is queued. */
  claim?: (tx: Queryable, item: QueuedItem) => Promise<IngestClaim | null>;
  /**
   * Told once per stored (not duplicate) public post that matched listening rules, after commit:
   * the spike detector counts matches per rule over time.
   */
  listened?: (matched: readonly ListeningRule[], interaction: Interaction, at: Date) => void;
}

/** An agent who takes a conversation in the transaction that creates or reopens it. */
export interface IngestClaim {
  agent: AgentRow;
  audience: Audience;
  status: 'assigned' | 'offered';
  /** Writes what the assignment needs besides the conversation row (a call's offer). */
  persist(tx: Queryable, changes: ChangeWriter, row: ConversationRow): Promise<void>;
  /** The transaction failed: gives the agent's capacity back to the router. */
  undo(): void;
}

export type IngestOutcome =
  | { status: 'duplicate'; conversationId: string; messageId: string }
  | {
      status: 'accepted';
      conversationId: string | null;
      messageId: string | null;
      /** The conversation still needs routing (new or reopened, and nobody took it at once). */
      route: boolean;
      conversation: ConversationRow | null;
      changes: PendingChange[];
      alerts: string[];
    };

interface Sla {
  first_response_seconds: number;
  next_response_seconds: number;
  resolution_seconds: number;
}

/**
 * Takes in one interaction of any channel: ties it to one customer, enriches it (sentiment,
 * language, reach, listening rules), files it in its conversation with SLA clocks, and records
 * identity-link suggestions with their evidence. Idempotent on the provider's message id.
 */
export async function ingestInteraction(
  db: Db,
  interaction: Interaction,
  config: IngestConfig,
  now = new Date(),
): Promise<IngestOutcome> {
  // Two deliveries racing on PostgreSQL (a provider's redelivery, or two messages of a new customer
  // or thread): the loser's insert hits a unique key. Its retry then finds the winner's rows. A
  // deadlock with an op on the same agent or conversation is retried the same way.
  const enrichment = enrich(interaction, config);
  for (let attempt = 1; ; attempt++) {
    try {
      const outcome = await ingestOnce(db, interaction, config, enrichment, now);
      if (outcome.status === 'accepted' && enrichment.matched.length)
        config.listened?.(enrichment.matched, interaction, now);
      return outcome;
    } catch (err) {
      if (!RETRIED_CODES.has((err as { code?: string }).code ?? '') || attempt >= 3) throw err;
    }
  }
}

/** unique_violation, deadlock_detected. */
const RETRIED_CODES = new Set(['23505', '40P01']);

type Accepted = Extract<IngestOutcome, { status: 'accepted' }>;

interface Enrichment {
  sentiment: ReturnType<typeof scoreSentiment>;
  language: string;
  matched: ListeningRule[];
  alerts: { ruleId: string; text: string }[];
}

/**
 * Sentiment, language and listening rules: CPU work on the message alone, done once before the
 * transaction (and its retries), so no connection or PGlite turn waits on it.
 */
function enrich(interaction: Interaction, config: IngestConfig): Enrichment {
  const sentiment = scoreSentiment(interaction.text);
  const text = `${interaction.subject ?? ''} ${interaction.text}`;
  const detected = detectLanguage(text);
  // A language skill sends work to a smaller pool: only trust detection on enough letters.
  const language = text.replace(/[^\p{L}]/gu, '').length >= MIN_LETTERS_FOR_LANGUAGE_SKILL ? detected : 'und';
  const tokens = tokenize(text);
  const matched = isPublicChannel(interaction.channel)
    ? config.rules().filter((r) => matchesTokens(r.query, tokens))
    : [];
  // Each alert names its own rule: a post may trip several.
  const alerts = matched
    .filter((r) => r.alert)
    .map((r) => ({
      ruleId: r.id,
      text: `Listening rule "${r.name}" matched a public post by ${interaction.author.value}`,
    }));
  return { sentiment, language, matched, alerts };
}

async function ingestOnce(
  db: Db,
  interaction: Interaction,
  config: IngestConfig,
  enrichment: Enrichment,
  now: Date,
): Promise<IngestOutcome> {
  // Set once an agent takes the conversation; its in-memory reservation is undone if we roll back.
  let claim: IngestClaim | null = null;
  try {
    const { value, changes } = await withChanges(
      db,
      async (tx, changes): Promise<Omit<Accepted, 'changes'> | Exclude<IngestOutcome, Accepted>> => {
        const { rows: existing } = await tx.query<{ id: string; conversation_id: string }>(
          'select id, conversation_id from messages where provider = $1 and provider_message_id = $2',
          [interaction.provider, interaction.providerMessageId],
        );
        if (existing[0])
          return { status: 'duplicate', conversationId: existing[0].conversation_id, messageId: existing[0].id };

        const { sentiment, language, matched, alerts } = enrichment;
        const author = await upsertIdentity(tx, interaction);
        const { identity } = author;
        const followers = interaction.author.followers ?? identity.followers ?? 0;

        // A public post that only trips an alert rule (no rule asks for a conversation) is not routed.
        const alertOnly = matched.length > 0 && matched.every((r) => !r.createConversation);
        if (alertOnly) {
          for (const alert of alerts) await recordAlert(tx, changes, alert.text, null, alert.ruleId, now);
          return {
            status: 'accepted',
            conversationId: null,
            messageId: null,
            route: false,
            conversation: null,
            alerts: alerts.map((a) => a.text),
          };
        }

        const sla = await slaFor(tx, interaction.channel);
        const opened = await findOrOpenConversation(tx, interaction, author, {
          now,
          sla,
          config,
          sentiment: sentiment.score,
          language,
          followers,
          skills: [...new Set([...baseSkills(interaction.channel, language), ...matched.flatMap((r) => r.skills)])],
          ruleBoost: matched.reduce((n, r) => n + r.priorityBoost, 0),
        });
        const { conversation, created, reopened } = opened;
        claim = opened.claim;

        const { rows: messages } = await tx.query<MessageRow>(
          `insert into messages (id, conversation_id, direction, visibility, author_identity_id, speaker, body, provider, provider_message_id, sentiment, created_at, meta)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) returning *`,
          [
            crypto.randomUUID(),
            conversation.id,
            interaction.kind === 'transcript' ? 'transcript' : 'inbound',
            isPublicChannel(interaction.channel) ? 'public' : 'private',
            identity.id,
            interaction.speaker ?? null,
            interaction.text,
            interaction.provider,
            interaction.providerMessageId,
            sentiment.score,
            new Date(interaction.occurredAt),
            interaction.meta ? JSON.stringify(interaction.meta) : null,
          ],
        );
        const message = messages[0]!;

        const suggested = await suggestLinks(tx, identity, interaction, message.id);
        // A customer first seen just now, with no suggestion: everything about them is in hand.
        const known = author.newCustomer && suggested === 0 ? author.newCustomer : null;
        const audience = claim ? claim.audience : await conversationAudience(tx, conversation);
        changes.append('conversation', conversation.id, conversationData(conversation), audience);
        if (claim) await claim.persist(tx, changes, conversation);
        if (known && created) {
          // New customer, new conversation: the message and the customer are its whole working set.
          publishMessage(changes, message, audience);
          changes.append('customer', known.id, customerData(known), audience);
          changes.append('identity', identity.id, identityData(identity), audience);
        } else if (claim) {
          // The agent who took it needs the earlier messages and the customer's journey too.
          await publishWorkingSet(tx, changes, conversation, audience);
        } else {
          if (created || reopened) await publishCustomer(tx, changes, identity.customer_id, audience);
          publishMessage(changes, message, audience);
        }
        for (const alert of alerts) await recordAlert(tx, changes, alert.text, conversation.id, alert.ruleId, now);

        return {
          status: 'accepted',
          conversationId: conversation.id,
          messageId: message.id,
          route: (created || reopened) && !claim,
          conversation,
          alerts: alerts.map((a) => a.text),
        };
      },
    );
    return value.status === 'duplicate' ? value : { ...value, changes };
  } catch (err) {
    (claim as IngestClaim | null)?.undo();
    throw err;
  }
}

interface Author {
  identity: IdentityRow;
  /** The customer's last agent and when, for sticky routing. */
  lastAgentId: string | null;
  lastAgentAt: Date | null;
  /** Set when this interaction created the customer. */
  newCustomer: CustomerRow | null;
}

async function upsertIdentity(tx: Queryable, interaction: Interaction): Promise<Author> {
  const kind = interaction.author.kind;
  const value = normaliseHandle(kind, interaction.author.value);
  const display = interaction.author.displayName ?? interaction.author.value;
  const { rows } = await tx.query<IdentityRow & { last_agent_id: string | null; last_agent_at: Date | null }>(
    `select i.*, c.last_agent_id, c.last_agent_at from identities i join customers c on c.id = i.customer_id
     where i.kind = $1 and i.value = $2 for update of i`,
    [kind, value],
  );
  const found = rows[0];
  if (found) {
    const { last_agent_id, last_agent_at, ...identity } = found;
    if (interaction.author.followers !== undefined) {
      await tx.query('update identities set followers = $2 where id = $1', [identity.id, interaction.author.followers]);
      identity.followers = interaction.author.followers;
    }
    return { identity, lastAgentId: last_agent_id, lastAgentAt: last_agent_at, newCustomer: null };
  }
  const { rows: customers } = await tx.query<CustomerRow>(
    'insert into customers (id, display_name) values ($1, $2) returning *',
    [crypto.randomUUID(), display],
  );
  const customer = customers[0]!;
  const { rows: created } = await tx.query<IdentityRow>(
    `insert into identities (id, customer_id, kind, value, display_name, followers, evidence)
     values ($1, $2, $3, $4, $5, $6, $7) returning *`,
    [
      crypto.randomUUID(),
      customer.id,
      kind,
      value,
      display,
      interaction.author.followers ?? null,
      JSON.stringify([{ type: 'first_contact', provider: interaction.provider }]),
    ],
  );
  return { identity: created[0]!, lastAgentId: null, lastAgentAt: null, newCustomer: customer };
}

async function slaFor(tx: Queryable, channel: string): Promise<Sla> {
  const { rows } = await tx.query<Sla>(
    'select first_response_seconds, next_response_seconds, resolution_seconds from sla_policies where channel = $1',
    [channel],
  );
  return rows[0] ?? { first_response_seconds: 3600, next_response_seconds: 3600, resolution_seconds: 86_400 };
}

interface OpenParams {
  now: Date;
  sla: Sla;
  config: IngestConfig;
  sentiment: number;
  language: string;
  followers: number;
  skills: string[];
  ruleBoost: number;
}

interface Opened {
  conversation: ConversationRow;
  created: boolean;
  reopened: boolean;
  claim: IngestClaim | null;
}

async function findOrOpenConversation(
  tx: Queryable,
  interaction: Interaction,
  author: Author,
  p: OpenParams,
): Promise<Opened> {
  const at = new Date(interaction.occurredAt);
  // A call's transcript is not the customer writing: only inbound messages make a thread unread.
  const inboundAt = interaction.kind === 'transcript' ? null : at;
  // What the inbox row shows of it: the start of the text, whitespace folded.
  const preview = inboundAt ? interaction.text.replace(/\s+/g, ' ').trim().slice(0, 120) : null;
  const due = (seconds: number) => new Date(Math.max(at.getTime(), p.now.getTime() - 86_400_000) + seconds * 1000);
  const priority = priorityOf({
    channel: interaction.channel,
    sentiment: p.sentiment,
    followers: p.followers,
    ruleBoost: p.ruleBoost,
  });
  const { rows } = await tx.query<ConversationRow>(
    'select * from conversations where channel = $1 and thread_key = $2 for update',
    [interaction.channel, interaction.threadKey],
  );
  const current = rows[0];
  if (current && current.status !== 'resolved') {
    // The customer wrote again: the next-response clock starts if we had answered.
    // greatest() skips nulls, and keeps the newest when a provider delivers an older message late.
    const { rows: updated } = await tx.query<ConversationRow>(
      `update conversations set next_response_due = case when first_response_at is not null then coalesce(next_response_due, $2) else next_response_due end,
         sentiment = least(sentiment, $3), priority = greatest(priority, $4), last_inbound_at = greatest(last_inbound_at, $5),
         last_inbound_preview = case when $5::timestamptz >= coalesce(last_inbound_at, $5::timestamptz) then $6 else last_inbound_preview end,
         version = version + 1, updated_at = now()
       where id = $1 returning *`,
      [current.id, due(p.sla.next_response_seconds), p.sentiment, priority, inboundAt, preview],
    );
    return { conversation: updated[0]!, created: false, reopened: false, claim: null };
  }

  const sticky = stickyAgent(author, p);
  const id = current?.id ?? crypto.randomUUID();
  const firstResponseDue = due(p.sla.first_response_seconds);
  // Routed before the row is written, so it is written once, already with its agent.
  const claim =
    (await p.config.claim?.(tx, {
      conversationId: id,
      channel: interaction.channel,
      requiredSkills: current?.skills ?? p.skills,
      priority,
      slaDueAt: firstResponseDue.getTime(),
      enqueuedAt: p.now.getTime(),
      ...(sticky ? { stickyAgentId: sticky.agentId, stickyUntil: sticky.until.getTime() } : {}),
    })) ?? null;
  const assignee = claim?.agent.id ?? null;
  // A conversation someone took no longer waits for its sticky agent.
  const stickyUntil = claim ? null : (sticky?.until ?? null);
  if (current) {
    const { rows: reopened } = await tx.query<ConversationRow>(
      `update conversations set status = $9, assigned_agent_id = $10, resolved_at = null, queued_at = $2,
         first_response_due = $3, first_response_at = null, next_response_due = null, resolution_due = $4,
         sticky_agent_id = $5, sticky_until = $6, priority = $7, sentiment = $8, last_inbound_at = greatest(last_inbound_at, $11),
         last_inbound_preview = case when $11::timestamptz >= coalesce(last_inbound_at, $11::timestamptz) then $12 else last_inbound_preview end,
         version = version + 1, updated_at = now()
       where id = $1 returning *`,
      [
        current.id,
        p.now,
        firstResponseDue,
        due(p.sla.resolution_seconds),
        sticky?.agentId ?? null,
        stickyUntil,
        priority,
        p.sentiment,
        claim?.status ?? 'reopened',
        assignee,
        inboundAt,
        preview,
      ],
    );
    return { conversation: reopened[0]!, created: false, reopened: true, claim };
  }
  const { rows: created } = await tx.query<ConversationRow>(
    `insert into conversations (id, customer_id, channel, thread_key, subject, status, skills, priority, sentiment, reach, language,
       sticky_agent_id, sticky_until, first_response_due, resolution_due, queued_at, created_at, assigned_agent_id, last_inbound_at, last_inbound_preview)
     values ($1, $2, $3, $4, $5, $17, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $18, $19, $20) returning *`,
    [
      id,
      author.identity.customer_id,
      interaction.channel,
      interaction.threadKey,
      interaction.subject ?? null,
      p.skills,
      priority,
      p.sentiment,
      p.followers,
      p.language,
      sticky?.agentId ?? null,
      stickyUntil,
      firstResponseDue,
      due(p.sla.resolution_seconds),
      p.now,
      at,
      claim?.status ?? 'queued',
      assignee,
      inboundAt,
      preview,
    ],
  );
  return { conversation: created[0]!, created: true, reopened: false, claim };
}

/** The customer's last agent, if they spoke within the sticky window: prefer them, for a bounded wait. */
function stickyAgent(author: Author, p: OpenParams): { agentId: string; until: Date } | null {
  if (!author.lastAgentId || !author.lastAgentAt) return null;
  if (p.now.getTime() - author.lastAgentAt.getTime() > p.config.stickyWindowMs) return null;
  return { agentId: author.lastAgentId, until: new Date(p.now.getTime() + p.config.stickyWaitMs) };
}

/**
 * Suggests, never merges: an email or phone mentioned in the message that belongs to another
 * customer, or another customer with the same name, becomes a suggestion with its evidence.
 * Returns how many suggestions were made or extended.
 */
async function suggestLinks(
  tx: Queryable,
  identity: IdentityRow,
  interaction: Interaction,
  messageId: string,
): Promise<number> {
  const mentions = extractContactMentions(interaction.text);
  const candidates: { customerId: string; evidence: Record<string, unknown> }[] = [];
  for (const [kind, values] of [
    ['email', mentions.emails],
    ['phone', mentions.phones],
  ] as const) {
    for (const value of values) {
      const { rows } = await tx.query<{ customer_id: string }>(
        'select customer_id from identities where kind = $1 and value = $2',
        [kind, value],
      );
      if (rows[0] && rows[0].customer_id !== identity.customer_id) {
        candidates.push({ customerId: rows[0].customer_id, evidence: { type: `mentioned_${kind}`, value, messageId } });
      }
    }
  }
  const name = interaction.author.displayName?.trim();
  if (name && name.split(/\s+/).length >= 2) {
    const { rows } = await tx.query<{ id: string }>(
      'select id from customers where lower(display_name) = lower($1) and id <> $2 and merged_into is null limit 3',
      [name, identity.customer_id],
    );
    for (const r of rows)
      candidates.push({ customerId: r.id, evidence: { type: 'same_name', value: name, handle: identity.value } });
  }
  for (const c of candidates) {
    await tx.query(
      `insert into identity_suggestions (id, customer_id, other_customer_id, evidence) values ($1, $2, $3, $4)
       on conflict (customer_id, other_customer_id) do update set evidence = identity_suggestions.evidence || excluded.evidence
       where identity_suggestions.status = 'pending'`,
      [crypto.randomUUID(), identity.customer_id, c.customerId, JSON.stringify([c.evidence])],
    );
  }
  return candidates.length;
}

async function recordAlert(
  tx: Queryable,
  changes: ChangeWriter,
  message: string,
  conversationId: string | null,
  ruleId: string | null,
  now: Date,
) {
  const id = crypto.randomUUID();
  await tx.query(
    'insert into alerts (id, kind, conversation_id, rule_id, message, created_at) values ($1, $2, $3, $4, $5, $6)',
    [id, 'listening', conversationId, ruleId, message, now],
  );
  changes.append(
    'alert',
    id,
    { id, kind: 'listening', conversationId, ruleId, message, createdAt: now.toISOString() },
    { leads: true },
  );
}
