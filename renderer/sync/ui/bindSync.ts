import type { StoredSession } from '../../../shared/ipc';
import { refreshSession } from '../../api/backend';
import type { Host } from '../../host/host';
import type { AppStore } from '../../store/store';
import type { SyncConnection } from '../syncConnection';

export interface BindSyncOptions {
  host: Host;
  store: AppStore;
  session: StoredSession;
  connection: SyncConnection;
  /** `navigator.storage` where there is one: persistence can only be asked for from a window. */
  storage?: { persist?(): Promise<boolean> };
  /** `navigator.locks`: one window refreshes a shared sign-in at a time. */
  locks?: { request<T>(name: string, callback: () => Promise<T>): Promise<T> };
  fetchImpl?: typeof fetch;
  retryRefreshMs?: number;
}

/**
 * Starts sync for the signed-in agent and wires the window to it: status into the store, host
 * signals (network back, wake, unlock) into an immediate retry, and a fresh token whenever the
 * worker reports the server refused the current one. Returns the function that lets go.
 */
export async function bindSync(o: BindSyncOptions): Promise<() => Promise<void>> {
  const s = o.store.getState;
  let session = o.session;
  let stopped = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  const refresh = async (): Promise<void> => {
    if (stopped) return;
    const run = async () => {
      // Another window (or an earlier refresh) may already hold a newer token: use that one.
      const saved = (await o.host.getSession()).session;
      if (saved && saved.agent.id === session.agent.id && saved.token !== session.token) {
        session = saved;
        return 'fresh' as const;
      }
      if (!session.refreshToken) return 'ended' as const;
      const answer = await refreshSession(session.serverUrl, session.refreshToken, o.fetchImpl);
      if (!answer.ok) return answer.reason;
      const status = await o.host.saveSession({
        token: answer.session.token,
        ...(answer.session.refreshToken ? { refreshToken: answer.session.refreshToken } : {}),
        serverUrl: session.serverUrl,
        agent: answer.session.agent,
        expiresAt: answer.session.expiresAt,
      });
      session = status.session ?? session;
      s().setSession(status.session, status.storage, status.notice);
      return 'fresh' as const;
    };
    const outcome = await (o.locks ? o.locks.request('switchboard-refresh', run) : run());
    if (stopped) return;
    if (outcome === 'fresh') {
      await o.connection.setToken(session.token);
    } else if (outcome === 'unreachable') {
      clearTimeout(retryTimer);
      retryTimer = setTimeout(() => void refresh().catch(() => undefined), o.retryRefreshMs ?? 15_000);
    } else {
      const pending = s().syncStatus?.pending ?? 0;
      const status = await o.host.clearSession();
      s().setSession(
        null,
        status.storage,
        `Your sign-in has ended: sign in again.${pending > 0 ? ` ${pending} queued action${pending === 1 ? ' is' : 's are'} kept on this computer and will be sent after you sign in.` : ''}`,
      );
    }
  };

  const offs = [
    o.connection.onStatus((status) => s().setSyncStatus(status)),
    o.connection.onTokenNeeded(() => void refresh().catch(() => undefined)),
    o.host.on('host:network', ({ online }) => {
      if (online) void o.connection.nudge().catch(() => undefined);
    }),
    o.host.on('host:power', ({ state }) => {
      if (state === 'resume') void o.connection.nudge().catch(() => undefined);
    }),
    o.host.on('host:screen', ({ state }) => {
      if (state === 'unlock') void o.connection.nudge().catch(() => undefined);
    }),
  ];

  // Ask the browser not to evict the queue under storage pressure; the worker reports the answer.
  await o.storage?.persist?.().catch(() => false);
  try {
    await o.connection.start({ serverUrl: session.serverUrl, token: session.token, agentId: session.agent.id });
    s().setSyncError(null);
  } catch (err) {
    s().setSyncError((err as Error).message);
  }

  return async () => {
    stopped = true;
    clearTimeout(retryTimer);
    offs.forEach((off) => off());
    s().setSyncStatus(null);
    await o.connection.stop().catch(() => undefined);
  };
}
