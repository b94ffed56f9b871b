import { formatWhen } from '../../conversation/words';
import type { ScorecardSummary } from './scorecardApi';

function publishedText({ published }: ScorecardSummary): string {
  if (!published) return 'Not published yet';
  const when = formatWhen(published.publishedAt);
  return when ? `Version ${published.version}, published ${when}` : `Version ${published.version}`;
}

/** Each scorecard with its newest published version and whether a draft of the next one is pending. */
export function ScorecardList({
  cards,
  onEdit,
}: {
  cards: readonly ScorecardSummary[];
  onEdit: (card: ScorecardSummary) => void;
}) {
  if (!cards.length) return <p data-testid="scorecards-empty">No scorecards yet. Create the first one.</p>;
  return (
    <ul className="scorecard-list" data-testid="scorecard-list">
      {cards.map((card) => (
        <li key={card.scorecardId} data-testid={`scorecard-row-${card.scorecardId}`}>
          <span className="scorecard-name">{card.name}</span>
          <span data-testid={`scorecard-version-${card.scorecardId}`}>{publishedText(card)}</span>
          {card.draft && (
            <span className="draft-pending" data-testid={`scorecard-draft-${card.scorecardId}`}>
              Draft of version {card.draft.version} pending
            </span>
          )}
          <button type="button" data-testid={`edit-scorecard-${card.scorecardId}`} onClick={() => onEdit(card)}>
            {card.draft ? 'Edit draft' : `Edit (starts version ${(card.published?.version ?? 0) + 1})`}
            <span className="visually-hidden"> of “{card.name}”</span>
          </button>
        </li>
      ))}
    </ul>
  );
}
