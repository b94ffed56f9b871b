import type { StateCreator } from 'zustand';
import { DEFAULT_FILTER, type InboxFilter } from '../inbox/inboxIndex';
import type { AppState } from './store';

export interface InboxSlice {
  inboxFilter: InboxFilter;
  /** The conversation shown beside the inbox. */
  openConversationId: string | null;
  setInboxFilter: (patch: Partial<InboxFilter>) => void;
  openConversation: (id: string | null) => void;
}

export const createInboxSlice: StateCreator<AppState, [], [], InboxSlice> = (set) => ({
  inboxFilter: DEFAULT_FILTER,
  openConversationId: null,
  setInboxFilter: (patch) => set((s) => ({ inboxFilter: { ...s.inboxFilter, ...patch } })),
  openConversation: (openConversationId) => set({ openConversationId }),
});
