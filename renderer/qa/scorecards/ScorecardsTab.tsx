import { useCallback, useEffect, useMemo, useState } from 'react';
import { useAppStore } from '../../store/store';
import type { ApiSession } from '../qaApi';
import { draftFromVersion, emptyDraft } from './draftForm';
import { LoadProblem } from './Notices';
import { SamplingRules } from './SamplingRules';
import { ScorecardEditor, type EditorTarget } from './ScorecardEditor';
import { ScorecardList } from './ScorecardList';
import { listScorecardVersions, summarize, type ScorecardSummary } from './scorecardApi';
import './scorecards.css';

/** Where a scorecard's editing starts: its pending draft, or a draft of the next version seeded from the newest. */
function editTarget(card: ScorecardSummary): EditorTarget {
  if (card.draft)
    return {
      scorecardId: card.scorecardId,
      version: card.draft.version,
      form: draftFromVersion(card.draft),
      savedOnServer: true,
      basedOn: card.published?.version ?? null,
    };
  // A scorecard always has a version: without a draft, it has a published one.
  const from = card.published!;
  return {
    scorecardId: card.scorecardId,
    version: from.version + 1,
    form: draftFromVersion(from),
    savedOnServer: false,
    basedOn: from.version,
  };
}

/**
 * Scorecards and sampling (issue 8), for team leads and admins: the scorecards with their versions,
 * the editor for a new scorecard or the next version's draft, and the sampling rules. Online only:
 * offline, each part says so and keeps what was typed.
 */
export function ScorecardsTab() {
  const session = useAppStore((s) => s.session);
  const serverUrl = session?.serverUrl;
  const token = session?.token;
  const [cards, setCards] = useState<ScorecardSummary[] | null>(null);
  const [listProblem, setListProblem] = useState<string | null>(null);
  const [editing, setEditing] = useState<{ key: number; target: EditorTarget } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  // Only what HTTP needs: a renewed session object must not reload the lists.
  const api = useMemo<ApiSession | null>(() => (serverUrl && token ? { serverUrl, token } : null), [serverUrl, token]);
  const load = useCallback(async () => {
    if (!serverUrl || !token) return;
    const result = await listScorecardVersions({ serverUrl, token });
    if (result.ok) {
      setCards(summarize(result.data));
      setListProblem(null);
    } else setListProblem(`Scorecards could not be loaded: ${result.message}`);
  }, [serverUrl, token]);
  useEffect(() => {
    void load();
  }, [load]);

  const open = (target: EditorTarget) => {
    setNotice(null);
    setEditing({ key: Date.now(), target });
  };

  return (
    <section className="scorecards-tab" aria-labelledby="scorecards-tab-title" data-testid="scorecards-tab">
      <h2 id="scorecards-tab-title">Scorecards and sampling</h2>
      {!api ? (
        <p>Sign in to manage scorecards.</p>
      ) : (
        <>
          <section className="scorecards" aria-labelledby="scorecards-title">
            <div className="section-title-row">
              <h3 id="scorecards-title">Scorecards</h3>
              <button
                type="button"
                data-testid="new-scorecard"
                onClick={() =>
                  open({ scorecardId: null, version: 1, form: emptyDraft(), savedOnServer: false, basedOn: null })
                }
              >
                New scorecard
              </button>
            </div>
            {notice && (
              <p className="saved-notice" role="status" data-testid="scorecard-published">
                {notice}
              </p>
            )}
            <LoadProblem problem={listProblem} testId="scorecards-problem" onRetry={() => void load()} />
            {!cards && !listProblem && <p>Loading scorecards…</p>}
            {cards && <ScorecardList cards={cards} onEdit={(card) => open(editTarget(card))} />}
          </section>
          {editing && (
            <ScorecardEditor
              key={editing.key}
              session={api}
              target={editing.target}
              onSaved={() => void load()}
              onPublished={(version) => {
                setEditing(null);
                setNotice(
                  `Version ${version.version} of “${version.name}” is published. Reviews already scored keep the version they were scored with.`,
                );
                void load();
              }}
              onClose={() => setEditing(null)}
            />
          )}
          <SamplingRules session={api} cards={cards} />
        </>
      )}
    </section>
  );
}
