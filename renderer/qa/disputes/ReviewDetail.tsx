import { useLiveQuery } from 'dexie-react-hooks';
import { useId, useState } from 'react';
import { displayScore } from '../../../shared/qa/score';
import type { Criterion, Section } from '../../../shared/qa/scorecard';
import { ConversationSchema, parseRow, type Message } from '../../conversation/rows';
import { loadMessages } from '../../conversation/Transcript';
import { formatWhen } from '../../conversation/words';
import { useSync } from '../../sync/ui/syncContext';
import type { DisputeRow, ReviewComment, ReviewRow } from '../rows';
import { ReviewTranscript } from '../review/ReviewTranscript';
import { splitCriteria } from '../review/reviewRules';
import type { DisputeOps } from './disputeOps';
import { DisputeForm } from './DisputeForm';
import { DisputeSteps, RefusedNotice } from './DisputeSteps';
import { firstChars, openedAt, ratingWords, spanWords, STATUS_LABELS } from './disputeWords';
import { cardOf, cardTitle, conversationTitle, nameOf, type Lookups } from './reviewLookups';

const NO_EVIDENCE: ReadonlySet<string> = new Set();

/** What a comment points at, quoted from the transcript this computer holds. */
function anchorWords(anchor: ReviewComment['anchor'], messages: Map<string, Message>): string {
  if (anchor.kind === 'time') return `At ${spanWords(anchor.startMs, anchor.endMs)} of the call`;
  const body = messages.get(anchor.messageId)?.body;
  if (body === undefined) return 'On a message that is not on this computer';
  if (anchor.kind === 'message') return `On the message “${firstChars(body)}”`;
  return `On the words “${body.slice(anchor.start, anchor.end)}”`;
}

/**
 * One of the agent's submitted reviews, read-only: each criterion's rating with its guidance, the
 * lead's feedback and anchored comments, and per criterion the disputes with every step, or a
 * Dispute action when none is open. A criterion that does not apply to the conversation (its
 * channel, its kinds of message) says so and cannot be disputed.
 */
export function ReviewDetail({
  review,
  lookups,
  disputes,
  ops,
}: {
  review: ReviewRow;
  lookups: Lookups;
  disputes: DisputeRow[];
  ops: DisputeOps;
}) {
  const { db } = useSync()!;
  const titleId = useId();
  const [disputing, setDisputing] = useState<string | null>(null);
  const card = cardOf(lookups, review);
  // The conversation and its messages: what comments point at, and which criteria apply.
  const conversation = useLiveQuery(async () => {
    const id = review.conversationId;
    const row = parseRow(ConversationSchema, await db.conversations.get(id));
    return { channel: row?.channel ?? null, messages: await loadMessages(db, id) };
  }, [db, review.conversationId]);
  // Without the conversation (or the scorecard) here, every criterion is shown as applying. One
  // given a point applied when it was scored (the server refuses others): the mirror holds too little.
  const notApplicable = new Set(
    card && conversation?.channel
      ? splitCriteria(card, conversation.channel, conversation.messages)
          .notApplicable.filter((c) => review.ratings[c.id] === undefined || review.ratings[c.id] === 'na')
          .map((c) => c.id)
      : [],
  );

  // Without its scorecard version the criteria are still listed, by id, so each can be disputed.
  const sections: Section[] = card?.sections ?? [
    {
      id: 'rated',
      title: 'Criteria',
      criteria: Object.keys(review.ratings).map((id) => ({
        id,
        label: id,
        guidance: '',
        weight: 1,
        scale: 'yes_no' as const,
        allowNa: true,
        critical: false,
        channels: [],
        messageKinds: [],
      })),
    },
  ];
  const labelOf = (criterionId: string | null) =>
    sections.flatMap((s) => s.criteria).find((c) => c.id === criterionId)?.label ?? criterionId;
  const who = (id: string) => nameOf(lookups, id);

  // Shown once what applies is known, so no criterion flickers from rated to not applying.
  if (!conversation) return <p className="qd-muted qd-placeholder">Opening the review…</p>;
  const messages = new Map(conversation.messages.map((m) => [m.id, m]));
  return (
    <article className="qd-detail" aria-labelledby={titleId} data-testid="my-review">
      <h3 id={titleId}>{conversationTitle(lookups, review.conversationId)}</h3>
      <dl className="qd-facts">
        <dt>Reviewed by</dt>
        <dd data-testid="review-reviewer">{who(review.reviewerId)}</dd>
        {review.submittedAt && (
          <>
            <dt>Submitted</dt>
            <dd>{formatWhen(review.submittedAt)}</dd>
          </>
        )}
        <dt>Scorecard</dt>
        <dd data-testid="review-scorecard">{cardTitle(lookups, review)}</dd>
        <dt>Score</dt>
        <dd className="qd-score" data-testid="review-score">
          {displayScore(review.score)}
        </dd>
      </dl>
      {!card && (
        <p className="notice" data-testid="scorecard-missing">
          This scorecard version is not on this computer yet, so criteria show by their ids. They fill in once it has
          synced.
        </p>
      )}

      {sections.map((section) => (
        <section key={section.id} className="qd-section" aria-label={section.title}>
          <h4>{section.title}</h4>
          <ul className="qd-criteria">
            {section.criteria.map((criterion) => (
              <CriterionRow
                key={criterion.id}
                criterionId={criterion.id}
                review={review}
                criterion={card ? criterion : null}
                applies={!notApplicable.has(criterion.id)}
                label={criterion.label}
                guidance={criterion.guidance}
                disputes={disputes.filter((d) => d.criterionId === criterion.id)}
                ops={ops}
                who={who}
                disputing={disputing === criterion.id}
                onDispute={(open) => setDisputing(open ? criterion.id : null)}
              />
            ))}
          </ul>
        </section>
      ))}

      <section className="qd-section" aria-label="Feedback">
        <h4>Feedback</h4>
        {review.feedback.trim() ? (
          <p className="qd-comment" data-testid="review-feedback">
            {review.feedback}
          </p>
        ) : (
          <p className="qd-muted">No overall feedback.</p>
        )}
      </section>

      <section className="qd-section" aria-label="Comments">
        <h4>Comments</h4>
        {review.comments.length === 0 ? (
          <p className="qd-muted">No comments on the conversation.</p>
        ) : (
          <ul className="qd-comments">
            {review.comments.map((comment) => (
              <li key={comment.id} data-testid="review-comment">
                <p className="qd-anchor" data-testid="comment-anchor">
                  {anchorWords(comment.anchor, messages)}
                </p>
                {comment.criterionId && <p className="qd-muted">About “{labelOf(comment.criterionId)}”</p>}
                <p className="qd-comment">{comment.body}</p>
                <p className="qd-muted">
                  {who(comment.authorId)}
                  {comment.at && ` · ${formatWhen(comment.at)}`}
                </p>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="qd-section" aria-label="The conversation">
        <h4>The conversation</h4>
        {/* The whole transcript, the commented words and call spans marked: what the lead scored. */}
        <ReviewTranscript
          messages={conversation.messages}
          customerName={lookups.conversations.get(review.conversationId)?.customerName ?? ''}
          agentNames={lookups.names}
          comments={review.comments}
          pointer={null}
          evidenceIds={NO_EVIDENCE}
          criterionLabels={new Map(sections.flatMap((sec) => sec.criteria.map((c) => [c.id, c.label] as const)))}
        />
      </section>
    </article>
  );
}

function CriterionRow({
  criterionId: id,
  review,
  criterion,
  applies,
  label,
  guidance,
  disputes,
  ops,
  who,
  disputing,
  onDispute,
}: {
  criterionId: string;
  review: ReviewRow;
  /** Null when the scorecard version is not here: the rating then shows without its scale. */
  criterion: Criterion | null;
  /** False when the criterion does not apply to the conversation: nothing to rate, nothing to dispute. */
  applies: boolean;
  label: string;
  guidance: string;
  disputes: DisputeRow[];
  ops: DisputeOps;
  who: (id: string) => string;
  disputing: boolean;
  onDispute: (open: boolean) => void;
}) {
  const rating = review.ratings[id];
  const open = disputes.find((d) => d.status === 'open');
  const refused = ops.refusedOpens.filter(
    (r) => r.op.payload.reviewId === review.id && r.op.payload.criterionId === id,
  );
  const lastRefused = refused[refused.length - 1];
  // Oldest first, so the story reads in order.
  const ordered = [...disputes].sort((a, b) => openedAt(a).localeCompare(openedAt(b)));

  return (
    <li className="qd-criterion" data-testid={`criterion-${id}`} data-applies={String(applies)}>
      <div className="qd-criterion-head">
        <span className="qd-criterion-label">{label}</span>
        <span className={applies ? 'qd-rating' : 'qd-rating qd-muted'} data-testid="criterion-rating">
          {applies ? ratingWords(rating, criterion) : 'Does not apply to this conversation'}
        </span>
      </div>
      {guidance && <p className="qd-muted qd-guidance">{guidance}</p>}

      {ordered.map((dispute) => (
        <div key={dispute.id} className="qd-dispute" data-testid="criterion-dispute" data-status={dispute.status}>
          <p className="qd-dispute-status">
            Dispute: <strong>{STATUS_LABELS[dispute.status]}</strong>
          </p>
          <DisputeSteps
            dispute={dispute}
            criterion={criterion}
            nameOf={who}
            waitingOpen={ops.waitingOpens.has(dispute.id)}
          />
        </div>
      ))}

      {!open && lastRefused && (
        <RefusedNotice issue={lastRefused.issue} what="Your dispute" text={lastRefused.op.payload.comment} />
      )}

      {!open &&
        applies &&
        rating !== undefined &&
        (disputing ? (
          <DisputeForm
            reviewId={review.id}
            criterionId={id}
            criterionLabel={label}
            initialComment={lastRefused?.op.payload.comment ?? ''}
            onDone={() => onDispute(false)}
          />
        ) : (
          <button
            type="button"
            aria-label={`Dispute “${label}”`}
            data-testid="dispute-button"
            onClick={() => onDispute(true)}
          >
            Dispute
          </button>
        ))}
    </li>
  );
}
