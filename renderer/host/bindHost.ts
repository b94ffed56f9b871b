import { checkHealth } from '../api/backend';
import type { AppStore } from '../store/store';
import type { Host } from './host';

const HEALTH_EVERY_MS = 15_000;

/**
 * Wires the host's signals into the store and keeps the server's reachability fresh: checked at
 * start, every 15 s, and at once when the network returns or the machine wakes up.
 */
export async function bindHost(
  host: Host,
  store: AppStore,
  fetchImpl: typeof fetch = fetch.bind(globalThis),
): Promise<() => void> {
  const s = store.getState;
  // Only the newest check may set the answer: an old server's late reply must not win.
  let latestCheck = 0;
  const checkServer = async () => {
    const view = s().settingsView;
    if (!view) return;
    const thisCheck = ++latestCheck;
    s().setServerReach('checking');
    const health = await checkHealth(view.settings.serverUrl, fetchImpl);
    if (thisCheck === latestCheck) s().setServerReach(health ? 'reachable' : 'unreachable', health);
  };

  const unsubscribers = [
    host.on('host:network', ({ online }) => {
      s().setNetworkOnline(online);
      if (online) {
        void checkServer();
      } else {
        latestCheck++;
        s().setServerReach('unreachable');
      }
    }),
    host.on('host:power', ({ state }) => {
      if (state === 'resume') void checkServer();
    }),
    host.on('host:screen', ({ state }) => s().setScreenLocked(state === 'lock')),
    host.on('host:idle', ({ idleSeconds }) => s().setIdleSeconds(idleSeconds)),
    host.on('settings:changed', (view) => {
      const serverChanged = view.settings.serverUrl !== s().settingsView?.settings.serverUrl;
      s().setSettingsView(view);
      if (serverChanged) void checkServer();
    }),
  ];

  const [settings, session] = await Promise.all([host.getSettings(), host.getSession()]);
  s().setSettingsView(settings);
  s().setSession(session.session, session.storage, session.notice);
  s().setNetworkOnline(typeof navigator === 'undefined' ? true : navigator.onLine);
  void checkServer();
  const timer = setInterval(() => void checkServer(), HEALTH_EVERY_MS);

  return () => {
    clearInterval(timer);
    unsubscribers.forEach((off) => off());
  };
}
