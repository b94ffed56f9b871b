import type { SwitchboardBridge } from '../../shared/ipc';
import { createBrowserHost } from './browserHost';

/**
 * What the renderer needs from where it runs: the Electron bridge (`window.switchboard`) in the
 * desktop app, browser APIs in the web agent. Nothing else in the renderer knows the difference.
 */
export type Host = SwitchboardBridge;

declare global {
  interface Window {
    switchboard?: SwitchboardBridge;
  }
}

export function pickHost(win: Window = window): Host {
  return win.switchboard ?? createBrowserHost(win);
}
