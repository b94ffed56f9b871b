import type { StateCreator } from 'zustand';
import type { Health } from '../../shared/api';
import type { AppState } from './store';

export type ServerReach = 'unknown' | 'checking' | 'reachable' | 'unreachable';

export interface ConnectionSlice {
  /** The OS's (or browser's) view of the network. */
  networkOnline: boolean;
  serverReach: ServerReach;
  serverHealth: Health | null;
  lastCheckedAt: number | null;
  screenLocked: boolean;
  idleSeconds: number;
  setNetworkOnline: (online: boolean) => void;
  setServerReach: (reach: ServerReach, health?: Health | null) => void;
  setScreenLocked: (locked: boolean) => void;
  setIdleSeconds: (seconds: number) => void;
}

export const createConnectionSlice: StateCreator<AppState, [], [], ConnectionSlice> = (set) => ({
  networkOnline: true,
  serverReach: 'unknown',
  serverHealth: null,
  lastCheckedAt: null,
  screenLocked: false,
  idleSeconds: 0,
  setNetworkOnline: (networkOnline) => set({ networkOnline }),
  setServerReach: (serverReach, health) =>
    set((state) => ({
      serverReach,
      serverHealth: health === undefined ? state.serverHealth : health,
      lastCheckedAt: serverReach === 'checking' ? state.lastCheckedAt : Date.now(),
    })),
  setScreenLocked: (screenLocked) => set({ screenLocked }),
  setIdleSeconds: (idleSeconds) => set({ idleSeconds }),
});
