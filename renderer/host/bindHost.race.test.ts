import { expect, it, vi } from 'vitest';
import type { HostEvent, SettingsView, SwitchboardBridge } from '../../shared/ipc';
import { resolveSettings } from '../../shared/settings';
import { createAppStore } from '../store/store';
import { bindHost } from './bindHost';

const view = (serverUrl: string): SettingsView => ({
  ...resolveSettings({
    user: { serverUrl },
    policy: { status: 'absent', path: 'p' },
    overrides: {},
    overridesBeatPolicy: false,
  }),
  notices: [],
});

it('a slow answer from the old server does not mark the new, dead server reachable', async () => {
  const listeners = new Map<HostEvent, (p: never) => void>();
  const host = {
    kind: 'electron',
    getSettings: () => Promise.resolve(view('https://old.test')),
    getSession: () => Promise.resolve({ session: null, storage: 'keyring', notice: null }),
    on: (e: HostEvent, l: (p: never) => void) => (listeners.set(e, l), () => listeners.delete(e)),
  } as unknown as SwitchboardBridge;
  let releaseOld!: () => void;
  const fetchImpl = vi.fn<typeof fetch>((url) =>
    (url as string).startsWith('https://old.test')
      ? new Promise(
          (r) =>
            (releaseOld = () =>
              r(new Response(JSON.stringify({ status: 'ok', version: '1', db: 'pglite' }), { status: 200 }))),
        )
      : Promise.reject(new TypeError('Failed to fetch')),
  );
  const store = createAppStore();
  const off = await bindHost(host, store, fetchImpl);
  (listeners.get('settings:changed') as (v: SettingsView) => void)(view('https://new.test'));
  await vi.waitFor(() => expect(store.getState().serverReach).toBe('unreachable'));
  releaseOld();
  await new Promise((r) => setTimeout(r, 20));
  off();
  expect(store.getState().serverReach).toBe('unreachable');
});
