import { externalLinkVerdict } from '../../shared/externalLinks';
import {
  NotificationRequestSchema,
  NOTIFICATIONS_OFF,
  StoredSessionSchema,
  type HostEvent,
  type HostEventPayload,
  type SessionStatus,
  type SettingsView,
} from '../../shared/ipc';
import {
  applyUserChange,
  parsePolicyText,
  parseUserSettings,
  resolveSettings,
  type PartialSettings,
  type PolicyState,
} from '../../shared/settings';
import type { Host } from './host';

const USER_SETTINGS_KEY = 'switchboard.settings';
const SESSION_KEY = 'switchboard.session';
/** The web agent's host page may carry a policy (same schema as the machine policy file). */
const POLICY_META = 'switchboard-policy';
const SESSION_NOTICE = 'In the web agent your sign-in lasts until you close this tab.';
export const NO_NOTIFICATIONS = 'This browser cannot show notifications.';
export const NOTIFICATIONS_NOT_ALLOWED =
  'Notifications are not allowed for Switchboard yet: allow them to hear of new work.';
export const NOTIFICATIONS_BLOCKED = "The browser blocks this site's notifications: allow them in the site's settings.";
/** A gap this much longer than the timer means the machine slept. */
const SLEEP_GAP_MS = 30_000;
const TICK_MS = 5_000;

type Listener = (payload: never) => void;

/** The web agent's host: the same verbs as the Electron bridge, built on browser APIs. */
export function createBrowserHost(win: Window): Host {
  const listeners = new Map<HostEvent, Set<Listener>>();
  const emit = <E extends HostEvent>(event: E, payload: HostEventPayload<E>) => {
    listeners.get(event)?.forEach((l) => (l as (p: HostEventPayload<E>) => void)(payload));
  };

  const policy = readPagePolicy(win.document);
  const readUser = (): { settings: PartialSettings; problems: string[] } => {
    const text = win.localStorage.getItem(USER_SETTINGS_KEY);
    if (!text) return { settings: {}, problems: [] };
    try {
      return parseUserSettings(JSON.parse(text));
    } catch {
      return { settings: {}, problems: ['your saved settings were unreadable; defaults are in use'] };
    }
  };
  const view = (): SettingsView => {
    const user = readUser();
    const resolved = resolveSettings({
      user: user.settings,
      policy,
      overrides: devOverrides(win),
      overridesBeatPolicy: false,
    });
    const notices = policy.status === 'invalid' ? [`The web agent's policy is invalid: ${policy.message}`] : [];
    return { ...resolved, notices: [...notices, ...user.problems] };
  };

  win.addEventListener('online', () => emit('host:network', { online: true }));
  win.addEventListener('offline', () => emit('host:network', { online: false }));
  win.addEventListener('storage', (event) => {
    if (event.key === USER_SETTINGS_KEY) emit('settings:changed', view());
  });

  let lastInput = Date.now();
  for (const type of ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart']) {
    win.addEventListener(type, () => (lastInput = Date.now()), { passive: true, capture: true });
  }
  let lastTick = Date.now();
  let lastIdle = 0;
  win.setInterval(() => {
    const now = Date.now();
    // Browsers have no suspend event; a timer that fires far too late means the machine slept.
    if (now - lastTick > SLEEP_GAP_MS) {
      emit('host:power', { state: 'suspend' });
      emit('host:power', { state: 'resume' });
    }
    lastTick = now;
    const idleSeconds = Math.floor((now - lastInput) / 1000);
    if (idleSeconds !== lastIdle) {
      lastIdle = idleSeconds;
      emit('host:idle', { idleSeconds });
    }
  }, TICK_MS);

  const sessionStatus = (): SessionStatus => {
    const text = win.sessionStorage.getItem(SESSION_KEY);
    let session = null;
    if (text) {
      try {
        session = StoredSessionSchema.parse(JSON.parse(text));
      } catch {
        win.sessionStorage.removeItem(SESSION_KEY);
      }
    }
    return { session, storage: 'browser_session', notice: SESSION_NOTICE };
  };

  return {
    kind: 'browser',
    appInfo: () =>
      Promise.resolve({
        name: 'Switchboard',
        version: __APP_VERSION__,
        platform: win.navigator.platform || 'web',
        host: 'browser',
      }),
    diagnostics: () => {
      const current = view();
      return Promise.resolve({
        app: {
          name: 'Switchboard',
          version: __APP_VERSION__,
          platform: win.navigator.platform || 'web',
          host: 'browser' as const,
        },
        versions: { userAgent: win.navigator.userAgent },
        arch: 'web',
        uptimeSeconds: Math.round(win.performance.now() / 1000),
        memoryMb: { rss: 0, heapUsed: 0 },
        online: win.navigator.onLine,
        policy: {
          path: policy.path,
          status: policy.status,
          ...(policy.status === 'invalid' ? { message: policy.message } : {}),
        },
        settingsSources: current.sources,
        tokenStorage: 'browser_session' as const,
        userDataPath: win.location.origin,
      });
    },
    getSettings: () => Promise.resolve(view()),
    updateSettings: (patch) => {
      try {
        const current = readUser().settings;
        const parsed = parseUserSettings(patch);
        if (parsed.problems.length) throw new Error(parsed.problems.join('; '));
        const next = applyUserChange(current, parsed.settings, view().locked);
        win.localStorage.setItem(USER_SETTINGS_KEY, JSON.stringify(next));
        const updated = view();
        emit('settings:changed', updated);
        return Promise.resolve(updated);
      } catch (err) {
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
    },
    getSession: () => Promise.resolve(sessionStatus()),
    saveSession: (session) => {
      const parsed = StoredSessionSchema.safeParse(session);
      if (!parsed.success) return Promise.reject(new Error('The server sent a sign-in this app cannot keep.'));
      win.sessionStorage.setItem(SESSION_KEY, JSON.stringify(parsed.data));
      return Promise.resolve(sessionStatus());
    },
    clearSession: () => {
      win.sessionStorage.removeItem(SESSION_KEY);
      return Promise.resolve(sessionStatus());
    },
    openExternal: (url) => {
      const verdict = externalLinkVerdict(url, view().settings.allowedExternalHosts);
      if (!verdict.open) return Promise.resolve({ opened: false, reason: verdict.reason });
      win.open(url, '_blank', 'noopener,noreferrer');
      return Promise.resolve({ opened: true });
    },
    setBadge: (count) => {
      win.document.title = count > 0 ? `(${count}) Switchboard` : 'Switchboard';
      return Promise.resolve();
    },
    notify: (request) => {
      const parsed = NotificationRequestSchema.safeParse(request);
      if (!parsed.success) return Promise.reject(new Error(`notify: ${parsed.error.issues[0]?.message ?? 'invalid'}`));
      const { title, body, tag } = parsed.data;
      if (!view().settings.notifications) return Promise.resolve({ shown: false, reason: NOTIFICATIONS_OFF });
      const Notice = notificationApi(win);
      if (!Notice) return Promise.resolve({ shown: false, reason: NO_NOTIFICATIONS });
      // A page may ask for permission only from a click (requestNotifications); here it only looks.
      if (Notice.permission !== 'granted') {
        const reason = Notice.permission === 'denied' ? NOTIFICATIONS_BLOCKED : NOTIFICATIONS_NOT_ALLOWED;
        return Promise.resolve({ shown: false, reason });
      }
      try {
        const notification = new Notice(title, { body, tag });
        notification.onclick = () => {
          win.focus();
          notification.close();
          emit('host:notificationClicked', { tag });
        };
        return Promise.resolve({ shown: true });
      } catch (err) {
        // Some browsers (Chrome on Android) allow notifications only through a service worker.
        return Promise.resolve({ shown: false, reason: `${NO_NOTIFICATIONS} (${(err as Error).message})` });
      }
    },
    requestNotifications: async () => {
      const Notice = notificationApi(win);
      if (!Notice) return false;
      if (Notice.permission !== 'default') return Notice.permission === 'granted';
      return (await Notice.requestPermission()) === 'granted';
    },
    on: (event, listener) => {
      const set = listeners.get(event) ?? new Set<Listener>();
      listeners.set(event, set);
      set.add(listener);
      return () => {
        set.delete(listener);
      };
    },
  };
}

/** The page's Web Notification API, where the browser has one (not in every webview or context). */
function notificationApi(win: Window): typeof Notification | null {
  return (win as Window & { Notification?: typeof Notification }).Notification ?? null;
}

function readPagePolicy(doc: Document): PolicyState {
  const content = doc.querySelector(`meta[name="${POLICY_META}"]`)?.getAttribute('content');
  const where = 'the web agent host policy';
  return content ? parsePolicyText(where, content) : { status: 'absent', path: where };
}

/**
 * `?server=` points a development build at another backend, unless policy enforces one. Never in
 * a production build: a crafted link would otherwise send an agent's password elsewhere.
 */
function devOverrides(win: Window): PartialSettings {
  if (!import.meta.env.DEV) return {};
  const server = new URLSearchParams(win.location.search).get('server');
  return server ? parseUserSettings({ serverUrl: server }).settings : {};
}
