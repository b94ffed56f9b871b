import { useLiveQuery } from 'dexie-react-hooks';
import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { AgentSchema, parseRows } from '../../conversation/rows';
import { useSync } from '../../sync/ui/syncContext';
import type { ApiSession } from '../qaApi';
import { FormOutcome, LoadProblem } from './Notices';
import { RuleFields } from './RuleFields';
import { buildRule, describeRule, emptyRuleForm, type RuleForm } from './samplingForm';
import {
  createSamplingRule,
  failureSentence,
  listSamplingRules,
  runSamplingNow,
  type SamplingRuleRow,
  type ScorecardSummary,
} from './scorecardApi';

/**
 * Sampling rules: which resolved conversations get a review, by which leads, with which scorecard.
 * The list, a form for a new rule with what it will do in one sentence, and running them now.
 */
export function SamplingRules({ session, cards }: { session: ApiSession; cards: readonly ScorecardSummary[] | null }) {
  const formId = useId().replace(/[^\w-]/g, '');
  const sync = useSync();
  const leads = useLiveQuery(
    async () =>
      sync
        ? parseRows(AgentSchema, await sync.db.agents.toArray())
            .filter((a) => a.role === 'lead' || a.role === 'admin')
            .sort((a, b) => a.name.localeCompare(b.name))
        : [],
    [sync],
  );
  const published = (cards ?? []).filter((c) => c.published);

  const [rules, setRules] = useState<SamplingRuleRow[] | null>(null);
  const [listProblem, setListProblem] = useState<string | null>(null);
  const [form, setForm] = useState<RuleForm>(() => emptyRuleForm());
  const [checked, setChecked] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const [runResult, setRunResult] = useState<{ ok: boolean; text: string } | null>(null);

  const load = useCallback(async () => {
    const result = await listSamplingRules(session);
    if (result.ok) {
      setRules(result.data);
      setListProblem(null);
    } else setListProblem(`Sampling rules could not be loaded: ${result.message}`);
  }, [session]);
  useEffect(() => {
    void load();
  }, [load]);

  // The first published scorecard is the likely one; the lead can pick another.
  const firstCard = published[0]?.scorecardId ?? '';
  useEffect(() => {
    if (firstCard) setForm((f) => (f.scorecardId ? f : { ...f, scorecardId: firstCard }));
  }, [firstCard]);

  const cardName = (id: string) =>
    (cards ?? []).find((c) => c.scorecardId === id)?.name ?? 'a scorecard no longer listed';
  const leadNames = (ids: readonly string[]) => ids.map((id) => leads?.find((l) => l.id === id)?.name || id);

  const built = buildRule(form);
  const problems = checked && !built.ok ? built.problems : {};
  const problemText = checked && !built.ok ? 'Not saved: fix the problems marked above.' : problem;
  const summary = built.ok
    ? describeRule(built.input.rule, cardName(built.input.scorecardId), leadNames(built.input.leadIds))
    : 'Fill in the rule to see what it will do.';

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setChecked(true);
    setNotice(null);
    setProblem(null);
    if (!built.ok) return;
    setBusy(true);
    const result = await createSamplingRule(session, built.input);
    setBusy(false);
    if (!result.ok) {
      setProblem(failureSentence('Not saved', result));
      return;
    }
    setNotice(`Rule “${built.input.name}” saved. It runs every ten minutes, or now with “Run sampling now”.`);
    setChecked(false);
    setForm(emptyRuleForm(firstCard));
    void load();
  };

  const run = async () => {
    setRunning(true);
    const result = await runSamplingNow(session);
    setRunning(false);
    if (!result.ok) {
      setRunResult({
        ok: false,
        text:
          result.status === 0
            ? `Sampling did not run: you are offline. ${result.message}`
            : `Sampling did not run: ${result.message}`,
      });
      return;
    }
    const n = result.data.assigned;
    setRunResult({
      ok: true,
      text:
        n === 0
          ? 'Sampling ran: no new review assignments (every conversation the rules pick already has one).'
          : `Sampling ran: ${n} new review ${n === 1 ? 'assignment' : 'assignments'} made.`,
    });
  };

  return (
    <section className="sampling-rules" aria-labelledby={`${formId}-title`} data-testid="sampling-rules">
      <div className="section-title-row">
        <h3 id={`${formId}-title`}>Sampling rules</h3>
        <button type="button" data-testid="run-sampling" disabled={running} onClick={() => void run()}>
          {running ? 'Running…' : 'Run sampling now'}
        </button>
      </div>
      {runResult && (
        <p className={runResult.ok ? 'saved-notice' : 'error'} role="status" data-testid="sampling-run-result">
          {runResult.text}
        </p>
      )}
      <LoadProblem problem={listProblem} testId="sampling-rules-problem" onRetry={() => void load()} />
      {rules && !rules.length && <p data-testid="sampling-rules-empty">No sampling rules yet.</p>}
      {rules && rules.length > 0 && (
        <ul className="rule-list" data-testid="sampling-rule-list">
          {rules.map((rule) => (
            <li key={rule.id} data-testid={`sampling-rule-${rule.id}`}>
              <span className="rule-name">{rule.name}</span>
              {!rule.enabled && <span className="draft-pending">Paused</span>}
              <span>
                {rule.rule
                  ? describeRule(rule.rule, cardName(rule.scorecardId), leadNames(rule.leadIds))
                  : 'A kind of rule this version of the app does not know.'}
              </span>
            </li>
          ))}
        </ul>
      )}
      <form className="rule-form" noValidate onSubmit={(e) => void onSubmit(e)} aria-labelledby={`${formId}-new`}>
        <h4 id={`${formId}-new`}>New sampling rule</h4>
        <RuleFields
          form={form}
          problems={problems}
          formId={formId}
          cards={published}
          cardsLoaded={cards !== null}
          leads={leads ?? []}
          onChange={(patch) => {
            setForm((f) => ({ ...f, ...patch }));
            setNotice(null);
          }}
        />
        <p className="rule-summary" data-testid="rule-summary">
          {summary}
        </p>
        <FormOutcome problem={problemText} problemTestId="rule-problem" notice={notice} noticeTestId="rule-saved" />
        <button type="submit" className="primary" data-testid="save-rule" disabled={busy}>
          Save rule
        </button>
      </form>
    </section>
  );
}
