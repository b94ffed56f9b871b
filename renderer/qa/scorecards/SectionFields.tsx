import { CriterionFields } from './CriterionFields';
import { FieldProblem, invalidProps } from './FieldProblem';
import type { CriterionForm, DraftProblems, SectionForm } from './draftForm';

/** One section of the scorecard: its title, its criteria in order, and moving or removing it. */
export function SectionFields({
  section,
  index: s,
  count,
  problems,
  formId,
  focusKey,
  onTitle,
  onMove,
  onRemove,
  onAddCriterion,
  onCriterion,
  onMoveCriterion,
  onRemoveCriterion,
}: {
  section: SectionForm;
  index: number;
  count: number;
  problems: DraftProblems;
  formId: string;
  /** The key of the section or criterion just added: its first field takes the focus. */
  focusKey: string | null;
  onTitle: (title: string) => void;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
  onAddCriterion: () => void;
  onCriterion: (c: number, patch: Partial<CriterionForm>) => void;
  onMoveCriterion: (c: number, by: -1 | 1) => void;
  onRemoveCriterion: (c: number) => void;
}) {
  const path = `sections.${s}`;
  const titleId = `${formId}-section-title-${s}`;
  const name = section.title.trim() ? `“${section.title.trim()}”` : `${s + 1}`;
  return (
    <fieldset className="scorecard-section" data-testid={`section-${s}`}>
      <legend>Section {s + 1}</legend>
      <div className="section-head">
        <div className="field">
          <label htmlFor={titleId}>Section title</label>
          <input
            id={titleId}
            data-testid={`section-title-${s}`}
            value={section.title}
            autoFocus={focusKey === section.key}
            onChange={(e) => onTitle(e.target.value)}
            {...invalidProps(problems, formId, `${path}.title`)}
          />
          <FieldProblem problems={problems} formId={formId} path={`${path}.title`} />
        </div>
        <div className="item-actions">
          <button
            type="button"
            data-testid={`section-up-${s}`}
            aria-disabled={s === 0}
            aria-label={`Move section ${name} up`}
            onClick={() => s > 0 && onMove(-1)}
          >
            Up
          </button>
          <button
            type="button"
            data-testid={`section-down-${s}`}
            aria-disabled={s === count - 1}
            aria-label={`Move section ${name} down`}
            onClick={() => s < count - 1 && onMove(1)}
          >
            Down
          </button>
          <button
            type="button"
            data-testid={`section-remove-${s}`}
            aria-label={`Remove section ${name}`}
            onClick={onRemove}
          >
            Remove section
          </button>
        </div>
      </div>
      {section.criteria.map((criterion, c) => (
        <CriterionFields
          key={criterion.key}
          criterion={criterion}
          sectionIndex={s}
          index={c}
          count={section.criteria.length}
          problems={problems}
          formId={formId}
          autoFocus={focusKey === criterion.key}
          onChange={(patch) => onCriterion(c, patch)}
          onMove={(by) => onMoveCriterion(c, by)}
          onRemove={() => onRemoveCriterion(c)}
        />
      ))}
      <FieldProblem problems={problems} formId={formId} path={`${path}.criteria`} />
      <button type="button" data-testid={`add-criterion-${s}`} onClick={onAddCriterion}>
        Add criterion to {section.title.trim() ? `“${section.title.trim()}”` : `section ${s + 1}`}
      </button>
    </fieldset>
  );
}
