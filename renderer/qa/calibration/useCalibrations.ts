import { useLiveQuery } from 'dexie-react-hooks';
import { CHANNEL_LABELS } from '../../inbox/channels';
import {
  AgentSchema,
  ConversationSchema,
  CustomerSchema,
  parseRow,
  parseRows,
  timeOf,
  type Conversation,
  type Message,
} from '../../conversation/rows';
import { loadMessages } from '../../conversation/Transcript';
import type { SyncDb } from '../../sync/db';
import {
  CalibrationRowSchema,
  ReviewRowSchema,
  ScorecardVersionRowSchema,
  scorecardRowId,
  type CalibrationRow,
  type ReviewRow,
  type ScorecardVersionRow,
} from '../rows';
import { splitCriteria } from '../review/reviewRules';

/** One calibration as the tab shows it, with what of it the mirror holds. */
export interface CalibrationView {
  calibration: CalibrationRow;
  conversation: Conversation | null;
  /** "Jordan Miles · X post", or the conversation id when it is not mirrored here. */
  title: string;
  card: ScorecardVersionRow | null;
  /** The signed-in lead's own review in it (draft or submitted). */
  mine: ReviewRow | null;
  /** The submitted reviews this lead can see, by reviewer: theirs, and once they submitted everyone's. */
  submitted: Map<string, ReviewRow>;
  /** Ids of the criteria that do not apply to the conversation (its channel, its kinds of message). */
  notApplicable: Set<string>;
}

export interface CalibrationBoard {
  calibrations: CalibrationView[];
  /** Agent id → name, for participants and the creator. */
  names: Map<string, string>;
}

const newestFirst = (a: CalibrationRow, b: CalibrationRow) =>
  // An optimistic row has no createdAt yet: it is the newest.
  (timeOf(b.createdAt) ?? Infinity) - (timeOf(a.createdAt) ?? Infinity);

export function conversationTitle(conversation: Conversation | null, customerName: string | null, id: string): string {
  if (!conversation) return `Conversation ${id}`;
  return `${customerName || 'Unknown customer'} · ${CHANNEL_LABELS[conversation.channel]}`;
}

/** The calibrations this lead started or takes part in, open ones first, newest first; live. */
export function useCalibrations(db: SyncDb, leadId: string): CalibrationBoard | undefined {
  return useLiveQuery(async (): Promise<CalibrationBoard> => {
    const calibrations = parseRows(CalibrationRowSchema, await db.calibrations.toArray())
      .filter((c) => c.createdBy === leadId || c.participants.includes(leadId))
      .sort((a, b) => (a.status === b.status ? newestFirst(a, b) : a.status === 'open' ? -1 : 1));
    const conversationIds = [...new Set(calibrations.map((c) => c.conversationId))];
    const conversations = new Map(
      parseRows(ConversationSchema, await db.conversations.bulkGet(conversationIds)).map((c) => [c.id, c]),
    );
    const customerIds = [...conversations.values()].flatMap((c) => (c.customerId ? [c.customerId] : []));
    const customers = new Map(
      parseRows(CustomerSchema, await db.customers.bulkGet(customerIds)).map((c) => [c.id, c.displayName]),
    );
    const cards = await db.scorecards.bulkGet(
      calibrations.map((c) => scorecardRowId(c.scorecardId, c.scorecardVersion)),
    );
    const reviews = parseRows(
      ReviewRowSchema,
      await db.reviews.where('conversationId').anyOf(conversationIds).toArray(),
    ).filter((r) => r.calibrationId !== null);
    const messages = new Map<string, Message[]>();
    for (const id of conversationIds) {
      messages.set(id, await loadMessages(db, id));
    }
    const names = new Map(parseRows(AgentSchema, await db.agents.toArray()).map((a) => [a.id, a.name || a.id]));

    const views = calibrations.map((calibration, i): CalibrationView => {
      const own = reviews.filter((r) => r.calibrationId === calibration.id);
      const submitted = new Map<string, ReviewRow>();
      for (const review of own) {
        if (review.status === 'submitted' && calibration.participants.includes(review.reviewerId))
          submitted.set(review.reviewerId, review);
      }
      const conversation = conversations.get(calibration.conversationId) ?? null;
      const card = parseRow(ScorecardVersionRowSchema, cards[i]);
      // Without the conversation here, every criterion is shown as applying.
      const notApplicable =
        card && conversation
          ? splitCriteria(card, conversation.channel, messages.get(conversation.id) ?? []).notApplicable
          : [];
      return {
        calibration,
        conversation,
        title: conversationTitle(
          conversation,
          conversation?.customerId ? (customers.get(conversation.customerId) ?? null) : null,
          calibration.conversationId,
        ),
        card,
        mine: submitted.get(leadId) ?? own.find((r) => r.reviewerId === leadId) ?? null,
        submitted,
        notApplicable: new Set(notApplicable.map((c) => c.id)),
      };
    });
    return { calibrations: views, names };
  }, [db, leadId]);
}
