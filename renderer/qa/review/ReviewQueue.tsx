import { useLiveQuery } from 'dexie-react-hooks';
import { useMemo, useState } from 'react';
import { displayScore } from '../../../shared/qa/score';
import { AgentSchema, ConversationSchema, CustomerSchema, parseRows, type Conversation } from '../../conversation/rows';
import { formatWhen } from '../../conversation/words';
import { CHANNEL_LABELS } from '../../inbox/channels';
import type { ReviewTarget } from '../../store/qaSlice';
import { useAppStore } from '../../store/store';
import { useSync } from '../../sync/ui/syncContext';
import {
  AssignmentRowSchema,
  ReviewRowSchema,
  ScorecardVersionRowSchema,
  newestVersions,
  type ReviewRow,
  type ScorecardVersionRow,
} from '../rows';
import './review.css';

/** How many resolved conversations the "review another conversation" list offers at once. */
const PICK_LIMIT = 50;

/** One of the lead's own reviews in a list: what it reviewed, its score, and a button that opens it. */
function ReviewItem({
  review,
  testId,
  title,
  meta,
  action,
  onOpen,
}: {
  review: ReviewRow;
  testId: string;
  title: string;
  meta: string;
  action: string;
  onOpen: (target: ReviewTarget) => void;
}) {
  return (
    <li data-testid={testId} data-conversation-id={review.conversationId}>
      <span className="rq-title">{title}</span>
      <span className="rq-meta">{meta}</span>
      <button
        type="button"
        onClick={() =>
          onOpen({
            conversationId: review.conversationId,
            scorecardId: review.scorecardId,
            scorecardVersion: review.scorecardVersion,
            reviewId: review.id,
          })
        }
      >
        {action}
      </button>
    </li>
  );
}

/**
 * The lead's "To review" list: the assignments sampling made for them, their drafts to go on with,
 * what they submitted lately, and any resolved conversation of their team to review by hand.
 */
export function ReviewQueue() {
  const sync = useSync();
  const openReview = useAppStore((s) => s.openReview);
  const [query, setQuery] = useState('');
  const [scorecardId, setScorecardId] = useState('');
  const me = sync?.agentId ?? '';
  const data = useLiveQuery(async () => {
    if (!sync) return null;
    const { db } = sync;
    const [assignments, reviews, cards, conversations, agents] = await Promise.all([
      db.assignments.where('status').equals('open').toArray(),
      db.reviews.where('reviewerId').equals(me).toArray(),
      db.scorecards.toArray(),
      db.conversations.where('status').equals('resolved').toArray(),
      db.agents.toArray(),
    ]);
    const resolved = parseRows(ConversationSchema, conversations);
    // Only the customers of the conversations listed: the query then follows those rows, not every customer.
    const customerIds = [...new Set(resolved.flatMap((c) => (c.customerId ? [c.customerId] : [])))];
    const customers = parseRows(CustomerSchema, (await db.customers.bulkGet(customerIds)).filter(Boolean));
    const mine = parseRows(ReviewRowSchema, reviews).filter((r) => r.reviewerId === me && !r.calibrationId);
    return {
      assignments: parseRows(AssignmentRowSchema, assignments).filter((a) => a.leadId === me),
      // Submitted here, maybe offline: the assignment is done even before the server says so.
      submittedHere: new Set(mine.filter((r) => r.status === 'submitted').map((r) => r.conversationId)),
      reviews: mine,
      newest: newestVersions(parseRows(ScorecardVersionRowSchema, cards)),
      resolved,
      customers: new Map(customers.map((c) => [c.id, c.displayName])),
      agents: new Map(parseRows(AgentSchema, agents).map((a) => [a.id, a.name])),
    };
  }, [sync, me]);

  const cards = useMemo(() => [...(data?.newest.values() ?? [])], [data?.newest]);
  const chosenCard = data?.newest.get(scorecardId) ?? cards[0] ?? null;

  if (!sync) return <p>Sign in to review conversations.</p>;
  if (!data) return <p>Loading…</p>;

  const title = (c: Conversation | undefined, fallbackId: string) => {
    if (!c) return `Conversation ${fallbackId.slice(0, 8)} (not on this computer yet)`;
    const customer = (c.customerId && data.customers.get(c.customerId)) || 'Customer';
    return `${customer} · ${CHANNEL_LABELS[c.channel]}${c.subject ? ` · ${c.subject}` : ''}`;
  };
  const byId = new Map(data.resolved.map((c) => [c.id, c]));
  const start = (conversationId: string, card: ScorecardVersionRow | null | undefined) => {
    if (!card) return;
    openReview({ conversationId, scorecardId: card.scorecardId, scorecardVersion: card.version });
  };
  const drafts = data.reviews.filter((r) => r.status === 'draft');
  const assignments = data.assignments.filter((a) => !data.submittedHere.has(a.conversationId));
  const submitted = data.reviews
    .filter((r) => r.status === 'submitted')
    .sort((a, b) => (b.submittedAt ?? '').localeCompare(a.submittedAt ?? ''))
    .slice(0, 20);
  const reviewed = new Set(data.reviews.map((r) => r.conversationId));
  const needle = query.trim().toLowerCase();
  const pickable = data.resolved
    .filter((c) => c.assignedAgentId && c.assignedAgentId !== me)
    .filter((c) => !needle || title(c, c.id).toLowerCase().includes(needle))
    .sort((a, b) => (b.resolvedAt ?? '').localeCompare(a.resolvedAt ?? ''))
    .slice(0, PICK_LIMIT);

  return (
    <div className="review-queue" data-testid="review-queue">
      <h2>To review</h2>
      {cards.length === 0 && (
        <p className="notice">No scorecard is published yet. Publish one under “Scorecards and sampling” first.</p>
      )}
      <h3>Assigned to you</h3>
      {assignments.length === 0 ? (
        <p className="rv-empty">Nothing assigned. Sampling rules assign resolved conversations every ten minutes.</p>
      ) : (
        <ul className="rq-list">
          {assignments.map((a) => (
            <li key={a.id} data-testid="assignment" data-conversation-id={a.conversationId}>
              <span className="rq-title">{title(byId.get(a.conversationId), a.conversationId)}</span>
              <span className="rq-meta">
                {a.reason} · agent {data.agents.get(a.agentId) ?? a.agentId}
              </span>
              <button
                type="button"
                disabled={!data.newest.get(a.scorecardId)}
                onClick={() => start(a.conversationId, data.newest.get(a.scorecardId))}
              >
                Review
              </button>
            </li>
          ))}
        </ul>
      )}
      <h3>Your drafts</h3>
      {drafts.length === 0 ? (
        <p className="rv-empty">No review in progress.</p>
      ) : (
        <ul className="rq-list">
          {drafts.map((r) => (
            <ReviewItem
              key={r.id}
              review={r}
              testId="draft-review"
              title={title(byId.get(r.conversationId), r.conversationId)}
              meta={`Score so far ${displayScore(r.score)}`}
              action="Continue"
              onOpen={openReview}
            />
          ))}
        </ul>
      )}
      <h3>Review a conversation</h3>
      <div className="rq-pick">
        <label>
          Find
          <input
            type="search"
            value={query}
            placeholder="Customer or channel"
            onChange={(e) => setQuery(e.target.value)}
            data-testid="review-search"
          />
        </label>
        <label>
          Scorecard
          <select
            value={chosenCard?.scorecardId ?? ''}
            onChange={(e) => setScorecardId(e.target.value)}
            data-testid="review-scorecard-pick"
          >
            {cards.map((c) => (
              <option key={c.scorecardId} value={c.scorecardId}>
                {c.name} (version {c.version})
              </option>
            ))}
          </select>
        </label>
      </div>
      {pickable.length === 0 ? (
        <p className="rv-empty">No resolved conversation of your team on this computer matches.</p>
      ) : (
        <ul className="rq-list">
          {pickable.map((c) => (
            <li key={c.id} data-testid="reviewable" data-conversation-id={c.id}>
              <span className="rq-title">{title(c, c.id)}</span>
              <span className="rq-meta">
                {data.agents.get(c.assignedAgentId ?? '') ?? 'Agent'} · resolved{' '}
                {c.resolvedAt ? formatWhen(c.resolvedAt) : ''}
                {reviewed.has(c.id) ? ' · reviewed by you' : ''}
              </span>
              <button type="button" disabled={!chosenCard} onClick={() => start(c.id, chosenCard)}>
                {reviewed.has(c.id) ? 'Open your review' : 'Review'}
              </button>
            </li>
          ))}
        </ul>
      )}
      <h3>Submitted lately</h3>
      {submitted.length === 0 ? (
        <p className="rv-empty">Nothing submitted yet.</p>
      ) : (
        <ul className="rq-list">
          {submitted.map((r) => (
            <ReviewItem
              key={r.id}
              review={r}
              testId="submitted-review"
              title={title(byId.get(r.conversationId), r.conversationId)}
              meta={`Score ${displayScore(r.score)}`}
              action="Open"
              onOpen={openReview}
            />
          ))}
        </ul>
      )}
    </div>
  );
}
