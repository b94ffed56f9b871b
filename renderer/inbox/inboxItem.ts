import { ChannelSchema, ConversationStatusSchema, type Channel, type ConversationStatus } from '../../shared/domain';
import type { MirrorRow } from '../sync/db';
import { warnFrom } from './slaClock';

/**
 * One inbox row, cut down from the mirrored conversation to what the list shows, filters and sorts
 * by. 100,000 of these stay in memory (B7), so times are numbers and nothing else is kept.
 */
export interface InboxItem {
  id: string;
  channel: Channel;
  status: ConversationStatus;
  assignedAgentId: string | null;
  customerId: string;
  subject: string;
  /** The start of the customer's latest message: what a post (which has no subject) shows. */
  preview: string;
  /** Subject and preview in lower case, made once: search reads it for every row on every key. */
  text: string;
  sentiment: number;
  band: SentimentBand;
  priority: number;
  reach: number;
  /** The nearest open SLA target (epoch ms), null without one: what "most urgent first" sorts by. */
  dueAt: number | null;
  /** From when that target shows as a warning (slaClock's rule), null without one. */
  warnAt: number | null;
  /** The SLA targets as slaClock reads them; kept as the mirror's ISO strings (shared, not copied). */
  sla: {
    firstResponseAt: string | null;
    firstResponseDue: string | null;
    nextResponseDue: string | null;
    resolutionDue: string | null;
    resolvedAt: string | null;
  };
  createdAt: number;
  updatedAt: number;
  /** The last customer message (epoch ms): newer than the agent's read mark means unread. */
  lastInboundAt: number | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown, fallback = 0): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
const ms = (v: unknown): number | null => {
  const t = typeof v === 'string' ? Date.parse(v) : NaN;
  return Number.isNaN(t) ? null : t;
};

/**
 * The mirror holds the server's data as it came over the network: a row that does not carry what
 * an inbox row needs (an unknown channel or status from a newer server) is left out, not guessed.
 */
export function toInboxItem(row: MirrorRow): InboxItem | null {
  const channel = ChannelSchema.safeParse(row.channel);
  const status = ConversationStatusSchema.safeParse(row.status);
  const customerId = str(row.customerId);
  if (!channel.success || !status.success || !customerId) return null;
  const sla = {
    firstResponseAt: str(row.firstResponseAt),
    firstResponseDue: str(row.firstResponseDue),
    nextResponseDue: str(row.nextResponseDue),
    resolutionDue: str(row.resolutionDue),
    resolvedAt: str(row.resolvedAt),
  };
  const subject = str(row.subject) ?? '';
  const preview = str(row.preview) ?? '';
  const sentiment = num(row.sentiment);
  const createdAt = ms(row.createdAt) ?? 0;
  const dueAt = nearestDue(sla);
  return {
    id: row.id,
    channel: channel.data,
    status: status.data,
    assignedAgentId: str(row.assignedAgentId),
    customerId,
    subject,
    preview,
    text: `${subject}\n${preview}`.toLowerCase(),
    sentiment,
    band: sentimentBand(sentiment),
    priority: num(row.priority),
    reach: num(row.reach),
    dueAt,
    warnAt: dueAt === null ? null : warnFrom(dueAt, createdAt || undefined),
    sla,
    createdAt,
    updatedAt: ms(row.updatedAt) ?? 0,
    lastInboundAt: ms(row.lastInboundAt),
  };
}

/** Same choice of target as slaClock: the first response until there is one, then the others. */
function nearestDue(sla: InboxItem['sla']): number | null {
  if (sla.resolvedAt) return null;
  const due = [sla.firstResponseAt ? null : ms(sla.firstResponseDue), ms(sla.nextResponseDue), ms(sla.resolutionDue)];
  let best: number | null = null;
  for (const d of due) if (d !== null && (best === null || d < best)) best = d;
  return best;
}

export const SENTIMENT_BANDS = ['negative', 'neutral', 'positive'] as const;
export type SentimentBand = (typeof SENTIMENT_BANDS)[number];

/** The same bands the server labels with (server/enrich/sentiment.ts): ±0.05 around zero is neutral. */
export function sentimentBand(score: number): SentimentBand {
  return score <= -0.05 ? 'negative' : score >= 0.05 ? 'positive' : 'neutral';
}
