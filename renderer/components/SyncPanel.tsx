import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import type { SyncIssueRow } from '../sync/db';
import { useAppStore } from '../store/store';
import { useSync } from '../sync/ui/syncContext';
import { describeOp, describeReason } from '../sync/syncWords';
import type { IssueAction } from '../sync/workerProtocol';
import { ReviewConflict } from '../qa/review/ReviewConflict';

function when(ms: number | null): string {
  return ms ? new Date(ms).toLocaleString() : 'not yet';
}

/**
 * Sync details and the "Sync issues" list: every action the server refused, with its reason and
 * what can be done with it. Nothing refused is ever dropped without the agent choosing so.
 */
export function SyncPanel({ onClose }: { onClose: () => void }) {
  const sync = useSync();
  const status = useAppStore((s) => s.syncStatus);
  const error = useAppStore((s) => s.syncError);
  const [actionError, setActionError] = useState<string | null>(null);
  const issues = useLiveQuery(() => (sync ? sync.db.syncIssues.orderBy('createdAt').toArray() : []), [sync]) ?? [];
  const drafts = useLiveQuery(() => (sync ? sync.db.drafts.toArray() : []), [sync]) ?? [];
  const targets =
    useLiveQuery(
      () => (sync ? sync.db.conversations.where('assignedAgentId').equals(sync.agentId).toArray() : []),
      [sync],
    ) ?? [];

  const act = (action: IssueAction, issue: SyncIssueRow, conversationId?: string) => {
    setActionError(null);
    sync?.connection
      .issue(action, issue.id, conversationId)
      .catch((err: unknown) => setActionError((err as Error).message));
  };

  return (
    <section className="panel sync-panel" role="dialog" aria-labelledby="sync-title" data-testid="sync-panel">
      <header className="panel-header">
        <h2 id="sync-title">Sync</h2>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </header>
      {error && (
        <p className="notice notice-error" role="alert">
          {error}
        </p>
      )}
      {status?.problem && (
        <p className="notice notice-error" role="alert" data-testid="sync-problem">
          {status.problem.message}
        </p>
      )}
      {status?.stuck && (
        <p className="notice notice-error" role="alert" data-testid="sync-stuck">
          Your queued actions have not reached the server for a while. They are safe on this computer. Check the network
          or ask IT whether the Switchboard server is reachable.
        </p>
      )}
      {status?.storage.persisted === false && (
        <p className="notice" data-testid="sync-not-persisted">
          This browser may clear offline data when the disk is short of space. Use the desktop app, or allow this site
          to store data persistently, so queued work cannot be cleared.
        </p>
      )}
      <dl className="facts">
        <dt>Queued</dt>
        <dd data-testid="sync-pending">{status?.pending ?? 0}</dd>
        <dt>Oldest queued</dt>
        <dd>{when(status?.oldestPendingAt ?? null)}</dd>
        <dt>Last synced</dt>
        <dd>{when(status?.lastSyncedAt ?? null)}</dd>
      </dl>
      <h3>Sync issues</h3>
      {actionError && (
        <p className="notice notice-error" role="alert">
          {actionError}
        </p>
      )}
      {issues.length === 0 ? (
        <p data-testid="sync-issues-empty">Nothing needs your attention.</p>
      ) : (
        <ul className="sync-issues" data-testid="sync-issues">
          {issues.map((issue) => {
            const op = issue.op;
            const forwardTo =
              op.type === 'conversation.reply' ? targets.filter((c) => c.id !== op.payload.conversationId) : [];
            return (
              <li key={issue.id} data-testid="sync-issue">
                <p>
                  <strong>{describeOp(op)}</strong> was not applied: {describeReason(issue.reason, issue.detail)}.
                </p>
                {op.type === 'review.save' && issue.reason === 'version_conflict' && sync ? (
                  <ReviewConflict
                    db={sync.db}
                    op={op}
                    onKeepMine={() => act('keep_mine', issue)}
                    onKeepTheirs={() => act('discard', issue)}
                  />
                ) : (
                  <div className="actions">
                    <button
                      type="button"
                      // A submit refused because another lead saved first: submit on top of their version.
                      onClick={() =>
                        act(
                          op.type === 'review.submit' && issue.reason === 'version_conflict' ? 'keep_mine' : 'retry',
                          issue,
                        )
                      }
                    >
                      Try again
                    </button>
                    {(op.type === 'conversation.reply' || op.type === 'conversation.note') && (
                      <button type="button" onClick={() => act('draft', issue)}>
                        Keep as draft
                      </button>
                    )}
                    {forwardTo.length > 0 && (
                      <select
                        aria-label="Send it on another conversation"
                        value=""
                        onChange={(e) => act('forward', issue, e.target.value)}
                      >
                        <option value="" disabled>
                          Send on another conversation…
                        </option>
                        {forwardTo.map((c) => (
                          <option key={c.id} value={c.id}>
                            {typeof c.subject === 'string' ? c.subject : c.id}
                          </option>
                        ))}
                      </select>
                    )}
                    <button type="button" onClick={() => act('discard', issue)}>
                      Discard
                    </button>
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {drafts.length > 0 && (
        <>
          <h3>Drafts kept from refused replies</h3>
          <ul data-testid="sync-drafts">
            {drafts.map((d) => (
              <li key={d.id}>
                “{d.body}” ({describeReason(d.reason)})
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
