import { createContext, useContext } from 'react';
import type { SyncDb } from '../db';
import { openSyncWorker, type SyncConnection } from '../syncConnection';

/** What a signed-in window has of sync: the worker's API and the database it reads live. */
export interface SyncHandle {
  connection: SyncConnection;
  db: SyncDb;
  agentId: string;
}

export const SyncContext = createContext<SyncHandle | null>(null);

export function useSync(): SyncHandle | null {
  return useContext(SyncContext);
}

/** How a window reaches its sync worker; tests give a fake. */
export const SyncWorkerContext = createContext<() => SyncConnection>(openSyncWorker);
