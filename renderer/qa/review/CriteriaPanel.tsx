import { useEffect, useRef } from 'react';
import { scalePoints, type Criterion, type Rating, type Section } from '../../../shared/qa/scorecard';
import { ratingWords, type AutoCheckResult } from './reviewRules';

function choices(criterion: Criterion): { rating: Rating; label: string; key: string }[] {
  const points: { rating: Rating; label: string; key: string }[] =
    criterion.scale === 'yes_no'
      ? [
          { rating: 'yes', label: 'Yes', key: 'Y' },
          { rating: 'no', label: 'No', key: 'N' },
        ]
      : Array.from({ length: scalePoints(criterion.scale) }, (_, i) => ({
          rating: i + 1,
          label: String(i + 1),
          key: String(i + 1),
        }));
  return criterion.allowNa ? [...points, { rating: 'na', label: 'N/A', key: '0' }] : points;
}

/**
 * The scorecard's criteria by section, each with its scale, N/A where allowed, and the automatic
 * result with its evidence when the data decided it. The focused criterion is where the keys act.
 */
export function CriteriaPanel({
  sections,
  applicable,
  ratings,
  auto,
  focusedId,
  onFocus,
  onRate,
  readOnly,
}: {
  sections: readonly Section[];
  applicable: ReadonlySet<string>;
  ratings: Readonly<Record<string, Rating>>;
  auto: ReadonlyMap<string, AutoCheckResult>;
  focusedId: string | null;
  onFocus: (criterionId: string) => void;
  onRate: (criterionId: string, rating: Rating) => void;
  readOnly: boolean;
}) {
  const focused = useRef<HTMLLIElement>(null);
  useEffect(() => {
    focused.current?.scrollIntoView?.({ block: 'nearest' });
  }, [focusedId]);

  return (
    <div className="rv-criteria" data-testid="review-criteria">
      {sections.map((section) => (
        <section key={section.id} className="rv-section" aria-labelledby={`rv-section-${section.id}`}>
          <h3 id={`rv-section-${section.id}`}>{section.title}</h3>
          <ol>
            {section.criteria.map((c) => {
              const applies = applicable.has(c.id);
              const rating = ratings[c.id];
              const result = auto.get(c.id);
              const overridden = result?.rating != null && rating !== undefined && rating !== result.rating;
              const isFocused = focusedId === c.id;
              return (
                <li
                  key={c.id}
                  ref={isFocused ? focused : undefined}
                  className={`rv-criterion${isFocused ? ' rv-focused' : ''}${applies ? '' : ' rv-not-applicable'}`}
                  data-testid={`criterion-${c.id}`}
                  data-rating={rating === undefined ? '' : String(rating)}
                  data-focused={isFocused}
                  onClick={() => applies && onFocus(c.id)}
                >
                  <div className="rv-criterion-head">
                    <span className="rv-criterion-label" id={`rv-label-${c.id}`}>
                      {c.label}
                    </span>
                    {c.critical && <span className="rv-critical">Critical</span>}
                    {c.weight !== 1 && <span className="rv-weight">×{c.weight}</span>}
                  </div>
                  {c.guidance && <p className="rv-guidance">{c.guidance}</p>}
                  {!applies ? (
                    <p className="rv-guidance">Does not apply to this conversation (channel or kind of message).</p>
                  ) : readOnly ? (
                    <p className="rv-rating-read" data-testid="rating-read">
                      {ratingWords(c, rating)}
                    </p>
                  ) : (
                    <div className="rv-scale" role="radiogroup" aria-labelledby={`rv-label-${c.id}`}>
                      {choices(c).map((choice) => (
                        <button
                          key={String(choice.rating)}
                          type="button"
                          role="radio"
                          aria-checked={rating === choice.rating}
                          aria-keyshortcuts={isFocused ? choice.key : undefined}
                          data-testid={`rate-${c.id}-${String(choice.rating)}`}
                          onClick={(e) => {
                            e.stopPropagation();
                            onFocus(c.id);
                            onRate(c.id, choice.rating);
                          }}
                        >
                          {choice.label}
                        </button>
                      ))}
                    </div>
                  )}
                  {applies && result && (
                    <p className="rv-auto" data-testid={`auto-${c.id}`}>
                      Automatic{result.rating === null ? '' : `: ${ratingWords(c, result.rating)}`}. {result.evidence}
                      {overridden && <strong className="rv-overridden"> Changed by the lead.</strong>}
                    </p>
                  )}
                </li>
              );
            })}
          </ol>
        </section>
      ))}
    </div>
  );
}
