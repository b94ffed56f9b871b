import { ChannelSchema, type Channel } from '../../shared/domain';
import type { NotificationRequest } from '../../shared/ipc';
import { slaClock, warnFrom, type SlaClock, type SlaTargets } from '../inbox/slaClock';
import type { MirrorRow } from '../sync/db';

/**
 * What needs the agent's attention, decided from two looks at their work (before and now): the
 * count the badge shows and the OS notifications to raise. Pure: the hook feeds it the mirror.
 */

export interface AttentionOffer {
  offerId: string;
  conversationId: string;
  /** Epoch ms; null when the mirror row has no readable expiry (treated as still ringing). */
  expiresAt: number | null;
}

export interface AttentionConversation {
  id: string;
  channel: Channel | null;
  status: string;
  /** Bumped by the server on every change: a conversation assigned again is a new assignment. */
  version: number;
  customerName: string;
  subject: string;
  sla: SlaTargets;
  createdAt: number | undefined;
  /** A customer message newer than the agent's read mark on this computer. */
  unread: boolean;
}

/** The agent's work at one moment: their pending offers and their open conversations. */
export interface AttentionSnapshot {
  at: number;
  offers: AttentionOffer[];
  conversations: AttentionConversation[];
}

export type AttentionKind = 'offer' | 'assigned' | 'sla_warning' | 'sla_breached';

export interface AttentionNotice extends NotificationRequest {
  kind: AttentionKind | 'summary';
  conversationId: string | null;
}

export interface AttentionDecision {
  /** Pending offers plus unread conversations: what the badge, tray and tab title show. */
  badge: number;
  notices: AttentionNotice[];
  /** Keys to remember so that nothing is notified twice (including what was there at the start). */
  remember: string[];
}

/** More than this at once (a catch-up after being offline) and the rest become one summary. */
export const MAX_NOTICES = 3;

/** Conversations that are the agent's work; resolved ones (and requeued ones) are not. */
const OPEN_STATUSES = new Set(['offered', 'assigned', 'wrap_up', 'reopened']);
const NOTIFY_ASSIGNED = new Set(['assigned', 'reopened']);

const CHANNEL_NAMES: Record<Channel, string> = {
  x_public: 'X',
  x_dm: 'X DM',
  facebook: 'Facebook',
  messenger: 'Messenger',
  email: 'email',
  voice: 'phone',
  chat: 'web chat',
};

const TARGET_NAMES: Record<NonNullable<SlaClock['target']>, string> = {
  first_response: 'first response',
  next_response: 'reply',
  resolution: 'resolution',
};

const KIND_ORDER: Record<AttentionKind, number> = { offer: 0, sla_breached: 1, sla_warning: 2, assigned: 3 };

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]+/g;

/**
 * Customer text on its way to the OS: one line, no control or direction-override characters (a
 * name must not reorder the text around it), at most `max` characters.
 */
export function plainText(text: string, max: number): string {
  const flat = text.replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat;
}

/** The OS tag of a notice: one per conversation and kind, so a newer one replaces the older. */
export function noticeTag(conversationId: string, kind: AttentionKind): string {
  return `${conversationId.replace(/[^\w.-]/g, '_').slice(0, 120)}:${kind}`;
}

/** The conversation a clicked notification was about, or null for the summary. */
export function conversationOfTag(tag: string, conversations: readonly AttentionConversation[] = []): string | null {
  const at = tag.lastIndexOf(':');
  const kind = tag.slice(at + 1);
  if (at <= 0 || !Object.hasOwn(KIND_ORDER, kind)) return null;
  const known = conversations.find((c) => noticeTag(c.id, kind as AttentionKind) === tag);
  return known?.id ?? tag.slice(0, at);
}

const live = (offer: AttentionOffer, at: number) => offer.expiresAt === null || offer.expiresAt > at;

const channelName = (c: AttentionConversation | undefined) => (c?.channel ? CHANNEL_NAMES[c.channel] : null);

const capitalized = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function fromLine(c: AttentionConversation | undefined): string {
  const name = plainText(c?.customerName ?? '', 60) || 'a customer';
  const subject = plainText(c?.subject ?? '', 300);
  return plainText(subject ? `From ${name}: ${subject}` : `From ${name}`, 400);
}

function offerNotice(offer: AttentionOffer, c: AttentionConversation | undefined): AttentionNotice {
  const base = {
    kind: 'offer' as const,
    conversationId: offer.conversationId,
    tag: noticeTag(offer.conversationId, 'offer'),
  };
  if (c?.channel === 'voice') {
    const name = plainText(c.customerName, 80) || 'an unknown caller';
    return {
      ...base,
      title: plainText(`Incoming call from ${name}`, 120),
      body: plainText(c.subject, 300) || 'Answer it in Switchboard before it rings out.',
    };
  }
  const channel = channelName(c);
  return { ...base, title: channel ? `New ${channel} conversation` : 'New conversation', body: fromLine(c) };
}

function assignedNotice(c: AttentionConversation): AttentionNotice {
  const channel = channelName(c);
  const what = channel ? `${channel} conversation` : 'conversation';
  return {
    kind: 'assigned',
    conversationId: c.id,
    tag: noticeTag(c.id, 'assigned'),
    title: c.status === 'reopened' ? `${capitalized(what)} reopened` : `New ${what}`,
    body: fromLine(c),
  };
}

function slaNotice(c: AttentionConversation, clock: SlaClock): AttentionNotice {
  const kind = clock.state === 'breached' ? 'sla_breached' : 'sla_warning';
  const target = clock.target ? TARGET_NAMES[clock.target] : 'response';
  return {
    kind,
    conversationId: c.id,
    tag: noticeTag(c.id, kind),
    title: kind === 'sla_breached' ? `SLA breached: ${target} overdue` : `SLA warning: ${target} due in ${clock.label}`,
    body: fromLine(c),
  };
}

const clockOf = (c: AttentionConversation, at: number) => slaClock(c.sla, at, c.createdAt);

function dueAt(clock: SlaClock, at: number): number | null {
  return clock.remainingMs === null ? null : at + clock.remainingMs;
}

/**
 * The badge count and the notices to raise between `previous` and `current`. `previous` null is
 * the first look: what is already there is the baseline (remembered, not announced), except an
 * offer, which is still ringing. Keys in `notified` were handled before and never notify again.
 */
export function decideAttention(
  previous: AttentionSnapshot | null,
  current: AttentionSnapshot,
  notified: ReadonlySet<string>,
): AttentionDecision {
  const notices: AttentionNotice[] = [];
  const remember: string[] = [];
  const byId = new Map(current.conversations.map((c) => [c.id, c]));
  const before = new Map(previous?.conversations.map((c) => [c.id, c]) ?? []);
  const offerBefore = new Set(previous?.offers.map((o) => o.offerId) ?? []);
  const offered = new Set<string>([...current.offers, ...(previous?.offers ?? [])].map((o) => o.conversationId));
  const raise = (key: string, notice: AttentionNotice) => {
    remember.push(key);
    if (!notified.has(key)) notices.push(notice);
  };

  const liveOffers = current.offers.filter((o) => live(o, current.at));
  for (const offer of liveOffers) {
    if (offerBefore.has(offer.offerId)) continue;
    raise(`offer:${offer.offerId}`, offerNotice(offer, byId.get(offer.conversationId)));
  }

  for (const c of current.conversations) {
    const assignedKey = `assigned:${c.id}:${c.version}`;
    if (!previous || before.has(c.id) || !NOTIFY_ASSIGNED.has(c.status) || offered.has(c.id)) {
      remember.push(assignedKey);
    } else {
      raise(assignedKey, assignedNotice(c));
    }

    const clock = clockOf(c, current.at);
    if (clock.state !== 'warning' && clock.state !== 'breached') continue;
    const kind: AttentionKind = clock.state === 'breached' ? 'sla_breached' : 'sla_warning';
    const key = slaKeyOf(kind, c, clock, current.at);
    const was = before.get(c.id);
    const wasState = was && previous ? clockOf(was, previous.at).state : null;
    // Only a change seen happening: a conversation that arrives late is announced as assigned.
    const entered =
      wasState !== null &&
      (kind === 'sla_breached' ? wasState !== 'breached' : wasState === 'ok' || wasState === 'none');
    if (entered) raise(key, slaNotice(c, clock));
    else remember.push(key);
  }

  const unread = current.conversations.filter((c) => c.unread && !liveOffers.some((o) => o.conversationId === c.id));
  return { badge: liveOffers.length + unread.length, notices: collapse(notices), remember };
}

/** Keyed by the deadline itself (not the time left), so the same warning has the same key each look. */
function slaKeyOf(kind: AttentionKind, c: AttentionConversation, clock: SlaClock, at: number): string {
  return `${kind}:${c.id}:${clock.target}:${dueAt(clock, at)}`;
}

/** The most urgent first; past MAX_NOTICES, one summary instead of a flood. */
function collapse(notices: AttentionNotice[]): AttentionNotice[] {
  const sorted = [...notices].sort((a, b) => KIND_ORDER[a.kind as AttentionKind] - KIND_ORDER[b.kind as AttentionKind]);
  if (sorted.length <= MAX_NOTICES) return sorted;
  const rest = sorted.length - (MAX_NOTICES - 1);
  return [
    ...sorted.slice(0, MAX_NOTICES - 1),
    {
      kind: 'summary',
      conversationId: null,
      tag: 'attention:summary',
      title: `${rest} more updates in Switchboard`,
      body: 'New conversations and SLA warnings are waiting for you.',
    },
  ];
}

/**
 * When the snapshot next changes on its own, without a change in the mirror: an SLA entering its
 * warning or breaching, an offer running out. Null when nothing is pending.
 */
export function nextAttentionChange(snapshot: AttentionSnapshot): number | null {
  const { at } = snapshot;
  let next: number | null = null;
  const consider = (t: number | null) => {
    if (t !== null && t > at && (next === null || t < next)) next = t;
  };
  for (const offer of snapshot.offers) consider(offer.expiresAt);
  for (const c of snapshot.conversations) {
    const clock = clockOf(c, at);
    const due = dueAt(clock, at);
    if (due === null) continue;
    if (clock.state === 'ok') consider(warnFrom(due, c.createdAt));
    // Breached once the time left is below zero, so a millisecond after the deadline.
    if (clock.state === 'ok' || clock.state === 'warning') consider(due + 1);
  }
  return next;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const time = (v: unknown): number | null => {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  const t = typeof v === 'string' ? Date.parse(v) : NaN;
  return Number.isNaN(t) ? null : t;
};

export interface AttentionRows {
  /** The agent's conversations (by the `assignedAgentId` index), any status. */
  conversations: MirrorRow[];
  /** Offers for those conversations, any agent and status. */
  offers: MirrorRow[];
  /** Read marks by conversation id (`readAt`: epoch ms or ISO). */
  reads: ReadonlyMap<string, unknown>;
  /** Customer display names by id. */
  customers: ReadonlyMap<string, unknown>;
}

/** The mirror's rows as one snapshot: open work of this agent, unread against the read marks. */
export function snapshotOf(rows: AttentionRows, agentId: string, at: number): AttentionSnapshot {
  const conversations: AttentionConversation[] = [];
  for (const row of rows.conversations) {
    const status = str(row.status);
    if (row.assignedAgentId !== agentId || !OPEN_STATUSES.has(status)) continue;
    const channel = ChannelSchema.safeParse(row.channel);
    const lastInboundAt = time(row.lastInboundAt);
    const readAt = time(rows.reads.get(row.id));
    conversations.push({
      id: row.id,
      channel: channel.success ? channel.data : null,
      status,
      version: typeof row.version === 'number' ? row.version : 0,
      customerName: str(rows.customers.get(str(row.customerId))),
      subject: str(row.subject),
      sla: {
        firstResponseAt: row.firstResponseAt,
        firstResponseDue: row.firstResponseDue,
        nextResponseDue: row.nextResponseDue,
        resolutionDue: row.resolutionDue,
        resolvedAt: row.resolvedAt,
      },
      createdAt: time(row.createdAt) ?? undefined,
      unread: lastInboundAt !== null && (readAt === null || lastInboundAt > readAt),
    });
  }
  const mine = new Set(conversations.filter((c) => c.status === 'offered').map((c) => c.id));
  const offers = rows.offers.flatMap((row): AttentionOffer[] =>
    row.agentId === agentId && row.status === 'pending' && mine.has(str(row.conversationId))
      ? [{ offerId: row.id, conversationId: str(row.conversationId), expiresAt: time(row.expiresAt) }]
      : [],
  );
  return { at, offers, conversations };
}
