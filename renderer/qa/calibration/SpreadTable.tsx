import { displayScore } from '../../../shared/qa/score';
import type { Criterion, Rating } from '../../../shared/qa/scorecard';
import type { ScorecardVersionRow } from '../rows';
import {
  DISAGREE_ABOVE,
  oneDecimal,
  ratingChoices,
  ratingLabel,
  signedDistance,
  spreadTable,
  type ScoredReview,
} from './spread';

/** A participant's column: their submitted review, or null while they are still scoring. */
export interface SpreadColumn {
  agentId: string;
  name: string;
  review: ScoredReview | null;
}

/** The reference column: being chosen (a select per criterion), or agreed. */
export type ReferenceColumn =
  | {
      mode: 'choose';
      values: Record<string, Rating | ''>;
      score: number | null;
      onChange: (id: string, value: Rating | '') => void;
    }
  | { mode: 'agreed'; ratings: Record<string, Rating>; score: number | null };

const ratingValue = (rating: Rating | ''): string => String(rating);
const parseRatingValue = (value: string): Rating | '' =>
  /^[1-5]$/.test(value) ? Number(value) : (value as Rating | '');

/**
 * The calibration's spread: one row per criterion (grouped by section), one column per participant
 * with their rating, the spread in points, and the reference when it is being chosen or agreed.
 */
export function SpreadTable({
  card,
  columns,
  reference,
}: {
  card: ScorecardVersionRow;
  columns: SpreadColumn[];
  reference: ReferenceColumn | null;
}) {
  const scored = columns.flatMap((c) => (c.review ? [c.review] : []));
  const table = spreadTable(card, scored);
  const scoreOfColumn = new Map(scored.map((r, i) => [r.reviewerId, table.scores[i] ?? null]));
  const width = columns.length + 2 + (reference ? 1 : 0);
  const agreed = reference?.mode === 'agreed' ? reference.ratings : null;
  const referenceScore = reference?.score ?? null;

  const ratingCell = (criterion: Criterion, column: SpreadColumn) => {
    if (!column.review) {
      return (
        <td key={column.agentId} className="cal-waiting">
          waiting
        </td>
      );
    }
    const rating = column.review.ratings[criterion.id];
    const off = agreed !== null && agreed[criterion.id] !== undefined && agreed[criterion.id] !== rating;
    return (
      <td key={column.agentId} className={off ? 'cal-off' : undefined} data-rating={rating ?? ''}>
        {ratingLabel(criterion, rating)}
        {off && <span className="visually-hidden"> (differs from the reference)</span>}
      </td>
    );
  };

  const referenceCell = (criterion: Criterion) => {
    if (!reference) return null;
    if (reference.mode === 'agreed') {
      return (
        <td className="cal-reference" data-testid={`reference-${criterion.id}`}>
          {reference.ratings[criterion.id] === undefined
            ? '—'
            : ratingLabel(criterion, reference.ratings[criterion.id])}
        </td>
      );
    }
    return (
      <td className="cal-reference">
        <select
          data-testid={`reference-${criterion.id}`}
          aria-label={`Reference for ${criterion.label}`}
          value={ratingValue(reference.values[criterion.id] ?? '')}
          onChange={(e) => reference.onChange(criterion.id, parseRatingValue(e.target.value))}
        >
          <option value="">No reference</option>
          {ratingChoices(criterion).map((choice) => (
            <option key={String(choice)} value={ratingValue(choice)}>
              {ratingLabel(criterion, choice)}
            </option>
          ))}
        </select>
      </td>
    );
  };

  return (
    <div className="cal-table-wrap">
      <table className="cal-spread" data-testid="spread-table">
        <caption>
          Ratings per criterion. The spread is the gap between the highest and lowest rating on the score’s 0–100 points
          (N/A left out); above {DISAGREE_ABOVE} points the leads disagree.
        </caption>
        <thead>
          <tr>
            <th scope="col">Criterion</th>
            {columns.map((c) => (
              <th scope="col" key={c.agentId} data-testid={`spread-column-${c.agentId}`}>
                {c.name}
              </th>
            ))}
            <th scope="col">Spread</th>
            {reference && <th scope="col">Reference</th>}
          </tr>
        </thead>
        {table.sections.map(({ section, rows }) => (
          <tbody key={section.id}>
            <tr className="cal-section">
              <th scope="colgroup" colSpan={width}>
                {section.title}
              </th>
            </tr>
            {rows.map((row) => (
              <tr key={row.criterion.id} className={row.disagree ? 'cal-row-disagree' : undefined}>
                <th scope="row">
                  {row.criterion.label}
                  {row.criterion.critical && <span className="cal-critical"> critical</span>}
                </th>
                {columns.map((c) => ratingCell(row.criterion, c))}
                <td
                  className="cal-spread-cell"
                  data-testid={`spread-${row.criterion.id}`}
                  data-spread={row.spread === null ? '' : oneDecimal(row.spread)}
                  data-disagree={String(row.disagree)}
                >
                  {row.spread === null ? 'nothing to compare' : oneDecimal(row.spread)}
                  {row.disagree && <span className="cal-disagree">disagree</span>}
                </td>
                {referenceCell(row.criterion)}
              </tr>
            ))}
          </tbody>
        ))}
        <tfoot>
          <tr>
            <th scope="row">Score</th>
            {columns.map((c) => (
              <td key={c.agentId} data-testid={`score-${c.agentId}`} className={c.review ? undefined : 'cal-waiting'}>
                {c.review ? displayScore(scoreOfColumn.get(c.agentId) ?? null) : 'waiting'}
              </td>
            ))}
            <td
              className="cal-spread-cell"
              data-testid="spread-score"
              data-spread={table.scoreSpread === null ? '' : oneDecimal(table.scoreSpread)}
            >
              {table.scoreSpread === null ? 'nothing to compare' : oneDecimal(table.scoreSpread)}
            </td>
            {reference && (
              <td className="cal-reference" data-testid="reference-score">
                {displayScore(reference.score)}
              </td>
            )}
          </tr>
          {agreed && (
            <tr>
              <th scope="row">From the reference</th>
              {columns.map((c) => {
                const score = scoreOfColumn.get(c.agentId) ?? null;
                const differ = c.review
                  ? Object.entries(agreed).filter(([id, rating]) => c.review!.ratings[id] !== rating).length
                  : 0;
                return (
                  <td key={c.agentId} data-testid={`distance-${c.agentId}`}>
                    {c.review && score !== null && referenceScore !== null
                      ? `${signedDistance(score, referenceScore)} points · ${differ} ${differ === 1 ? 'criterion differs' : 'criteria differ'}`
                      : '—'}
                  </td>
                );
              })}
              <td />
              <td />
            </tr>
          )}
        </tfoot>
      </table>
    </div>
  );
}
