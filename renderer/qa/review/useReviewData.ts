import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useState } from 'react';
import { z } from 'zod';
import { decideAutoChecks, type AutoCheckResult, type ConversationFacts } from '../../../shared/qa/autoChecks';
import { AutoCheckSchema, RatingSchema, criteriaOf } from '../../../shared/qa/scorecard';
import {
  AgentSchema,
  ConversationSchema,
  CustomerSchema,
  TemplateSchema,
  parseRow,
  parseRows,
  type Conversation,
  type Message,
} from '../../conversation/rows';
import { loadMessages } from '../../conversation/Transcript';
import type { ReviewTarget } from '../../store/qaSlice';
import type { SyncDb } from '../../sync/db';
import { qaRequest, type ApiSession } from '../qaApi';
import {
  ReviewRowSchema,
  ScorecardVersionRowSchema,
  scorecardRowId,
  type ReviewRow,
  type ScorecardVersionRow,
} from '../rows';

export interface ReviewData {
  card: ScorecardVersionRow | null;
  conversation: Conversation | null;
  customerName: string;
  messages: Message[];
  agentNames: Map<string, string>;
  /** The review being scored or read: the target's, or the lead's own draft of this conversation. */
  review: ReviewRow | null;
}

/**
 * Everything the review workspace shows, read live from the mirror: the scorecard version (the
 * review's own once it exists, so a review always shows the version it was scored with), the
 * conversation and its whole transcript, names, and the review with the lead's pending changes.
 */
export function useReviewData(db: SyncDb, me: string, target: ReviewTarget): ReviewData | undefined {
  return useLiveQuery(async () => {
    const review = await findReview(db, me, target);
    const version = review?.scorecardVersion ?? target.scorecardVersion;
    const scorecardId = review?.scorecardId ?? target.scorecardId;
    const card = parseRow(ScorecardVersionRowSchema, await db.scorecards.get(scorecardRowId(scorecardId, version)));
    const conversation = parseRow(ConversationSchema, await db.conversations.get(target.conversationId));
    const customer = conversation?.customerId
      ? parseRow(CustomerSchema, await db.customers.get(conversation.customerId))
      : null;
    const messages = await loadMessages(db, target.conversationId);
    // Call turns stamped in the same instant keep the call's order: by their offset in the call.
    const offset = (m: Message) => {
      const start = (m as Record<string, unknown>).startMs;
      return typeof start === 'number' ? start : 0;
    };
    messages.sort((a, b) => (a.createdAt ?? '').localeCompare(b.createdAt ?? '') || offset(a) - offset(b));
    const agents = parseRows(AgentSchema, await db.agents.toArray());
    return {
      card,
      conversation,
      customerName: customer?.displayName ?? '',
      messages,
      agentNames: new Map(agents.map((a) => [a.id, a.name])),
      review,
    };
  }, [
    db,
    me,
    target.conversationId,
    target.reviewId,
    target.calibrationId,
    target.scorecardId,
    target.scorecardVersion,
  ]);
}

async function findReview(db: SyncDb, me: string, target: ReviewTarget): Promise<ReviewRow | null> {
  if (target.reviewId) return parseRow(ReviewRowSchema, await db.reviews.get(target.reviewId));
  // Going on with the lead's own review of this conversation (in this calibration, or outside any).
  const rows = parseRows(
    ReviewRowSchema,
    await db.reviews.where('conversationId').equals(target.conversationId).toArray(),
  );
  const mine = rows.filter((r) => r.reviewerId === me && (r.calibrationId ?? undefined) === target.calibrationId);
  return mine.find((r) => r.status === 'draft') ?? mine[0] ?? null;
}

const AutoChecksResponseSchema = z.object({
  checks: z.array(
    z.object({
      criterionId: z.string(),
      check: AutoCheckSchema,
      rating: RatingSchema.nullable(),
      verdict: z.enum(['yes', 'no', 'na']),
      evidence: z.string(),
      messageIds: z.array(z.string()),
    }),
  ),
});

export interface AutoChecks {
  results: AutoCheckResult[];
  /** Where they came from: the server (every check), or this screen while offline (no spelling). */
  source: 'server' | 'local' | 'none';
  note: string | null;
}

/**
 * The automatic criteria of the scorecard version, decided on the server when it answers; offline,
 * the checks that need nothing but the conversation and the approved answers run here (the same
 * pure functions the server runs), and spelling waits for the server's dictionary.
 */
export function useAutoChecks(
  db: SyncDb,
  session: ApiSession | null,
  card: ScorecardVersionRow | null,
  conversation: Conversation | null,
  messages: readonly Message[],
  enabled: boolean,
): AutoChecks {
  const [server, setServer] = useState<AutoCheckResult[] | null>(null);
  const [offline, setOffline] = useState(false);
  const templates = useLiveQuery(async () => parseRows(TemplateSchema, await db.templates.toArray()), [db]);
  const cardId = card?.id;
  const conversationId = conversation?.id;

  useEffect(() => {
    if (!enabled || !session || !card || !conversationId) return;
    let live = true;
    const path = `/api/qa/conversations/${encodeURIComponent(conversationId)}/auto-checks?scorecardId=${encodeURIComponent(card.scorecardId)}&version=${card.version}`;
    void qaRequest(session, path, AutoChecksResponseSchema).then((result) => {
      if (!live) return;
      if (result.ok) setServer(result.data.checks);
      else setOffline(true);
    });
    return () => {
      live = false;
    };
    // The card's id names its version: a new object for the same version asks nothing new.
  }, [enabled, session?.serverUrl, session?.token, cardId, conversationId]);

  if (!card || !conversation) return { results: [], source: 'none', note: null };
  if (server) return { results: server, source: 'server', note: null };
  if (!enabled || !offline) return { results: [], source: 'none', note: null };
  const facts: ConversationFacts = {
    channel: conversation.channel,
    firstResponseDue: conversation.firstResponseDue,
    firstResponseAt: conversation.firstResponseAt,
    messages,
  };
  const results = decideAutoChecks(card, facts, {
    now: new Date(),
    templates: new Map((templates ?? []).map((t) => [t.id, t])),
  });
  const spelling = criteriaOf(card).some((c) => c.auto === 'spelling');
  return {
    results,
    source: 'local',
    note: spelling ? 'Offline: spelling is checked by the server once you are back online.' : null,
  };
}
