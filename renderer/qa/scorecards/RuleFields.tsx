import type { Agent } from '../../conversation/rows';
import { FieldProblem, invalidProps, problemId } from './FieldProblem';
import type { RuleForm, RuleKind, RuleProblems } from './samplingForm';
import type { ScorecardSummary } from './scorecardApi';

const KINDS: { kind: RuleKind; label: string }[] = [
  { kind: 'random_share', label: 'A random share of resolved conversations' },
  { kind: 'per_agent_week', label: 'A number per agent per week' },
  { kind: 'risk', label: 'Risk picks' },
];

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
  const hasProblem = (field: keyof RuleProblems) => invalidProps(problems, formId, field);
  // A group is not marked invalid (ARIA allows that on fields only); it points at its problem.
  const describedBy = (field: keyof RuleProblems) => (problems[field] ? problemId(formId, field) : undefined);

  /** A number box beside a risk's checkbox: enabled once the risk is ticked. */
  const riskValue = (field: 'sentiment' | 'reach' | 'handleMinutes', on: boolean, label: string, testId: string) => (
    <span className="risk-value">
      <label htmlFor={id(field)} className="visually-hidden">
        {label}
      </label>
      <input
        id={id(field)}
        data-testid={testId}
        inputMode="numeric"
        size={7}
        disabled={!on}
        value={form[field]}
        onChange={(e) => onChange({ [field]: e.target.value })}
        {...hasProblem(field)}
      />
    </span>
  );

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
      {form.kind === 'random_share' && (
        <div className="field field-narrow">
          <label htmlFor={id('sharePercent')}>Share of resolved conversations (percent)</label>
          <input
            id={id('sharePercent')}
            data-testid="rule-share-percent"
            inputMode="decimal"
            value={form.sharePercent}
            onChange={(e) => onChange({ sharePercent: e.target.value })}
            {...hasProblem('sharePercent')}
          />
          <FieldProblem problems={problems} formId={formId} path="sharePercent" />
        </div>
      )}
      {form.kind === 'per_agent_week' && (
        <div className="field field-narrow">
          <label htmlFor={id('perAgent')}>Conversations per agent per week</label>
          <input
            id={id('perAgent')}
            data-testid="rule-per-agent"
            inputMode="numeric"
            value={form.perAgent}
            onChange={(e) => onChange({ perAgent: e.target.value })}
            {...hasProblem('perAgent')}
          />
          <FieldProblem problems={problems} formId={formId} path="perAgent" />
        </div>
      )}
      {form.kind === 'risk' && (
        <fieldset className="choices risks" aria-describedby={describedBy('risk')}>
          <legend>Pick a conversation when any of these is true</legend>
          <div className="risk">
            <label className="check">
              <input
                type="checkbox"
                data-testid="rule-risk-sentiment"
                checked={form.sentimentOn}
                onChange={(e) => onChange({ sentimentOn: e.target.checked })}
              />
              Sentiment at or below (−5 to 5)
            </label>
            {riskValue('sentiment', form.sentimentOn, 'Sentiment at or below', 'rule-risk-sentiment-value')}
            <FieldProblem problems={problems} formId={formId} path="sentiment" />
          </div>
          <div className="risk">
            <label className="check">
              <input
                type="checkbox"
                data-testid="rule-risk-sla"
                checked={form.slaBreached}
                onChange={(e) => onChange({ slaBreached: e.target.checked })}
              />
              The SLA was breached
            </label>
          </div>
          <div className="risk">
            <label className="check">
              <input
                type="checkbox"
                data-testid="rule-risk-reach"
                checked={form.reachOn}
                onChange={(e) => onChange({ reachOn: e.target.checked })}
              />
              A public complaint from someone with at least this many followers
            </label>
            {riskValue('reach', form.reachOn, 'Followers at least', 'rule-risk-reach-value')}
            <FieldProblem problems={problems} formId={formId} path="reach" />
          </div>
          <div className="risk">
            <label className="check">
              <input
                type="checkbox"
                data-testid="rule-risk-handle"
                checked={form.handleOn}
                onChange={(e) => onChange({ handleOn: e.target.checked })}
              />
              Handle time longer than (minutes)
            </label>
            {riskValue('handleMinutes', form.handleOn, 'Handle time longer than, in minutes', 'rule-risk-handle-value')}
            <FieldProblem problems={problems} formId={formId} path="handleMinutes" />
          </div>
          <div className="risk">
            <label className="check">
              <input
                type="checkbox"
                data-testid="rule-risk-reopened"
                checked={form.reopened}
                onChange={(e) => onChange({ reopened: e.target.checked })}
              />
              It was reopened
            </label>
          </div>
          <FieldProblem problems={problems} formId={formId} path="risk" />
        </fieldset>
      )}
    </>
  );
}
