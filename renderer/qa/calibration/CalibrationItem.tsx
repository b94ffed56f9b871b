import { useId, useState } from 'react';
import { scoreReview } from '../../../shared/qa/score';
import type { Rating } from '../../../shared/qa/scorecard';
import { failureSentence } from '../../conversation/words';
import { useAppStore } from '../../store/store';
import { useSync } from '../../sync/ui/syncContext';
import type { ScorecardVersionRow } from '../rows';
import { scoreOf, suggestedReference } from './spread';
import { SpreadTable, type SpreadColumn } from './SpreadTable';
import type { CalibrationView } from './useCalibrations';

/**
 * One calibration: who scores it and who has submitted; for the signed-in lead, the blind
 * "score it" step until they submitted, then the spread, the reference being agreed, or the
 * agreed reference with how far each lead was from it.
 */
export function CalibrationItem({ view, names }: { view: CalibrationView; names: Map<string, string> }) {
  const { agentId: leadId } = useSync()!;
  const role = useAppStore((s) => s.session?.agent.role ?? 'lead');
  const openReview = useAppStore((s) => s.openReview);
  const headingId = useId();
  const { calibration, card, mine, submitted, notApplicable } = view;
  const nameOf = (id: string) => (id === leadId ? `${names.get(id) ?? id} (you)` : (names.get(id) ?? id));
  const taking = calibration.participants.includes(leadId);
  const iSubmitted = mine?.status === 'submitted';
  const participants = [...calibration.participants].sort((a, b) => Number(b === leadId) - Number(a === leadId));
  const waiting = calibration.participants.filter((p) => !submitted.has(p));
  const target = {
    conversationId: calibration.conversationId,
    scorecardId: calibration.scorecardId,
    scorecardVersion: calibration.scorecardVersion,
    calibrationId: calibration.id,
  };

  const columns: SpreadColumn[] = participants.map((agentId) => {
    const review = submitted.get(agentId);
    return {
      agentId,
      name: nameOf(agentId),
      review: review ? { reviewerId: agentId, ratings: review.ratings, score: review.score } : null,
    };
  });

  // Before this lead submitted, whether another lead has is not theirs to know (nor in the mirror).
  const known = (agentId: string) => agentId === leadId || iSubmitted;
  const statusOf = (agentId: string) =>
    !known(agentId) ? 'not shown until you submit' : submitted.has(agentId) ? 'submitted' : 'still scoring';

  return (
    <li className="cal-item" data-testid={`calibration-item-${calibration.id}`} data-status={calibration.status}>
      <article aria-labelledby={headingId}>
        <header className="cal-item-head">
          <h3 id={headingId}>{view.title}</h3>
          <span className={`cal-status cal-status-${calibration.status}`}>
            {calibration.status === 'agreed' ? 'Reference agreed' : 'Open'}
          </span>
        </header>
        <p className="cal-meta">
          {card
            ? `${card.name}, version ${card.version}`
            : `Scorecard ${calibration.scorecardId}, version ${calibration.scorecardVersion}`}
          {view.conversation?.subject ? ` · ${view.conversation.subject}` : ''} · started by{' '}
          {nameOf(calibration.createdBy)}
        </p>
        <ul className="cal-participants" aria-label="Participants">
          {participants.map((agentId) => (
            <li
              key={agentId}
              data-testid={`participant-${agentId}`}
              data-submitted={known(agentId) ? String(submitted.has(agentId)) : 'unknown'}
              className={known(agentId) && submitted.has(agentId) ? 'cal-done' : undefined}
            >
              {nameOf(agentId)}: {statusOf(agentId)}
            </li>
          ))}
        </ul>

        {!taking ? (
          <p className="cal-note">
            You started this calibration without scoring it: each lead’s scores reach only the leads who scored it, so
            the spread is not shown to you.
          </p>
        ) : !iSubmitted ? (
          calibration.status === 'open' && (
            <div className="cal-blind">
              <p className="cal-note" data-testid="calibration-blind">
                Scores stay hidden until you submit yours.
              </p>
              <button type="button" className="primary" data-testid="score-blind" onClick={() => openReview(target)}>
                {mine ? 'Go on scoring blind' : 'Score blind'}
              </button>
            </div>
          )
        ) : !card ? (
          <p className="cal-note">
            Scorecard version {calibration.scorecardVersion} is not on this computer yet; the spread shows once it has
            synced.
          </p>
        ) : (
          <>
            {calibration.status === 'agreed' && calibration.reference ? (
              <SpreadTable
                card={card}
                columns={columns}
                notApplicable={notApplicable}
                reference={{
                  mode: 'agreed',
                  ratings: calibration.reference,
                  score: calibration.referenceScore ?? scoreOf(card, { ratings: calibration.reference, score: null }),
                }}
              />
            ) : waiting.length ? (
              <>
                <SpreadTable card={card} columns={columns} notApplicable={notApplicable} reference={null} />
                <p className="cal-note">
                  The reference is agreed once everyone submitted; still scoring: {waiting.map(nameOf).join(', ')}.
                </p>
              </>
            ) : calibration.createdBy === leadId || role === 'admin' ? (
              <AgreeReference
                card={card}
                columns={columns}
                notApplicable={notApplicable}
                calibrationId={calibration.id}
              />
            ) : (
              <>
                <SpreadTable card={card} columns={columns} notApplicable={notApplicable} reference={null} />
                <p className="cal-note">Everyone submitted: {nameOf(calibration.createdBy)} agrees the reference.</p>
              </>
            )}
            {mine && (
              <button
                type="button"
                className="link"
                data-testid="open-my-review"
                onClick={() => openReview({ ...target, reviewId: mine.id })}
              >
                Open my review
              </button>
            )}
          </>
        )}
      </article>
    </li>
  );
}

/** Choosing the reference: a rating per criterion, prefilled with the leads' median, and its score live. */
function AgreeReference({
  card,
  columns,
  notApplicable,
  calibrationId,
}: {
  card: ScorecardVersionRow;
  columns: SpreadColumn[];
  notApplicable: ReadonlySet<string>;
  calibrationId: string;
}) {
  const { connection } = useSync()!;
  const [values, setValues] = useState<Record<string, Rating | ''>>(() =>
    suggestedReference(
      card,
      columns.flatMap((c) => (c.review ? [c.review] : [])),
      notApplicable,
    ),
  );
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ratings = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== '')) as Record<string, Rating>;
  const score = scoreReview(card, ratings).score;

  const agree = async () => {
    if (score === null) {
      setError('Give at least one criterion a reference rating other than N/A: the reference score needs one.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await connection.enqueue('calibration.agree', { calibrationId, ratings });
    } catch (err) {
      setError(`Not agreed: ${failureSentence(err)} Your choices are kept; try again.`);
      setBusy(false);
    }
  };

  return (
    <div className="cal-agree">
      <SpreadTable
        card={card}
        columns={columns}
        notApplicable={notApplicable}
        reference={{
          mode: 'choose',
          values,
          score,
          onChange: (id, value) => setValues((v) => ({ ...v, [id]: value })),
        }}
      />
      <p className="cal-note">
        Everyone submitted. Talk through the criteria marked “disagree”, set the reference rating for each (prefilled
        with the leads’ median), then agree it.
      </p>
      {error && (
        <p className="error" role="alert" data-testid="agree-error">
          {error}
        </p>
      )}
      <button
        type="button"
        className="primary"
        data-testid="agree-reference"
        disabled={busy}
        onClick={() => void agree()}
      >
        Agree reference (score {score === null ? '—' : Math.round(score)})
      </button>
    </div>
  );
}
