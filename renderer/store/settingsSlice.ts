import type { StateCreator } from 'zustand';
import type { SettingsView } from '../../shared/ipc';
import type { AppState } from './store';

export interface SettingsSlice {
  settingsView: SettingsView | null;
  settingsOpen: boolean;
  setSettingsView: (view: SettingsView) => void;
  setSettingsOpen: (open: boolean) => void;
}

export const createSettingsSlice: StateCreator<AppState, [], [], SettingsSlice> = (set) => ({
  settingsView: null,
  settingsOpen: false,
  setSettingsView: (settingsView) => set({ settingsView }),
  setSettingsOpen: (settingsOpen) => set({ settingsOpen }),
});
