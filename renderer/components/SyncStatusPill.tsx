import { useEffect, useState } from 'react';
import { useAppStore } from '../store/store';
import type { WorkerStatus } from '../sync/workerProtocol';

export type SyncState = 'starting' | 'error' | 'signing_in' | 'stuck' | 'offline' | 'syncing' | 'saved';

export function syncState(status: WorkerStatus | null, error: string | null): SyncState {
  if (error) return 'error';
  if (!status) return 'starting';
  if (status.needsToken) return 'signing_in';
  if (status.stuck) return 'stuck';
  if (status.connection === 'offline') return 'offline';
  if (status.connection === 'syncing' || status.pending > 0) return 'syncing';
  return 'saved';
}

function age(ms: number, now: number): string {
  const minutes = Math.floor((now - ms) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function syncLabel(status: WorkerStatus | null, error: string | null, now: number): string {
  const state = syncState(status, error);
  const queued = status ? `${status.pending} action${status.pending === 1 ? '' : 's'} queued` : '';
  const oldest = status?.oldestPendingAt ? `, oldest ${age(status.oldestPendingAt, now)}` : '';
  switch (state) {
    case 'starting':
      return 'Starting sync…';
    case 'error':
      return 'Sync stopped';
    case 'signing_in':
      return 'Renewing your sign-in…';
    case 'stuck':
      return `${queued}${oldest}: not reaching the server`;
    case 'offline':
      return status!.pending > 0 ? `Offline · ${queued}${oldest}` : 'Offline · changes are saved here';
    case 'syncing':
      return `Syncing · ${queued}`;
    case 'saved':
      return 'All changes saved';
  }
}

/** The sync line in the top bar: what is queued and how old it is, so nobody wonders. */
export function SyncStatusPill({ onOpen }: { onOpen: () => void }) {
  const status = useAppStore((s) => s.syncStatus);
  const error = useAppStore((s) => s.syncError);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  const state = syncState(status, error);
  return (
    <button
      type="button"
      className={`sync sync-${state}`}
      data-testid="sync-status"
      data-state={state}
      data-pending={status?.pending ?? 0}
      aria-live="polite"
      onClick={onOpen}
      title="Show sync details"
    >
      {syncLabel(status, error, now)}
      {status && status.issues > 0 && (
        <span className="sync-issues-count" data-testid="sync-issue-count">
          {' '}
          · {status.issues} need{status.issues === 1 ? 's' : ''} you
        </span>
      )}
    </button>
  );
}
