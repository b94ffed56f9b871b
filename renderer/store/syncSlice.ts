import type { StateCreator } from 'zustand';
import type { WorkerStatus } from '../sync/workerProtocol';
import type { AppState } from './store';

export interface SyncSlice {
  /** What the sync worker last said (null until it answered). */
  syncStatus: WorkerStatus | null;
  /** Sync could not start or a command failed: the sentence to show, with what to do. */
  syncError: string | null;
  /** One command could not be queued (storage full, invalid): shown until dismissed; sync goes on. */
  commandError: string | null;
  setSyncStatus: (status: WorkerStatus | null) => void;
  setSyncError: (message: string | null) => void;
  setCommandError: (message: string | null) => void;
}

export const createSyncSlice: StateCreator<AppState, [], [], SyncSlice> = (set) => ({
  syncStatus: null,
  syncError: null,
  commandError: null,
  setSyncStatus: (syncStatus) => set({ syncStatus }),
  setSyncError: (syncError) => set({ syncError }),
  setCommandError: (commandError) => set({ commandError }),
});
