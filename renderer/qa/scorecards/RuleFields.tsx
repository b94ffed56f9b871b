import type { Agent } from '../../conversation/rows';
import { FieldProblem, invalidProps, problemId } from './FieldProblem';
import type { RuleForm, RuleKind, RuleProblems } from './samplingForm';
import type { ScorecardSummary } from './scorecardApi';

const KINDS: { kind: RuleKind; label: string }[] = [
  { kind: 'random_share', label: 'A random share of resolved conversations' },
  { kind: 'per_agent_week', label: 'A number per agent per week' },
  { kind: 'risk', label: 'Risk picks' },
];

type RiskFlag = 'sentimentOn' | 'slaBreached' | 'reachOn' | 'handleOn' | 'reopened';
type RiskNumber = 'sentiment' | 'reach' | 'handleMinutes';

/** The risk picks: a checkbox each, some with a number that is enabled once the risk is ticked. */
const RISKS: { flag: RiskFlag; testId: string; label: string; value?: { field: RiskNumber; label: string } }[] = [
  {
    flag: 'sentimentOn',
    testId: 'rule-risk-sentiment',
    label: 'Sentiment at or below (−5 to 5)',
    value: { field: 'sentiment', label: 'Sentiment at or below' },
  },
  { flag: 'slaBreached', testId: 'rule-risk-sla', label: 'The SLA was breached' },
  {
    flag: 'reachOn',
    testId: 'rule-risk-reach',
    label: 'A public complaint from someone with at least this many followers',
    value: { field: 'reach', label: 'Followers at least' },
  },
  {
    flag: 'handleOn',
    testId: 'rule-risk-handle',
    label: 'Handle time longer than (minutes)',
    value: { field: 'handleMinutes', label: 'Handle time longer than, in minutes' },
  },
  { flag: 'reopened', testId: 'rule-risk-reopened', label: 'It was reopened' },
];

interface FieldProps {
  form: RuleForm;
  problems: RuleProblems;
  formId: string;
  onChange: (patch: Partial<RuleForm>) => void;
}

/** The number a random share or a per-agent count picks by. */
const NUMBERS = {
  random_share: {
    field: 'sharePercent',
    label: 'Share of resolved conversations (percent)',
    testId: 'rule-share-percent',
    inputMode: 'decimal',
  },
  per_agent_week: {
    field: 'perAgent',
    label: 'Conversations per agent per week',
    testId: 'rule-per-agent',
    inputMode: 'numeric',
  },
} as const;

/** One number of the rule (a share, a count) with its label and problem. */
function NumberField({
  field,
  label,
  testId,
  inputMode,
  form,
  problems,
  formId,
  onChange,
}: FieldProps & {
  field: 'sharePercent' | 'perAgent';
  label: string;
  testId: string;
  inputMode: 'decimal' | 'numeric';
}) {
  const id = `${formId}-${field}`;
  return (
    <div className="field field-narrow">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        data-testid={testId}
        inputMode={inputMode}
        value={form[field]}
        onChange={(e) => onChange({ [field]: e.target.value })}
        {...invalidProps(problems, formId, field)}
      />
      <FieldProblem problems={problems} formId={formId} path={field} />
    </div>
  );
}

/** One risk: its checkbox and, for a risk with a threshold, the number box and its problem. */
function RiskCondition({ risk, form, problems, formId, onChange }: FieldProps & { risk: (typeof RISKS)[number] }) {
  const { flag, testId, label, value } = risk;
  const valueId = value && `${formId}-${value.field}`;
  return (
    <div className="risk">
      <label className="check">
        <input
          type="checkbox"
          data-testid={testId}
          checked={form[flag]}
          onChange={(e) => onChange({ [flag]: e.target.checked })}
        />
        {label}
      </label>
      {value && (
        <>
          <span className="risk-value">
            <label htmlFor={valueId} className="visually-hidden">
              {value.label}
            </label>
            <input
              id={valueId}
              data-testid={`${testId}-value`}
              inputMode="numeric"
              size={7}
              disabled={!form[flag]}
              value={form[value.field]}
              onChange={(e) => onChange({ [value.field]: e.target.value })}
              {...invalidProps(problems, formId, value.field)}
            />
          </span>
          <FieldProblem problems={problems} formId={formId} path={value.field} />
        </>
      )}
    </div>
  );
}

/** The fields of a new sampling rule: name, scorecard, reviewers, and what it picks. */
export function RuleFields({
  form,
  problems,
  formId,
  cards,
  cardsLoaded,
  leads,
  onChange,
}: {
  form: RuleForm;
  problems: RuleProblems;
  formId: string;
  cards: readonly ScorecardSummary[];
  /** False until the scorecards are in (or when they could not be loaded). */
  cardsLoaded: boolean;
  leads: readonly Agent[];
  onChange: (patch: Partial<RuleForm>) => void;
}) {
  const id = (field: string) => `${formId}-${field}`;
  const fieldProps = { form, problems, formId, onChange };
  const hasProblem = (field: keyof RuleProblems) => invalidProps(problems, formId, field);
  // A group is not marked invalid (ARIA allows that on fields only); it points at its problem.
  const describedBy = (field: keyof RuleProblems) => (problems[field] ? problemId(formId, field) : undefined);

  return (
    <>
      <div className="field">
        <label htmlFor={id('name')}>Rule name</label>
        <input
          id={id('name')}
          data-testid="rule-name"
          value={form.name}
          onChange={(e) => onChange({ name: e.target.value })}
          {...hasProblem('name')}
        />
        <FieldProblem problems={problems} formId={formId} path="name" />
      </div>
      <div className="field">
        <label htmlFor={id('scorecard')}>Scorecard the reviews use</label>
        <select
          id={id('scorecard')}
          data-testid="rule-scorecard"
          value={form.scorecardId}
          onChange={(e) => onChange({ scorecardId: e.target.value })}
          {...hasProblem('scorecardId')}
        >
          {!form.scorecardId && <option value="">Choose a scorecard</option>}
          {cards.map((card) => (
            <option key={card.scorecardId} value={card.scorecardId}>
              {card.name}
            </option>
          ))}
        </select>
        {cardsLoaded && !cards.length && (
          <p className="hint">Publish a scorecard first: sampled reviews use a published one.</p>
        )}
        <FieldProblem problems={problems} formId={formId} path="scorecardId" />
      </div>
      <fieldset className="choices" aria-describedby={describedBy('leadIds')}>
        <legend>Leads who review</legend>
        {leads.map((lead) => (
          <label key={lead.id} className="check">
            <input
              type="checkbox"
              data-testid={`rule-lead-${lead.id}`}
              checked={form.leadIds.includes(lead.id)}
              onChange={(e) =>
                onChange({
                  leadIds: e.target.checked
                    ? leads.filter((l) => l.id === lead.id || form.leadIds.includes(l.id)).map((l) => l.id)
                    : form.leadIds.filter((x) => x !== lead.id),
                })
              }
            />
            {lead.name || lead.id}
          </label>
        ))}
        {!leads.length && <p className="hint">No team leads or admins are known to this app yet.</p>}
        <FieldProblem problems={problems} formId={formId} path="leadIds" />
      </fieldset>
      <fieldset className="choices">
        <legend>What it picks</legend>
        {KINDS.map(({ kind, label }) => (
          <label key={kind} className="check">
            <input
              type="radio"
              name={id('kind')}
              value={kind}
              data-testid={`rule-kind-${kind}`}
              checked={form.kind === kind}
              onChange={() => onChange({ kind })}
            />
            {label}
          </label>
        ))}
      </fieldset>
      {form.kind !== 'risk' && <NumberField key={form.kind} {...NUMBERS[form.kind]} {...fieldProps} />}
      {form.kind === 'risk' && (
        <fieldset className="choices risks" aria-describedby={describedBy('risk')}>
          <legend>Pick a conversation when any of these is true</legend>
          {RISKS.map((risk) => (
            <RiskCondition key={risk.flag} risk={risk} {...fieldProps} />
          ))}
          <FieldProblem problems={problems} formId={formId} path="risk" />
        </fieldset>
      )}
    </>
  );
}
