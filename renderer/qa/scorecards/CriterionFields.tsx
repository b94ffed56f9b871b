import { ChannelSchema, type Channel } from '../../../shared/domain';
import {
  AutoCheckSchema,
  MessageKindSchema,
  ScaleSchema,
  type AutoCheck,
  type Scale,
} from '../../../shared/qa/scorecard';
import { CHANNEL_LABELS } from '../../inbox/channels';
import type { CriterionForm, DraftProblems } from './draftForm';
import { FieldProblem, invalidProps } from './FieldProblem';
import { AUTO_CHECK_LABELS, MESSAGE_KIND_LABELS, SCALE_LABELS } from './scorecardWords';

const toggle = <T,>(list: readonly T[], item: T, on: boolean): T[] =>
  on ? [...list.filter((x) => x !== item), item] : list.filter((x) => x !== item);

/** One criterion of a section: what it is, how it is scored and where it applies. */
export function CriterionFields({
  criterion,
  sectionIndex: s,
  index: c,
  count,
  problems,
  formId,
  autoFocus,
  onChange,
  onMove,
  onRemove,
}: {
  criterion: CriterionForm;
  sectionIndex: number;
  index: number;
  count: number;
  problems: DraftProblems;
  formId: string;
  autoFocus: boolean;
  onChange: (patch: Partial<CriterionForm>) => void;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
}) {
  const path = `sections.${s}.criteria.${c}`;
  const at = `${s}-${c}`;
  const id = (field: string) => `${formId}-${field}-${at}`;
  const name = criterion.label.trim() ? `“${criterion.label.trim()}”` : `${c + 1}`;
  // The order channels are declared in, whatever order they were ticked in.
  const channels = (list: Channel[]) => ChannelSchema.options.filter((ch) => list.includes(ch));

  return (
    <fieldset className="criterion" data-testid={`criterion-${at}`}>
      <legend>Criterion {c + 1}</legend>
      <div className="field">
        <label htmlFor={id('label')}>Label</label>
        <input
          id={id('label')}
          data-testid={`criterion-label-${at}`}
          value={criterion.label}
          autoFocus={autoFocus}
          onChange={(e) => onChange({ label: e.target.value })}
          {...invalidProps(problems, formId, `${path}.label`)}
        />
        <FieldProblem problems={problems} formId={formId} path={`${path}.label`} />
      </div>
      <div className="field">
        <label htmlFor={id('guidance')}>What to look for (optional)</label>
        <textarea
          id={id('guidance')}
          data-testid={`criterion-guidance-${at}`}
          rows={2}
          value={criterion.guidance}
          onChange={(e) => onChange({ guidance: e.target.value })}
          {...invalidProps(problems, formId, `${path}.guidance`)}
        />
        <FieldProblem problems={problems} formId={formId} path={`${path}.guidance`} />
      </div>
      <div className="criterion-row">
        <div className="field field-narrow">
          <label htmlFor={id('weight')}>Weight</label>
          <input
            id={id('weight')}
            data-testid={`criterion-weight-${at}`}
            inputMode="decimal"
            value={criterion.weight}
            onChange={(e) => onChange({ weight: e.target.value })}
            {...invalidProps(problems, formId, `${path}.weight`)}
          />
          <FieldProblem problems={problems} formId={formId} path={`${path}.weight`} />
        </div>
        <div className="field">
          <label htmlFor={id('scale')}>Scale</label>
          <select
            id={id('scale')}
            data-testid={`criterion-scale-${at}`}
            value={criterion.scale}
            onChange={(e) => onChange({ scale: e.target.value as Scale })}
          >
            {ScaleSchema.options.map((scale) => (
              <option key={scale} value={scale}>
                {SCALE_LABELS[scale]}
              </option>
            ))}
          </select>
        </div>
        <label className="check">
          <input
            type="checkbox"
            data-testid={`criterion-allow-na-${at}`}
            checked={criterion.allowNa}
            onChange={(e) => onChange({ allowNa: e.target.checked })}
          />
          Can be marked not applicable
        </label>
        <label className="check">
          <input
            type="checkbox"
            data-testid={`criterion-critical-${at}`}
            checked={criterion.critical}
            onChange={(e) => onChange({ critical: e.target.checked })}
          />
          Critical: failing it sets the whole review to 0
        </label>
      </div>
      <fieldset className="choices" aria-describedby={id('channels-note')}>
        <legend>Channels</legend>
        {ChannelSchema.options.map((channel) => (
          <label key={channel} className="check">
            <input
              type="checkbox"
              data-testid={`criterion-channel-${channel}-${at}`}
              checked={criterion.channels.includes(channel)}
              onChange={(e) => onChange({ channels: channels(toggle(criterion.channels, channel, e.target.checked)) })}
            />
            {CHANNEL_LABELS[channel]}
          </label>
        ))}
        <p className="hint" id={id('channels-note')}>
          {criterion.channels.length
            ? 'Applies to the ticked channels only.'
            : 'None ticked: applies to every channel.'}
        </p>
      </fieldset>
      <fieldset className="choices" aria-describedby={id('kinds-note')}>
        <legend>Kinds of message</legend>
        {MessageKindSchema.options.map((kind) => (
          <label key={kind} className="check">
            <input
              type="checkbox"
              data-testid={`criterion-kind-${kind}-${at}`}
              checked={criterion.messageKinds.includes(kind)}
              onChange={(e) =>
                onChange({
                  messageKinds: MessageKindSchema.options.filter((k) =>
                    toggle(criterion.messageKinds, kind, e.target.checked).includes(k),
                  ),
                })
              }
            />
            {MESSAGE_KIND_LABELS[kind]}
          </label>
        ))}
        <p className="hint" id={id('kinds-note')}>
          {criterion.messageKinds.length ? 'Applies to the ticked kinds only.' : 'None ticked: applies to every kind.'}
        </p>
      </fieldset>
      <div className="field">
        <label htmlFor={id('auto')}>Automatic check</label>
        <select
          id={id('auto')}
          data-testid={`criterion-auto-${at}`}
          value={criterion.auto ?? ''}
          onChange={(e) => onChange({ auto: e.target.value ? (e.target.value as AutoCheck) : null })}
        >
          <option value="">None: the lead scores it</option>
          {AutoCheckSchema.options.map((check) => (
            <option key={check} value={check}>
              {AUTO_CHECK_LABELS[check]}
            </option>
          ))}
        </select>
      </div>
      <div className="item-actions">
        <button
          type="button"
          data-testid={`criterion-up-${at}`}
          aria-disabled={c === 0}
          aria-label={`Move criterion ${name} up`}
          onClick={() => c > 0 && onMove(-1)}
        >
          Up
        </button>
        <button
          type="button"
          data-testid={`criterion-down-${at}`}
          aria-disabled={c === count - 1}
          aria-label={`Move criterion ${name} down`}
          onClick={() => c < count - 1 && onMove(1)}
        >
          Down
        </button>
        <button
          type="button"
          data-testid={`criterion-remove-${at}`}
          aria-label={`Remove criterion ${name}`}
          onClick={onRemove}
        >
          Remove
        </button>
      </div>
    </fieldset>
  );
}
