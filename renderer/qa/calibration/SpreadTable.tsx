import { displayScore } from '../../../shared/qa/score';
import type { Criterion, Rating } from '../../../shared/qa/scorecard';
import type { ScorecardVersionRow } from '../rows';
import {
  DISAGREE_ABOVE,
  distanceWords,
  oneDecimal,
  ratingChoices,
  ratingLabel,
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

const NA_VS_RATED = 'Some leads said N/A and others rated it: agree whether it applies before comparing ratings.';

/** A spread cell's words: the points apart, "—" with fewer than two ratings, or "N/A vs rated". */
function SpreadWords({
  spread,
  naVsRated = false,
  allNa = false,
}: {
  spread: number | null;
  naVsRated?: boolean;
  allNa?: boolean;
}) {
  if (naVsRated) return <>N/A vs rated</>;
  if (allNa) return <>0 (all N/A)</>;
  if (spread !== null) return <>{oneDecimal(spread)}</>;
  return (
    <>
      <span aria-hidden="true">—</span>
      <span className="visually-hidden">fewer than two ratings to compare</span>
    </>
  );
}

/**
 * The calibration's spread: one row per criterion (grouped by section), one column per participant
 * with their rating, the spread in points, and the reference when it is being chosen or agreed. A
 * criterion that does not apply to the conversation says so across the row and is not compared.
 */
export function SpreadTable({
  card,
  columns,
  notApplicable,
  reference,
}: {
  card: ScorecardVersionRow;
  columns: SpreadColumn[];
  /** Ids of the criteria that do not apply to the calibration's conversation. */
  notApplicable: ReadonlySet<string>;
  reference: ReferenceColumn | null;
}) {
  const scored = columns.flatMap((c) => (c.review ? [c.review] : []));
  const table = spreadTable(card, scored, notApplicable);
  const scoreOfColumn = new Map(scored.map((r, i) => [r.reviewerId, table.scores[i] ?? null]));
  const width = columns.length + 2 + (reference ? 1 : 0);
  const compared = new Set(table.sections.flatMap((s) => s.rows.filter((r) => r.applies).map((r) => r.criterion.id)));
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
          Ratings per criterion. The spread is the gap between the highest and lowest rating on the score’s 0–100
          points; the leads disagree above {DISAGREE_ABOVE} points, or when some said N/A and others rated it. “—”:
          fewer than two ratings to compare.
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
            {rows.map((row) => {
              const label = (
                <th scope="row">
                  {row.criterion.label}
                  {row.criterion.critical && <span className="cal-critical"> critical</span>}
                </th>
              );
              if (!row.applies) {
                return (
                  <tr key={row.criterion.id} data-applies="false">
                    {label}
                    <td
                      colSpan={columns.length + 1}
                      className="cal-na"
                      data-testid={`spread-${row.criterion.id}`}
                      data-spread=""
                      data-disagree="false"
                    >
                      Does not apply to this conversation
                    </td>
                    {reference && <td className="cal-reference">—</td>}
                  </tr>
                );
              }
              return (
                <tr key={row.criterion.id} className={row.disagree ? 'cal-row-disagree' : undefined}>
                  {label}
                  {columns.map((c) => ratingCell(row.criterion, c))}
                  <td
                    className="cal-spread-cell"
                    data-testid={`spread-${row.criterion.id}`}
                    data-spread={row.spread === null ? '' : oneDecimal(row.spread)}
                    data-disagree={String(row.disagree)}
                    data-na-vs-rated={String(row.naVsRated)}
                    title={row.naVsRated ? NA_VS_RATED : undefined}
                  >
                    <SpreadWords spread={row.spread} naVsRated={row.naVsRated} allNa={row.allNa} />
                    {row.disagree && <span className="cal-disagree">disagree</span>}
                  </td>
                  {referenceCell(row.criterion)}
                </tr>
              );
            })}
          </tbody>
        ))}
        <tfoot>
          <tr className={table.scoreDisagree ? 'cal-row-disagree' : undefined}>
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
              data-disagree={String(table.scoreDisagree)}
            >
              <SpreadWords spread={table.scoreSpread} />
              {table.scoreDisagree && <span className="cal-disagree">disagree</span>}
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
                  ? Object.entries(agreed).filter(
                      ([id, rating]) => compared.has(id) && c.review!.ratings[id] !== rating,
                    ).length
                  : 0;
                return (
                  <td key={c.agentId} data-testid={`distance-${c.agentId}`}>
                    {c.review && score !== null && referenceScore !== null
                      ? distanceWords(score, referenceScore, differ)
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
