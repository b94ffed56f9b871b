import type { SwitchboardBridge } from '../shared/ipc';

// The Electron suite reads the bridge the preload exposes.
declare global {
  interface Window {
    switchboard?: SwitchboardBridge;
  }
}
