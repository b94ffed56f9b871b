import { useId, useState, type FormEvent } from 'react';
import { Dialog } from '../../conversation/Dialog';
import type { ApiSession } from '../qaApi';
import type { ScorecardVersionRow } from '../rows';
import {
  buildDraft,
  emptyCriterion,
  emptySection,
  serverProblemWords,
  withSavedIds,
  type CriterionForm,
  type DraftForm,
  type SectionForm,
} from './draftForm';
import { FieldProblem, invalidProps } from './FieldProblem';
import { FormOutcome } from './Notices';
import { SectionFields } from './SectionFields';
import { createScorecard, failureSentence, publishScorecard, saveScorecardDraft } from './scorecardApi';

/** What the editor opens: a new scorecard, a saved draft, or a draft of the next version seeded from the newest. */
export interface EditorTarget {
  scorecardId: string | null;
  /** The version this draft becomes when published. */
  version: number;
  form: DraftForm;
  /** The form as the server holds it: a saved draft. False for a new card or a next version not saved yet. */
  savedOnServer: boolean;
  /** The published version a next-version draft starts from. */
  basedOn: number | null;
}

const move = <T,>(list: readonly T[], from: number, by: -1 | 1): T[] => {
  const to = from + by;
  if (to < 0 || to >= list.length) return [...list];
  const next = [...list];
  [next[from], next[to]] = [next[to]!, next[from]!];
  return next;
};

/**
 * Creates a scorecard or edits its draft: save the draft as often as wanted, then publish it as the
 * next version. Problems are shown beside their field before anything is sent; a refusal or being
 * offline is said in a sentence and the form keeps everything typed.
 */
export function ScorecardEditor({
  session,
  target,
  onSaved,
  onPublished,
  onClose,
}: {
  session: ApiSession;
  target: EditorTarget;
  onSaved: () => void;
  onPublished: (version: ScorecardVersionRow) => void;
  onClose: () => void;
}) {
  const formId = useId().replace(/[^\w-]/g, '');
  const [form, setForm] = useState<DraftForm>(target.form);
  const [scorecardId, setScorecardId] = useState(target.scorecardId);
  const [version, setVersion] = useState(target.version);
  const [saved, setSaved] = useState<string | null>(target.savedOnServer ? JSON.stringify(target.form) : null);
  const [checked, setChecked] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [focusKey, setFocusKey] = useState<string | null>(null);

  const built = buildDraft(form);
  // Problems show once the lead has tried to save, then follow every change.
  const problems = checked && !built.ok ? built.problems : {};
  const problemText = checked && !built.ok ? 'Not saved: fix the problems marked below.' : problem;
  const unsaved = saved !== JSON.stringify(form);

  const edit = (change: (f: DraftForm) => DraftForm) => {
    setForm(change);
    setNotice(null);
  };
  const editSection = (s: number, change: (section: SectionForm) => SectionForm) =>
    edit((f) => ({ ...f, sections: f.sections.map((x, i) => (i === s ? change(x) : x)) }));
  const editCriteria = (s: number, change: (criteria: CriterionForm[]) => CriterionForm[]) =>
    editSection(s, (section) => ({ ...section, criteria: change(section.criteria) }));

  const addSection = () => {
    const section = emptySection();
    setFocusKey(section.key);
    edit((f) => ({ ...f, sections: [...f.sections, section] }));
  };
  const addCriterion = (s: number) => {
    const criterion = emptyCriterion();
    setFocusKey(criterion.key);
    editCriteria(s, (list) => [...list, criterion]);
  };

  /** Saves the form as the draft; the saved version, or null with the reason shown. */
  const save = async (): Promise<ScorecardVersionRow | null> => {
    setChecked(true);
    setNotice(null);
    setProblem(null);
    if (!built.ok) return null;
    setBusy(true);
    const sent = form;
    const result = scorecardId
      ? await saveScorecardDraft(session, scorecardId, built.input)
      : await createScorecard(session, built.input);
    setBusy(false);
    if (!result.ok) {
      setProblem(failureSentence('Not saved', { ...result, message: serverProblemWords(result.message) }));
      return null;
    }
    setForm((f) => withSavedIds(f, built.ids));
    setSaved(JSON.stringify(withSavedIds(sent, built.ids)));
    setScorecardId(result.data.scorecardId);
    setVersion(result.data.version);
    onSaved();
    return result.data;
  };

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const draft = await save();
    if (draft) setNotice(`Draft of version ${draft.version} saved. Publish it when it is ready.`);
  };

  const askToPublish = () => {
    setChecked(true);
    setNotice(null);
    setProblem(null);
    if (built.ok) setConfirming(true);
  };

  const publish = async () => {
    setConfirming(false);
    let id = scorecardId;
    if (unsaved || !id) {
      const draft = await save();
      if (!draft) return;
      id = draft.scorecardId;
    }
    setBusy(true);
    const result = await publishScorecard(session, id);
    setBusy(false);
    if (!result.ok) {
      setProblem(failureSentence('Not published', result));
      return;
    }
    onPublished(result.data);
  };

  const title = scorecardId
    ? `Edit “${form.name.trim() || 'scorecard'}”: draft of version ${version}`
    : 'New scorecard';

  return (
    <section className="scorecard-editor" aria-labelledby={`${formId}-title`} data-testid="scorecard-editor">
      <h3 id={`${formId}-title`}>{title}</h3>
      {target.basedOn !== null && (
        <p className="hint">
          Version {target.basedOn} stays as it is; your changes become version {version} when you publish them.
        </p>
      )}
      <form noValidate onSubmit={(e) => void onSubmit(e)}>
        <div className="field">
          <label htmlFor={`${formId}-name`}>Scorecard name</label>
          <input
            id={`${formId}-name`}
            data-testid="scorecard-name"
            value={form.name}
            autoFocus={!target.scorecardId}
            onChange={(e) => {
              const name = e.target.value;
              edit((f) => ({ ...f, name }));
            }}
            {...invalidProps(problems, formId, 'name')}
          />
          <FieldProblem problems={problems} formId={formId} path="name" />
        </div>
        {form.sections.map((section, s) => (
          <SectionFields
            key={section.key}
            section={section}
            index={s}
            count={form.sections.length}
            problems={problems}
            formId={formId}
            focusKey={focusKey}
            onTitle={(title) => editSection(s, (x) => ({ ...x, title }))}
            onMove={(by) => edit((f) => ({ ...f, sections: move(f.sections, s, by) }))}
            onRemove={() => edit((f) => ({ ...f, sections: f.sections.filter((_, i) => i !== s) }))}
            onAddCriterion={() => addCriterion(s)}
            onCriterion={(c, patch) =>
              editCriteria(s, (list) => list.map((x, i) => (i === c ? { ...x, ...patch } : x)))
            }
            onMoveCriterion={(c, by) => editCriteria(s, (list) => move(list, c, by))}
            onRemoveCriterion={(c) => editCriteria(s, (list) => list.filter((_, i) => i !== c))}
          />
        ))}
        <FieldProblem problems={problems} formId={formId} path="sections" />
        <button type="button" data-testid="add-section" onClick={addSection}>
          Add section
        </button>
        <FormOutcome
          problem={problemText}
          problemTestId="scorecard-editor-problem"
          notice={notice}
          noticeTestId="scorecard-saved"
        />
        <div className="form-actions">
          <button type="submit" className="primary" data-testid="save-draft" disabled={busy}>
            Save draft
          </button>
          <button type="button" data-testid="publish-scorecard" disabled={busy} onClick={askToPublish}>
            Publish version {version}
          </button>
          <button type="button" data-testid="close-editor" onClick={onClose}>
            {unsaved ? 'Close without saving' : 'Close'}
          </button>
        </div>
      </form>
      {confirming && (
        <Dialog title={`Publish version ${version}?`} onClose={() => setConfirming(false)} testId="publish-dialog">
          <p>
            Reviews started from now on score with version {version} of “{form.name.trim()}”. Past reviews keep the
            version they were scored with.
          </p>
          {unsaved && <p>The changes in this form are saved first.</p>}
          <div className="form-actions">
            <button type="button" className="primary" data-testid="confirm-publish" onClick={() => void publish()}>
              Publish version {version}
            </button>
            <button type="button" data-testid="cancel-publish" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </Dialog>
      )}
    </section>
  );
}
