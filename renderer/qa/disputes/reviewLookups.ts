import { scoreReview } from '../../../shared/qa/score';
import { criteriaOf, type Criterion, type Rating } from '../../../shared/qa/scorecard';
import { ConversationSchema, CustomerSchema, AgentSchema, parseRow, parseRows } from '../../conversation/rows';
import { formatWhen } from '../../conversation/words';
import { CHANNEL_LABELS } from '../../inbox/channels';
import type { SyncDb } from '../../sync/db';
import { ScorecardVersionRowSchema, scorecardRowId, type ReviewRow, type ScorecardVersionRow } from '../rows';
import { scorecardTitle } from './disputeWords';

/** What a review is about, read from the mirror: its conversation, people's names and its scorecard version. */

export interface ConversationSummary {
  customerName: string;
  channel: string;
  date: string;
}

export interface Lookups {
  /** Agent and lead names by id. */
  names: Map<string, string>;
  conversations: Map<string, ConversationSummary>;
  /** Scorecard versions by `${scorecardId}@${version}`. */
  cards: Map<string, ScorecardVersionRow>;
}

export async function loadLookups(db: SyncDb, conversationIds: readonly string[]): Promise<Lookups> {
  const names = new Map(parseRows(AgentSchema, await db.agents.toArray()).map((a) => [a.id, a.name || a.id]));
  const cards = new Map(parseRows(ScorecardVersionRowSchema, await db.scorecards.toArray()).map((c) => [c.id, c]));
  const ids = [...new Set(conversationIds)];
  const rows = await db.conversations.bulkGet(ids);
  const conversations = parseRows(ConversationSchema, rows.filter(Boolean));
  const customers = await db.customers.bulkGet(conversations.map((c) => c.customerId ?? ''));
  const summaries = new Map<string, ConversationSummary>();
  conversations.forEach((c, i) => {
    const customer = parseRow(CustomerSchema, customers[i]);
    summaries.set(c.id, {
      customerName: customer?.displayName || 'Unknown customer',
      channel: CHANNEL_LABELS[c.channel],
      date: formatWhen(c.createdAt),
    });
  });
  return { names, conversations: summaries, cards };
}

export const nameOf = (lookups: Lookups, id: string): string => lookups.names.get(id) ?? id;

/** "Jordan Miles · X post · 20 Nov 2026, 10:00", or a plain sentence when the conversation is not here. */
export function conversationTitle(lookups: Lookups, conversationId: string): string {
  const c = lookups.conversations.get(conversationId);
  if (!c) return 'A conversation not on this computer';
  return [c.customerName, c.channel, c.date].filter(Boolean).join(' · ');
}

export function cardOf(lookups: Lookups, review: Pick<ReviewRow, 'scorecardId' | 'scorecardVersion'>) {
  return lookups.cards.get(scorecardRowId(review.scorecardId, review.scorecardVersion)) ?? null;
}

export function cardTitle(lookups: Lookups, review: Pick<ReviewRow, 'scorecardId' | 'scorecardVersion'>): string {
  return scorecardTitle(cardOf(lookups, review)?.name || null, review.scorecardVersion);
}

export function criterionOf(card: ScorecardVersionRow | null, criterionId: string): Criterion | null {
  return card ? (criteriaOf(card).find((c) => c.id === criterionId) ?? null) : null;
}

/** The review's score if one criterion's rating changed (the server's one formula); null when it cannot tell. */
export function scoreWith(
  card: ScorecardVersionRow | null,
  ratings: Readonly<Record<string, Rating>>,
  criterionId: string,
  rating: Rating,
): number | null {
  if (!card) return null;
  try {
    return scoreReview(card, { ...ratings, [criterionId]: rating }).score;
  } catch {
    // A rating from a newer scorecard than this computer holds: no preview rather than a wrong one.
    return null;
  }
}
