import { useLiveQuery } from 'dexie-react-hooks';
import { displayScore, scoreReview } from '../../../shared/qa/score';
import { criteriaOf, type Rating } from '../../../shared/qa/scorecard';
import type { Op } from '../../../shared/protocol';
import { parseRow } from '../../conversation/rows';
import type { SyncDb } from '../../sync/db';
import { ReviewRowSchema, ScorecardVersionRowSchema, scorecardRowId } from '../rows';
import { ratingWords } from './reviewRules';

type ReviewSave = Extract<Op, { type: 'review.save' }>;

/**
 * Two leads changed the same review: this lead's refused save beside the version the server kept,
 * criterion by criterion, so they can keep either knowing what each holds.
 */
export function ReviewConflict({
  db,
  op,
  onKeepMine,
  onKeepTheirs,
}: {
  db: SyncDb;
  op: ReviewSave;
  onKeepMine: () => void;
  onKeepTheirs: () => void;
}) {
  const data = useLiveQuery(async () => {
    const theirs = parseRow(ReviewRowSchema, await db.reviews.get(op.payload.reviewId));
    const card = parseRow(
      ScorecardVersionRowSchema,
      await db.scorecards.get(scorecardRowId(op.payload.scorecardId, op.payload.scorecardVersion)),
    );
    const agents = await db.agents.toArray();
    const who = theirs ? agents.find((a) => a.id === theirs.reviewerId) : undefined;
    return { theirs, card, reviewer: typeof who?.name === 'string' ? who.name : null };
  }, [db, op]);
  if (!data) return null;
  const { theirs, card } = data;
  const mine = op.payload;
  const score = (ratings: Record<string, Rating>) => {
    if (!card) return '—';
    try {
      return displayScore(scoreReview(card, ratings).score);
    } catch {
      return '—';
    }
  };
  const criteria = card ? criteriaOf(card) : [];
  const differs = criteria.filter((c) => mine.ratings[c.id] !== theirs?.ratings[c.id]);
  return (
    <div className="review-conflict" data-testid="review-conflict">
      <table>
        <caption>
          Your review against the version {theirs ? `saved by ${data.reviewer ?? 'another lead'}` : 'on the server'}
          {theirs ? ` (version ${theirs.version})` : ''}
        </caption>
        <thead>
          <tr>
            <th scope="col">Criterion</th>
            <th scope="col">Yours</th>
            <th scope="col">Theirs</th>
          </tr>
        </thead>
        <tbody>
          {(differs.length ? differs : criteria).map((c) => (
            <tr key={c.id} data-testid={`conflict-${c.id}`}>
              <th scope="row">{c.label}</th>
              <td>{ratingWords(c, mine.ratings[c.id])}</td>
              <td>{ratingWords(c, theirs?.ratings[c.id])}</td>
            </tr>
          ))}
          <tr>
            <th scope="row">Feedback</th>
            <td>{mine.feedback || '—'}</td>
            <td>{theirs?.feedback || '—'}</td>
          </tr>
          <tr>
            <th scope="row">Score</th>
            <td data-testid="conflict-score-mine">{score(mine.ratings)}</td>
            <td data-testid="conflict-score-theirs">{theirs ? score(theirs.ratings) : '—'}</td>
          </tr>
        </tbody>
      </table>
      <div className="actions">
        <button type="button" onClick={onKeepMine} data-testid="keep-mine">
          Keep mine
        </button>
        <button type="button" onClick={onKeepTheirs} data-testid="keep-theirs">
          Keep theirs
        </button>
      </div>
    </div>
  );
}
