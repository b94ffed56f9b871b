import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { HostEvent, IpcChannel, IpcRequest, IpcResponse, IpcResult, SwitchboardBridge } from '../shared/ipc';

// Sandboxed preload: only `electron` at run time; everything from shared/ is types.
// Channel names are checked against shared/ipc.ts by the compiler.

async function invoke<C extends IpcChannel>(channel: C, request?: IpcRequest<C>): Promise<IpcResponse<C>> {
  const result = (await ipcRenderer.invoke(channel, request)) as IpcResult<IpcResponse<C>>;
  if (result.ok) return result.value;
  const error = new Error(result.error.message) as Error & { code: string };
  error.name = 'BridgeError';
  error.code = result.error.code;
  throw error;
}

const events: readonly HostEvent[] = [
  'host:network',
  'host:power',
  'host:screen',
  'host:idle',
  'host:notificationClicked',
  'settings:changed',
];

const bridge: SwitchboardBridge = {
  kind: 'electron',
  appInfo: () => invoke('app:info'),
  diagnostics: () => invoke('app:diagnostics'),
  getSettings: () => invoke('settings:get'),
  updateSettings: (patch) => invoke('settings:update', patch),
  getSession: () => invoke('session:get'),
  saveSession: (session) => invoke('session:save', session),
  clearSession: () => invoke('session:clear'),
  openExternal: (url) => invoke('shell:openExternal', { url }),
  setBadge: async (count) => {
    await invoke('badge:set', { count });
  },
  notify: (notification) => invoke('notify:show', notification),
  // Main decides per notification (the setting, OS support); there is no permission to ask for.
  requestNotifications: () => Promise.resolve(true),
  on: (event, listener) => {
    if (!events.includes(event)) throw new Error(`unknown host event ${String(event)}`);
    const wrapped = (_event: IpcRendererEvent, payload: unknown) => listener(payload as never);
    ipcRenderer.on(event, wrapped);
    return () => {
      ipcRenderer.removeListener(event, wrapped);
    };
  },
};

contextBridge.exposeInMainWorld('switchboard', bridge);
