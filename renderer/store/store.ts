import { createContext, useContext } from 'react';
import { createStore, useStore, type StoreApi } from 'zustand';
import { createConnectionSlice, type ConnectionSlice } from './connectionSlice';
import { createInboxSlice, type InboxSlice } from './inboxSlice';
import { createQaSlice, type QaSlice } from './qaSlice';
import { createSessionSlice, type SessionSlice } from './sessionSlice';
import { createSettingsSlice, type SettingsSlice } from './settingsSlice';
import { createSyncSlice, type SyncSlice } from './syncSlice';

/** UI state only; domain data (conversations, messages) will be read live from Dexie. */
export type AppState = SessionSlice & ConnectionSlice & SettingsSlice & SyncSlice & InboxSlice & QaSlice;
export type AppStore = StoreApi<AppState>;

/** One store per app (and per test): tests never share state. */
export function createAppStore(): AppStore {
  return createStore<AppState>()((...a) => ({
    ...createSessionSlice(...a),
    ...createConnectionSlice(...a),
    ...createSettingsSlice(...a),
    ...createSyncSlice(...a),
    ...createInboxSlice(...a),
    ...createQaSlice(...a),
  }));
}

export const StoreContext = createContext<AppStore | null>(null);

export function useAppStore<T>(selector: (state: AppState) => T): T {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useAppStore needs a StoreContext provider');
  return useStore(store, selector);
}
