import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Health } from '../../shared/api';
import type {
  HostEvent,
  HostEventPayload,
  SessionStatus,
  SettingsView,
  StoredSession,
  SwitchboardBridge,
} from '../../shared/ipc';
import { resolveSettings, type PartialSettings } from '../../shared/settings';
import { createAppStore, type AppStore } from '../store/store';
import { bindHost } from './bindHost';

const serverUrl = 'https://switchboard.acme.test';
const health: Health = { status: 'ok', version: '0.1.0', db: 'pglite' };

const session: StoredSession = {
  token: 'tok-123',
  serverUrl,
  agent: { id: 'a1', name: 'Dana Reyes', email: 'dana@acme.test', role: 'agent' },
  expiresAt: '2030-01-01T00:00:00.000Z',
};

function settingsView(user: PartialSettings = {}): SettingsView {
  const resolved = resolveSettings({
    user: { serverUrl, ...user },
    policy: { status: 'absent', path: 'test policy' },
    overrides: {},
    overridesBeatPolicy: false,
  });
  return { ...resolved, notices: [] };
}

type Listener = (payload: never) => void;

/** The bridge with its settings and session in memory and its signals sent by the test. */
function fakeHost({ session: saved = null }: { session?: StoredSession | null } = {}) {
  const listeners = new Map<HostEvent, Set<Listener>>();
  const status: SessionStatus = { session: saved, storage: 'keyring', notice: null };
  const host: SwitchboardBridge = {
    kind: 'electron',
    appInfo: () => Promise.reject(new Error('not used')),
    diagnostics: () => Promise.reject(new Error('not used')),
    getSettings: () => Promise.resolve(settingsView()),
    updateSettings: () => Promise.reject(new Error('not used')),
    getSession: () => Promise.resolve(status),
    saveSession: () => Promise.reject(new Error('not used')),
    clearSession: () => Promise.reject(new Error('not used')),
    openExternal: () => Promise.reject(new Error('not used')),
    setBadge: () => Promise.resolve(),
    notify: () => Promise.resolve({ shown: false }),
    requestNotifications: () => Promise.resolve(false),
    on: (event, listener) => {
      const set = listeners.get(event) ?? new Set<Listener>();
      listeners.set(event, set);
      set.add(listener);
      return () => set.delete(listener);
    },
  };
  const emit = <E extends HostEvent>(event: E, payload: HostEventPayload<E>) =>
    listeners.get(event)?.forEach((l) => (l as (p: HostEventPayload<E>) => void)(payload));
  const listenerCount = () => [...listeners.values()].reduce((n, set) => n + set.size, 0);
  return { host, emit, listenerCount };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

/** A server whose /healthz answer the test can change between checks. */
function fakeServer(answer: () => Promise<Response> = () => Promise.resolve(json(200, health))) {
  const server = { answer };
  const fetchImpl = vi.fn<typeof fetch>(() => server.answer());
  return { server, fetchImpl };
}

const fetchedUrls = (fetchImpl: ReturnType<typeof fakeServer>['fetchImpl']) => fetchImpl.mock.calls.map(([url]) => url);

async function reachSettles(store: AppStore, reach: 'reachable' | 'unreachable') {
  await vi.waitFor(() => expect(store.getState().serverReach).toBe(reach));
}

let cleanup: (() => void) | undefined;

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  cleanup?.();
  cleanup = undefined;
  vi.useRealTimers();
});

async function bind(options: { session?: StoredSession | null; answer?: () => Promise<Response> } = {}) {
  const fake = fakeHost(options);
  const { server, fetchImpl } = fakeServer(options.answer);
  const store = createAppStore();
  cleanup = await bindHost(fake.host, store, fetchImpl);
  return { ...fake, server, fetchImpl, store };
}

describe('bindHost start-up', () => {
  it("puts the host's settings in the store and shows the sign-in screen when no session is saved", async () => {
    const { store } = await bind();

    expect(store.getState().settingsView).toEqual(settingsView());
    expect(store.getState().sessionPhase).toBe('signed_out');
    expect(store.getState().session).toBeNull();
    expect(store.getState().tokenStorage).toBe('keyring');
  });

  it('restores a saved session as signed in', async () => {
    const { store } = await bind({ session });

    expect(store.getState().sessionPhase).toBe('signed_in');
    expect(store.getState().session).toEqual(session);
  });
});

describe('bindHost server reachability', () => {
  it('marks the server reachable with its health when /healthz answers 200 with a health report', async () => {
    const boundAt = Date.now();
    const { store, fetchImpl } = await bind();

    await reachSettles(store, 'reachable');

    expect(store.getState().serverHealth).toEqual(health);
    expect(store.getState().lastCheckedAt).toBeGreaterThanOrEqual(boundAt);
    expect(fetchedUrls(fetchImpl)).toEqual(['https://switchboard.acme.test/healthz']);
  });

  it('marks the server unreachable when the request fails', async () => {
    const { store } = await bind({ answer: () => Promise.reject(new TypeError('Failed to fetch')) });

    await reachSettles(store, 'unreachable');
    expect(store.getState().serverHealth).toBeNull();
  });

  it('marks the server unreachable when /healthz answers 503', async () => {
    const { store } = await bind({ answer: () => Promise.resolve(json(503, { status: 'starting' })) });

    await reachSettles(store, 'unreachable');
  });

  it('marks the server unreachable when /healthz answers 200 with something other than a health report', async () => {
    const { store } = await bind({ answer: () => Promise.resolve(json(200, { hello: 'world' })) });

    await reachSettles(store, 'unreachable');
  });

  it('drops the last known health once the server stops answering', async () => {
    const { store, server } = await bind();
    await reachSettles(store, 'reachable');

    server.answer = () => Promise.reject(new TypeError('Failed to fetch'));
    vi.advanceTimersByTime(15_000);

    await reachSettles(store, 'unreachable');
    expect(store.getState().serverHealth).toBeNull();
  });

  it('checks the server again every 15 s', async () => {
    const { store, fetchImpl } = await bind();
    await reachSettles(store, 'reachable');

    vi.advanceTimersByTime(14_000);
    expect(fetchImpl).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1_000);
    expect(fetchImpl).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(15_000);
    expect(fetchImpl).toHaveBeenCalledTimes(3);
  });
});

describe('bindHost host signals', () => {
  it('marks the network offline and the server unreachable when the host loses the network', async () => {
    const { store, emit } = await bind();
    await reachSettles(store, 'reachable');

    emit('host:network', { online: false });

    expect(store.getState().networkOnline).toBe(false);
    expect(store.getState().serverReach).toBe('unreachable');
  });

  it('checks the server at once when the network comes back', async () => {
    const { store, emit, fetchImpl, server } = await bind({
      answer: () => Promise.reject(new TypeError('Failed to fetch')),
    });
    await reachSettles(store, 'unreachable');
    emit('host:network', { online: false });

    server.answer = () => Promise.resolve(json(200, health));
    emit('host:network', { online: true });

    expect(store.getState().networkOnline).toBe(true);
    expect(fetchImpl).toHaveBeenCalledTimes(2);
    await reachSettles(store, 'reachable');
  });

  it('checks the server at once when the machine resumes, not when it suspends', async () => {
    const { store, emit, fetchImpl } = await bind();
    await reachSettles(store, 'reachable');

    emit('host:power', { state: 'suspend' });
    expect(fetchImpl).toHaveBeenCalledTimes(1);
    emit('host:power', { state: 'resume' });
    expect(fetchImpl).toHaveBeenCalledTimes(2);
  });

  it('records when the screen is locked and unlocked', async () => {
    const { store, emit } = await bind();

    emit('host:screen', { state: 'lock' });
    expect(store.getState().screenLocked).toBe(true);
    emit('host:screen', { state: 'unlock' });
    expect(store.getState().screenLocked).toBe(false);
  });

  it("records the agent's idle seconds", async () => {
    const { store, emit } = await bind();

    emit('host:idle', { idleSeconds: 42 });

    expect(store.getState().idleSeconds).toBe(42);
  });

  it('checks the new server when the server address changes', async () => {
    const { store, emit, fetchImpl } = await bind();
    await reachSettles(store, 'reachable');

    const moved = settingsView({ serverUrl: 'https://eu.switchboard.acme.test' });
    emit('settings:changed', moved);

    expect(store.getState().settingsView).toEqual(moved);
    expect(fetchedUrls(fetchImpl)).toEqual([
      'https://switchboard.acme.test/healthz',
      'https://eu.switchboard.acme.test/healthz',
    ]);
    await reachSettles(store, 'reachable');
  });

  it('does not re-check the server when a setting other than its address changes', async () => {
    const { store, emit, fetchImpl } = await bind();
    await reachSettles(store, 'reachable');

    emit('settings:changed', settingsView({ theme: 'dark' }));

    expect(store.getState().settingsView?.settings.theme).toBe('dark');
    expect(fetchImpl).toHaveBeenCalledTimes(1);
  });
});

describe('bindHost cleanup', () => {
  it('stops the periodic check and stops listening to the host', async () => {
    const { store, emit, fetchImpl, listenerCount } = await bind();
    await reachSettles(store, 'reachable');
    expect(listenerCount()).toBe(5);

    cleanup?.();
    cleanup = undefined;
    vi.advanceTimersByTime(60_000);
    emit('host:network', { online: true });
    emit('host:power', { state: 'resume' });
    emit('host:screen', { state: 'lock' });

    expect(fetchImpl).toHaveBeenCalledTimes(1);
    expect(store.getState().screenLocked).toBe(false);
    expect(listenerCount()).toBe(0);
  });
});
