import type { StateCreator } from 'zustand';
import type { StoredSession, TokenStorage } from '../../shared/ipc';
import type { AppState } from './store';

export interface SessionSlice {
  session: StoredSession | null;
  /** 'loading' until the host answered whether a saved sign-in exists. */
  sessionPhase: 'loading' | 'signed_out' | 'signed_in';
  tokenStorage: TokenStorage | null;
  tokenNotice: string | null;
  setSession: (session: StoredSession | null, storage: TokenStorage, notice: string | null) => void;
}

export const createSessionSlice: StateCreator<AppState, [], [], SessionSlice> = (set) => ({
  session: null,
  sessionPhase: 'loading',
  tokenStorage: null,
  tokenNotice: null,
  setSession: (session, storage, notice) =>
    set({ session, sessionPhase: session ? 'signed_in' : 'signed_out', tokenStorage: storage, tokenNotice: notice }),
});
