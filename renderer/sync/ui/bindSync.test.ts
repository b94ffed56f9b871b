import { describe, expect, it, vi } from 'vitest';
import type { HostEvent, HostEventPayload, SessionStatus, StoredSession, SwitchboardBridge } from '../../../shared/ipc';
import { createAppStore } from '../../store/store';
import { SyncConnection, type WorkerPortLike } from '../syncConnection';
import { workerStatus } from '../../test/workerStatus';
import type { WorkerMessage, WorkerRequest } from '../workerProtocol';
import { bindSync } from './bindSync';

const session: StoredSession = {
  token: 'tok-1',
  refreshToken: 'ref-1',
  serverUrl: 'https://switchboard.acme.test',
  agent: { id: 'a1', name: 'Dana Reyes', email: 'dana@acme.test', role: 'agent' },
  expiresAt: '2030-01-01T00:00:00.000Z',
};

const status = workerStatus;

/** The worker's side of the port: records requests and answers them; the test sends the rest. */
class FakeWorker implements WorkerPortLike {
  readonly sent: WorkerRequest[] = [];
  failStart: string | null = null;
  private listener: ((event: MessageEvent) => void) | undefined;
  postMessage(request: WorkerRequest): void {
    this.sent.push(request);
    const answer: WorkerMessage =
      request.kind === 'start' && this.failStart
        ? { kind: 'reply', id: request.id, ok: false, error: { code: 'newer_data', message: this.failStart } }
        : { kind: 'reply', id: request.id, ok: true, value: request.kind === 'start' ? { clientId: 'c1' } : null };
    queueMicrotask(() => this.emit(answer));
  }
  addEventListener(_type: 'message', listener: (event: MessageEvent) => void): void {
    this.listener = listener;
  }
  emit(message: WorkerMessage): void {
    this.listener?.({ data: message } as MessageEvent);
  }
  kinds(): string[] {
    return this.sent.map((r) => r.kind);
  }
}

function fakeHost(saved: StoredSession | null = session) {
  const listeners = new Map<HostEvent, Set<(p: never) => void>>();
  let current: SessionStatus = { session: saved, storage: 'keyring', notice: null };
  const host = {
    kind: 'electron',
    getSession: vi.fn(() => Promise.resolve(current)),
    saveSession: vi.fn((s: StoredSession) => {
      current = { session: s, storage: 'keyring', notice: null };
      return Promise.resolve(current);
    }),
    clearSession: vi.fn(() => {
      current = { session: null, storage: 'keyring', notice: null };
      return Promise.resolve(current);
    }),
    on: (event: HostEvent, listener: (p: never) => void) => {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener);
      return () => set.delete(listener);
    },
  } as unknown as SwitchboardBridge;
  const emit = <E extends HostEvent>(event: E, payload: HostEventPayload<E>) =>
    listeners.get(event)?.forEach((l) => (l as (p: HostEventPayload<E>) => void)(payload));
  return { host, emit };
}

const okJson = (body: unknown) => Promise.resolve(new Response(JSON.stringify(body), { status: 200 }));
const refreshed = {
  token: 'tok-2',
  refreshToken: 'ref-2',
  agent: session.agent,
  expiresAt: '2030-01-02T00:00:00.000Z',
};

async function setUp(options: { saved?: StoredSession | null; fetchImpl?: typeof fetch; failStart?: string } = {}) {
  const worker = new FakeWorker();
  worker.failStart = options.failStart ?? null;
  const connection = new SyncConnection(worker);
  const store = createAppStore();
  store.getState().setSession(session, 'keyring', null);
  const { host, emit } = fakeHost(options.saved === undefined ? session : options.saved);
  const persist = vi.fn(() => Promise.resolve(true));
  const stop = await bindSync({
    host,
    store,
    session,
    connection,
    storage: { persist },
    fetchImpl: options.fetchImpl ?? vi.fn<typeof fetch>(() => okJson(refreshed)),
    retryRefreshMs: 10,
  });
  return { worker, store, host, emit, stop, persist };
}

describe('bindSync', () => {
  it('starts the worker for the agent, asks for persistent storage, and puts its status in the store', async () => {
    const { worker, store, persist } = await setUp();
    expect(persist).toHaveBeenCalledOnce();
    expect(worker.sent[0]).toMatchObject({
      kind: 'start',
      session: { serverUrl: session.serverUrl, token: 'tok-1', agentId: 'a1' },
    });
    worker.emit({ kind: 'status', status: status({ pending: 3, connection: 'offline' }) });
    expect(store.getState().syncStatus).toMatchObject({ pending: 3, connection: 'offline' });
    expect(store.getState().syncError).toBeNull();
  });

  it('network back, wake and unlock each retry at once; going offline or suspending does not', async () => {
    const { worker, emit } = await setUp();
    emit('host:network', { online: false });
    emit('host:power', { state: 'suspend' });
    emit('host:screen', { state: 'lock' });
    emit('host:network', { online: true });
    emit('host:power', { state: 'resume' });
    emit('host:screen', { state: 'unlock' });
    expect(worker.kinds().filter((k) => k === 'nudge')).toHaveLength(3);
  });

  it('a refused token is refreshed, saved through the host and handed to the worker', async () => {
    const fetchImpl = vi.fn<typeof fetch>(() => okJson(refreshed));
    const { worker, store, host } = await setUp({ fetchImpl });
    worker.emit({ kind: 'token_needed', reason: 'token_expired' });
    await vi.waitFor(() => expect(worker.kinds()).toContain('token'));
    expect(fetchImpl).toHaveBeenCalledWith(`${session.serverUrl}/api/session/refresh`, expect.anything());
    expect(host.saveSession).toHaveBeenCalledWith(expect.objectContaining({ token: 'tok-2', refreshToken: 'ref-2' }));
    expect(worker.sent.at(-1)).toMatchObject({ kind: 'token', token: 'tok-2' });
    expect(store.getState().session?.token).toBe('tok-2');
  });

  it('a token another window already refreshed is used as it is, without spending the refresh token again', async () => {
    const fetchImpl = vi.fn<typeof fetch>(() => okJson(refreshed));
    const { worker } = await setUp({ fetchImpl, saved: { ...session, token: 'tok-from-other-window' } });
    worker.emit({ kind: 'token_needed', reason: 'token_expired' });
    await vi.waitFor(() => expect(worker.sent.at(-1)).toMatchObject({ kind: 'token', token: 'tok-from-other-window' }));
    expect(fetchImpl).not.toHaveBeenCalled();
  });

  it('an unreachable server is asked again later; a spent sign-in signs out and says the queue is kept', async () => {
    let calls = 0;
    const fetchImpl = vi.fn<typeof fetch>(() =>
      ++calls === 1 ? Promise.reject(new TypeError('Failed to fetch')) : okJson(refreshed),
    );
    const first = await setUp({ fetchImpl });
    first.worker.emit({ kind: 'token_needed', reason: 'token_expired' });
    await vi.waitFor(() => expect(first.worker.sent.at(-1)).toMatchObject({ kind: 'token', token: 'tok-2' }));
    expect(fetchImpl).toHaveBeenCalledTimes(2);

    const ended = await setUp({
      fetchImpl: vi.fn<typeof fetch>(() => Promise.resolve(new Response('{}', { status: 401 }))),
    });
    ended.worker.emit({ kind: 'status', status: status({ pending: 2, connection: 'offline', needsToken: true }) });
    ended.worker.emit({ kind: 'token_needed', reason: 'unauthorized' });
    await vi.waitFor(() => expect(ended.store.getState().sessionPhase).toBe('signed_out'));
    expect(ended.host.clearSession).toHaveBeenCalledOnce();
    expect(ended.store.getState().tokenNotice).toContain('2 queued actions are kept on this computer');
  });

  it('a worker that cannot start its storage puts the reason in the store', async () => {
    const { store } = await setUp({ failStart: 'Update the app to use it; nothing has been deleted.' });
    expect(store.getState().syncError).toContain('Update the app');
  });

  it('letting go stops the engine for this window and stops listening', async () => {
    const { worker, store, emit, stop } = await setUp();
    worker.emit({ kind: 'status', status: status() });
    await stop();
    expect(worker.kinds().at(-1)).toBe('stop');
    expect(store.getState().syncStatus).toBeNull();
    const before = worker.sent.length;
    emit('host:network', { online: true });
    worker.emit({ kind: 'status', status: status({ pending: 9 }) });
    expect(worker.sent).toHaveLength(before);
    expect(store.getState().syncStatus).toBeNull();
  });
});
