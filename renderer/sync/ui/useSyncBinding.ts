import { useContext, useEffect, useState } from 'react';
import { useHost } from '../../host/hostContext';
import { StoreContext, useAppStore } from '../../store/store';
import { bindSync } from './bindSync';
import { SyncDb, syncDbName } from '../db';
import { SyncWorkerContext, type SyncHandle } from './syncContext';

/**
 * Runs sync for the signed-in agent while the workspace is shown: starts (or joins) the worker,
 * opens the same database for live queries, and lets go on sign-out or when the agent changes.
 */
export function useSyncBinding(): SyncHandle | null {
  const host = useHost();
  const store = useContext(StoreContext);
  const openWorker = useContext(SyncWorkerContext);
  const session = useAppStore((s) => s.session);
  const setSyncError = useAppStore((s) => s.setSyncError);
  const [handle, setHandle] = useState<SyncHandle | null>(null);
  const key = session ? `${session.serverUrl}\n${session.agent.id}` : null;

  useEffect(() => {
    if (!session || !store) return;
    let connection;
    try {
      connection = openWorker();
    } catch (err) {
      setSyncError(
        `This browser cannot run Switchboard's sync worker (${(err as Error).message}). Use the desktop app or a current Chrome or Edge.`,
      );
      return;
    }
    const db = new SyncDb(syncDbName(session.serverUrl, session.agent.id));
    let cancelled = false;
    let unbind: (() => Promise<void>) | undefined;
    const nav = typeof navigator === 'undefined' ? undefined : navigator;
    void bindSync({
      host,
      store,
      session,
      connection,
      ...(nav?.storage ? { storage: nav.storage } : {}),
      ...(nav && 'locks' in nav ? { locks: { request: (name, cb) => nav.locks.request(name, () => cb()) } } : {}),
    }).then((stop) => {
      if (cancelled) return void stop();
      unbind = stop;
      // Commands go to the worker only once it started this session: an early click would be refused.
      setHandle({ connection, db, agentId: session.agent.id });
    });
    return () => {
      cancelled = true;
      void unbind?.();
      db.close();
      setHandle(null);
    };
    // The binding follows the agent and server only; a refreshed token is handed over inside it.
  }, [key]);

  return handle;
}
