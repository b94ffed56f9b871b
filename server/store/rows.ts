import type { Capacity, Channel, ConversationStatus, Presence, Role, Skills } from '../../shared/domain';

/** Database rows as the adapters return them, and their wire shapes in the change log. */

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export interface ConversationRow {
  id: string;
  customer_id: string;
  channel: Channel;
  thread_key: string;
  subject: string | null;
  status: ConversationStatus;
  skills: string[];
  priority: number;
  sentiment: number;
  reach: number;
  language: string;
  assigned_agent_id: string | null;
  sticky_agent_id: string | null;
  sticky_until: Date | null;
  version: number;
  first_response_due: Date | null;
  next_response_due: Date | null;
  resolution_due: Date | null;
  first_response_at: Date | null;
  /** When the customer last wrote (inbound messages only): the UI's "unread" is read from it. */
  last_inbound_at: Date | null;
  last_inbound_preview: string | null;
  sla_breaches: string[];
  alerts: string[];
  disconnect_requeue_at: Date | null;
  queued_at: Date | null;
  created_at: Date;
  updated_at: Date;
  resolved_at: Date | null;
}

export function conversationData(row: ConversationRow) {
  return {
    id: row.id,
    customerId: row.customer_id,
    channel: row.channel,
    threadKey: row.thread_key,
    subject: row.subject,
    status: row.status,
    skills: row.skills,
    priority: row.priority,
    sentiment: row.sentiment,
    reach: row.reach,
    language: row.language,
    assignedAgentId: row.assigned_agent_id,
    stickyAgentId: row.sticky_agent_id,
    version: row.version,
    firstResponseDue: iso(row.first_response_due),
    nextResponseDue: iso(row.next_response_due),
    resolutionDue: iso(row.resolution_due),
    firstResponseAt: iso(row.first_response_at),
    lastInboundAt: iso(row.last_inbound_at),
    preview: row.last_inbound_preview,
    slaBreaches: row.sla_breaches,
    alerts: row.alerts,
    queuedAt: iso(row.queued_at),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    resolvedAt: iso(row.resolved_at),
  };
}

export interface MessageRow {
  id: string;
  conversation_id: string;
  direction: 'inbound' | 'outbound' | 'note' | 'transcript';
  visibility: 'public' | 'private';
  author_agent_id: string | null;
  author_identity_id: string | null;
  speaker: string | null;
  body: string;
  template_id: string | null;
  sentiment: number | null;
  created_at: Date;
  /** The channel a reply went out on when not the conversation's own (`email`). */
  via: string | null;
  provider: string | null;
  provider_message_id: string | null;
  /** Provider facts a reply needs (ids), from the interaction's meta. */
  meta: Record<string, unknown> | null;
  /** A reply's way out to the provider: pending, sent or failed (null: not sent out). */
  delivery_status: 'pending' | 'sent' | 'failed' | null;
  delivery_error: string | null;
}

export function messageData(row: MessageRow) {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    direction: row.direction,
    visibility: row.visibility,
    authorAgentId: row.author_agent_id,
    authorIdentityId: row.author_identity_id,
    speaker: row.speaker,
    body: row.body,
    templateId: row.template_id,
    sentiment: row.sentiment,
    createdAt: iso(row.created_at),
    via: row.via,
    delivery: row.delivery_status,
    deliveryError: row.delivery_error,
    /** Files that came with an email: listed and downloaded online (GET /api/messages/:id/attachments). */
    attachmentCount: typeof row.meta?.attachmentCount === 'number' ? row.meta.attachmentCount : 0,
    /** A call transcript segment's place in the call (ms from the answer): what QA time spans point into. */
    ...(typeof row.meta?.startMs === 'number' && typeof row.meta.endMs === 'number'
      ? { startMs: row.meta.startMs, endMs: row.meta.endMs }
      : {}),
  };
}

export interface CustomerRow {
  id: string;
  display_name: string;
  profile: Record<string, unknown>;
  last_agent_id: string | null;
  last_agent_at: Date | null;
  merged_into: string | null;
}

export function customerData(row: CustomerRow) {
  return {
    id: row.id,
    displayName: row.display_name,
    profile: row.profile,
    lastAgentId: row.last_agent_id,
    mergedInto: row.merged_into,
  };
}

export interface IdentityRow {
  id: string;
  customer_id: string;
  kind: string;
  value: string;
  display_name: string | null;
  followers: number | null;
  evidence: unknown[];
}

export function identityData(row: IdentityRow) {
  return {
    id: row.id,
    customerId: row.customer_id,
    kind: row.kind,
    value: row.value,
    displayName: row.display_name,
    followers: row.followers,
    evidence: row.evidence,
  };
}

export interface SuggestionRow {
  id: string;
  customer_id: string;
  other_customer_id: string;
  evidence: unknown[];
  status: 'pending' | 'confirmed' | 'refused';
  decided_by: string | null;
}

export function suggestionData(row: SuggestionRow) {
  return {
    id: row.id,
    customerId: row.customer_id,
    otherCustomerId: row.other_customer_id,
    evidence: row.evidence,
    status: row.status,
    decidedBy: row.decided_by,
  };
}

export interface AgentRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  team_id: string | null;
  password_hash: string;
  skills: Skills;
  capacity: Capacity;
  presence: Presence;
  presence_changed_at: Date;
  idle_since: Date;
}

export function agentData(row: AgentRow) {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    role: row.role,
    teamId: row.team_id,
    skills: row.skills,
    capacity: row.capacity,
    presence: row.presence,
    presenceChangedAt: iso(row.presence_changed_at),
  };
}

export interface OfferRow {
  id: string;
  conversation_id: string;
  agent_id: string;
  status: 'pending' | 'accepted' | 'declined' | 'expired' | 'withdrawn';
  expires_at: Date;
}

export function offerData(row: OfferRow) {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    agentId: row.agent_id,
    status: row.status,
    expiresAt: iso(row.expires_at),
  };
}
