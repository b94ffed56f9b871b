import { Window as HappyDOMWindow } from 'happy-dom';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HostEvent, HostEventPayload, StoredSession } from '../../shared/ipc';
import { DEFAULT_SETTINGS } from '../../shared/settings';
import { createBrowserHost, NO_NOTIFICATIONS, NOTIFICATIONS_BLOCKED, NOTIFICATIONS_NOT_ALLOWED } from './browserHost';
import type { Host } from './host';

const USER_SETTINGS_KEY = 'switchboard.settings';
const SESSION_KEY = 'switchboard.session';
const SESSION_NOTICE = 'In the web agent your sign-in lasts until you close this tab.';

let win: HappyDOMWindow;

/**
 * A fresh page per test. Its `setInterval` goes through the global one so that vi.useFakeTimers
 * (which cannot reach happy-dom's own timers) drives the host's 5 s tick, and the tick dies with
 * the fake clock after each test.
 */
function openPage({ url = 'https://agent.acme.test/', policy }: { url?: string; policy?: string } = {}) {
  win = new HappyDOMWindow({ url });
  win.setInterval = (handler: () => void, ms?: number) => setInterval(handler, ms);
  if (policy !== undefined) {
    const meta = win.document.createElement('meta');
    meta.setAttribute('name', 'switchboard-policy');
    meta.setAttribute('content', policy);
    win.document.head.appendChild(meta);
  }
  return win;
}

const hostFor = (page: HappyDOMWindow): Host => createBrowserHost(page as unknown as Window);

function record<E extends HostEvent>(host: Host, event: E) {
  const seen: HostEventPayload<E>[] = [];
  const off = host.on(event, (payload) => seen.push(payload));
  return { seen, off };
}

const session: StoredSession = {
  token: 'tok-123',
  serverUrl: 'https://switchboard.acme.test',
  agent: { id: 'a1', name: 'Dana Reyes', email: 'dana@acme.test', role: 'agent' },
  expiresAt: '2030-01-01T00:00:00.000Z',
};

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(async () => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  await win.happyDOM.close();
});

describe('browser host settings', () => {
  it('uses the built-in defaults on a page with no policy and nothing saved', async () => {
    const view = await hostFor(openPage()).getSettings();
    expect(view.settings).toEqual(DEFAULT_SETTINGS);
    expect(view.locked).toEqual([]);
    expect(view.notices).toEqual([]);
  });

  it("layers the page policy's defaults over the built-ins and the agent's saved settings over those", async () => {
    const page = openPage({ policy: JSON.stringify({ defaults: { theme: 'dark', notifications: false } }) });
    page.localStorage.setItem(USER_SETTINGS_KEY, JSON.stringify({ theme: 'light' }));

    const view = await hostFor(page).getSettings();

    expect(view.settings.theme).toBe('light');
    expect(view.settings.notifications).toBe(false);
    expect(view.settings.closeToTray).toBe(true);
    expect(view.sources).toMatchObject({ theme: 'user', notifications: 'policy_default', closeToTray: 'default' });
    expect(view.locked).toEqual([]);
  });

  it("lets a key the page policy enforces beat the agent's saved value and lists it as locked", async () => {
    const page = openPage({ policy: JSON.stringify({ enforced: { serverUrl: 'https://switchboard.acme.test/' } }) });
    page.localStorage.setItem(USER_SETTINGS_KEY, JSON.stringify({ serverUrl: 'https://mine.example.test' }));

    const view = await hostFor(page).getSettings();

    expect(view.settings.serverUrl).toBe('https://switchboard.acme.test');
    expect(view.sources.serverUrl).toBe('policy_enforced');
    expect(view.locked).toEqual(['serverUrl']);
  });

  it('refuses to change an enforced key, saying the organization manages it, and leaves saved settings alone', async () => {
    const page = openPage({ policy: JSON.stringify({ enforced: { serverUrl: 'https://switchboard.acme.test' } }) });
    const saved = JSON.stringify({ theme: 'dark' });
    page.localStorage.setItem(USER_SETTINGS_KEY, saved);
    const host = hostFor(page);
    const changes = record(host, 'settings:changed');

    await expect(host.updateSettings({ serverUrl: 'https://elsewhere.example.test' })).rejects.toThrow(
      'serverUrl is managed by your organization and cannot be changed here.',
    );

    expect(page.localStorage.getItem(USER_SETTINGS_KEY)).toBe(saved);
    expect(changes.seen).toEqual([]);
  });

  it('falls back to locked safe values and shows a notice when the page policy is invalid', async () => {
    const page = openPage({ policy: '{"enforced": {"serverUrl": ' });

    const view = await hostFor(page).getSettings();

    expect(view.notices).toHaveLength(1);
    expect(view.notices[0]).toMatch(/^The web agent's policy is invalid: the web agent host policy is not valid JSON/);
    expect(view.settings.allowedExternalHosts).toEqual([]);
    expect(view.settings.autoUpdate).toBe(false);
    expect(view.settings.requireSecureTokenStorage).toBe(true);
    expect(view.locked).toEqual(
      expect.arrayContaining(['allowedExternalHosts', 'autoUpdate', 'requireSecureTokenStorage']),
    );
    expect(view.sources.allowedExternalHosts).toBe('safe_fallback');
  });

  it('names the bad field in the notice when the page policy is JSON with an invalid value', async () => {
    const page = openPage({ policy: JSON.stringify({ enforced: { serverUrl: 'ftp://files.acme.test' } }) });

    const view = await hostFor(page).getSettings();

    expect(view.notices).toEqual([
      "The web agent's policy is invalid: the web agent host policy: enforced.serverUrl: must be an http:// or https:// URL",
    ]);
    expect(view.settings.serverUrl).toBe(DEFAULT_SETTINGS.serverUrl);
    expect(view.locked).toContain('allowedExternalHosts');
  });

  it('saves a change to an unlocked key in localStorage and announces the new view', async () => {
    const page = openPage();
    const host = hostFor(page);
    const changes = record(host, 'settings:changed');

    const view = await host.updateSettings({ theme: 'dark', idleAwaySeconds: 600 });

    expect(view.settings.theme).toBe('dark');
    expect(view.settings.idleAwaySeconds).toBe(600);
    expect(JSON.parse(page.localStorage.getItem(USER_SETTINGS_KEY) ?? 'null')).toEqual({
      theme: 'dark',
      idleAwaySeconds: 600,
    });
    expect(changes.seen).toEqual([view]);
    expect((await hostFor(page).getSettings()).settings.theme).toBe('dark');
  });

  it('keeps earlier saved settings when another key changes', async () => {
    const page = openPage();
    const host = hostFor(page);

    await host.updateSettings({ theme: 'dark' });
    await host.updateSettings({ notifications: false });

    expect(JSON.parse(page.localStorage.getItem(USER_SETTINGS_KEY) ?? 'null')).toEqual({
      theme: 'dark',
      notifications: false,
    });
  });

  it('rejects a server address that is not http or https and saves nothing', async () => {
    const page = openPage();
    const host = hostFor(page);
    const changes = record(host, 'settings:changed');

    await expect(host.updateSettings({ serverUrl: 'ftp://x' })).rejects.toThrow(
      'serverUrl: must be an http:// or https:// URL; using the default',
    );

    expect(page.localStorage.getItem(USER_SETTINGS_KEY)).toBeNull();
    expect(changes.seen).toEqual([]);
  });

  it('ignores unreadable saved settings, using the defaults and saying so', async () => {
    const page = openPage();
    page.localStorage.setItem(USER_SETTINGS_KEY, '{not json');

    const view = await hostFor(page).getSettings();

    expect(view.settings).toEqual(DEFAULT_SETTINGS);
    expect(view.notices).toEqual(['your saved settings were unreadable; defaults are in use']);
  });

  it('announces settings saved by another tab of the web agent', async () => {
    const page = openPage();
    const host = hostFor(page);
    const changes = record(host, 'settings:changed');

    page.localStorage.setItem(USER_SETTINGS_KEY, JSON.stringify({ theme: 'light' }));
    page.dispatchEvent(new page.StorageEvent('storage', { key: USER_SETTINGS_KEY }));
    page.dispatchEvent(new page.StorageEvent('storage', { key: 'some.other.app' }));

    expect(changes.seen.map((v) => v.settings.theme)).toEqual(['light']);
  });

  it('points at the server named in ?server= when no policy enforces one', async () => {
    const page = openPage({ url: 'https://agent.acme.test/?server=https://staging.acme.test/' });

    const view = await hostFor(page).getSettings();

    expect(view.settings.serverUrl).toBe('https://staging.acme.test');
    expect(view.sources.serverUrl).toBe('override');
  });

  it('ignores ?server= when the page policy enforces the server', async () => {
    const page = openPage({
      url: 'https://agent.acme.test/?server=https://staging.acme.test',
      policy: JSON.stringify({ enforced: { serverUrl: 'https://switchboard.acme.test' } }),
    });

    const view = await hostFor(page).getSettings();

    expect(view.settings.serverUrl).toBe('https://switchboard.acme.test');
    expect(view.sources.serverUrl).toBe('policy_enforced');
  });

  it('ignores a ?server= that is not an http or https URL', async () => {
    const page = openPage({ url: 'https://agent.acme.test/?server=javascript:alert(1)' });

    const view = await hostFor(page).getSettings();

    expect(view.settings.serverUrl).toBe(DEFAULT_SETTINGS.serverUrl);
  });
});

describe('browser host session', () => {
  it('keeps the sign-in in sessionStorage, readable until cleared, and says it lasts only for the tab', async () => {
    const page = openPage();
    const host = hostFor(page);

    expect(await host.getSession()).toEqual({ session: null, storage: 'browser_session', notice: SESSION_NOTICE });

    const saved = await host.saveSession(session);
    expect(saved).toEqual({ session, storage: 'browser_session', notice: SESSION_NOTICE });
    expect(await host.getSession()).toEqual(saved);
    expect(JSON.parse(page.sessionStorage.getItem(SESSION_KEY) ?? 'null')).toEqual(session);
    expect(page.localStorage.getItem(SESSION_KEY)).toBeNull();

    const cleared = await host.clearSession();
    expect(cleared).toEqual({ session: null, storage: 'browser_session', notice: SESSION_NOTICE });
    expect(page.sessionStorage.getItem(SESSION_KEY)).toBeNull();
  });

  it('treats a corrupt saved sign-in as signed out and removes it', async () => {
    const page = openPage();
    page.sessionStorage.setItem(SESSION_KEY, '{"token":');

    const status = await hostFor(page).getSession();

    expect(status.session).toBeNull();
    expect(page.sessionStorage.getItem(SESSION_KEY)).toBeNull();
  });

  it('treats a saved sign-in missing its agent as signed out and removes it', async () => {
    const page = openPage();
    page.sessionStorage.setItem(SESSION_KEY, JSON.stringify({ ...session, agent: undefined }));

    const status = await hostFor(page).getSession();

    expect(status.session).toBeNull();
    expect(page.sessionStorage.getItem(SESSION_KEY)).toBeNull();
  });
});

describe('browser host external links', () => {
  it('opens an https link to an allowed host in a new tab without an opener or referrer', async () => {
    const page = openPage();
    const open = vi.spyOn(page, 'open').mockReturnValue(null);

    const result = await hostFor(page).openExternal('https://x.com/acme/status/1');

    expect(result).toEqual({ opened: true });
    expect(open).toHaveBeenCalledExactlyOnceWith('https://x.com/acme/status/1', '_blank', 'noopener,noreferrer');
  });

  it('refuses an http link even to an allowed host', async () => {
    const page = openPage();
    const open = vi.spyOn(page, 'open').mockReturnValue(null);

    const result = await hostFor(page).openExternal('http://x.com/acme');

    expect(result).toEqual({ opened: false, reason: 'http: links are not opened' });
    expect(open).not.toHaveBeenCalled();
  });

  it('refuses a host that is not on the allowed list', async () => {
    const page = openPage();
    const open = vi.spyOn(page, 'open').mockReturnValue(null);

    const result = await hostFor(page).openExternal('https://x.com.evil.test/login');

    expect(result).toEqual({ opened: false, reason: 'x.com.evil.test is not on the allowed hosts list' });
    expect(open).not.toHaveBeenCalled();
  });

  it('opens hosts the page policy allows and nothing else', async () => {
    const page = openPage({ policy: JSON.stringify({ enforced: { allowedExternalHosts: ['*.acme.test'] } }) });
    const open = vi.spyOn(page, 'open').mockReturnValue(null);
    const host = hostFor(page);

    expect(await host.openExternal('https://help.acme.test/kb/42')).toEqual({ opened: true });
    expect(await host.openExternal('https://x.com/acme')).toEqual({
      opened: false,
      reason: 'x.com is not on the allowed hosts list',
    });
    expect(open.mock.calls).toEqual([['https://help.acme.test/kb/42', '_blank', 'noopener,noreferrer']]);
  });

  it('opens no link at all while the page policy is invalid', async () => {
    const page = openPage({ policy: 'not json' });
    const open = vi.spyOn(page, 'open').mockReturnValue(null);

    const result = await hostFor(page).openExternal('https://x.com/acme');

    expect(result).toEqual({ opened: false, reason: 'x.com is not on the allowed hosts list' });
    expect(open).not.toHaveBeenCalled();
  });
});

describe('browser host badge', () => {
  it('shows the unread count in the tab title and drops it at zero', async () => {
    const page = openPage();
    const host = hostFor(page);

    await host.setBadge(3);
    expect(page.document.title).toBe('(3) Switchboard');

    await host.setBadge(0);
    expect(page.document.title).toBe('Switchboard');
  });
});

/** The Web Notification API as a stub: permission set by the test, notifications recorded. */
function stubNotifications(page: HappyDOMWindow, permission: NotificationPermission, answer = permission) {
  const shown: StubNotification[] = [];
  class StubNotification {
    static permission: NotificationPermission = permission;
    static requestPermission = vi.fn(() => {
      StubNotification.permission = answer;
      return Promise.resolve(answer);
    });
    onclick: (() => void) | null = null;
    closed = false;
    constructor(
      readonly title: string,
      readonly options: NotificationOptions,
    ) {
      shown.push(this);
    }
    close() {
      this.closed = true;
    }
  }
  Object.assign(page, { Notification: StubNotification });
  return { shown, Stub: StubNotification };
}

const offerNotice = { title: 'Incoming call from Dana Reyes', body: 'Refund for order 1042', tag: 'c1:offer' };

describe('browser host notifications', () => {
  it('shows a Web Notification with the body and tag once the site may notify', async () => {
    const page = openPage();
    const { shown } = stubNotifications(page, 'granted');

    expect(await hostFor(page).notify(offerNotice)).toEqual({ shown: true });

    expect(shown.map((n) => [n.title, n.options])).toEqual([
      ['Incoming call from Dana Reyes', { body: 'Refund for order 1042', tag: 'c1:offer' }],
    ]);
  });

  it('focuses the page, closes the notification and reports its tag when the agent clicks it', async () => {
    const page = openPage();
    const { shown } = stubNotifications(page, 'granted');
    const focus = vi.spyOn(page, 'focus').mockImplementation(() => undefined);
    const host = hostFor(page);
    const clicks = record(host, 'host:notificationClicked');

    await host.notify(offerNotice);
    shown[0]!.onclick?.();

    expect(focus).toHaveBeenCalled();
    expect(shown[0]!.closed).toBe(true);
    expect(clicks.seen).toEqual([{ tag: 'c1:offer' }]);
  });

  it('does not ask for permission on its own: before the agent allowed it, nothing shows and it says why', async () => {
    const page = openPage();
    const { shown, Stub } = stubNotifications(page, 'default');

    expect(await hostFor(page).notify(offerNotice)).toEqual({ shown: false, reason: NOTIFICATIONS_NOT_ALLOWED });

    expect(Stub.requestPermission).not.toHaveBeenCalled();
    expect(shown).toEqual([]);
  });

  it('says the browser blocks notifications when the agent refused them', async () => {
    const page = openPage();
    stubNotifications(page, 'denied');

    expect(await hostFor(page).notify(offerNotice)).toEqual({ shown: false, reason: NOTIFICATIONS_BLOCKED });
  });

  it('shows nothing when notifications are off in Settings, even with permission', async () => {
    const page = openPage({ policy: JSON.stringify({ enforced: { notifications: false } }) });
    const { shown } = stubNotifications(page, 'granted');

    expect(await hostFor(page).notify(offerNotice)).toEqual({
      shown: false,
      reason: 'Notifications are off in Settings.',
    });
    expect(shown).toEqual([]);
  });

  it('says so in a browser without the Notification API', async () => {
    const page = openPage();
    Object.assign(page, { Notification: undefined });
    const host = hostFor(page);

    expect(await host.notify(offerNotice)).toEqual({ shown: false, reason: NO_NOTIFICATIONS });
    expect(await host.requestNotifications()).toBe(false);
  });

  it('refuses a notification the desktop bridge would refuse too', async () => {
    const page = openPage();
    const { shown } = stubNotifications(page, 'granted');

    await expect(hostFor(page).notify({ ...offerNotice, body: 'pay\u202Egpj.exe' })).rejects.toThrow(
      'must be plain text without control characters',
    );
    expect(shown).toEqual([]);
  });

  it('asks the browser for permission when the agent requests it, and answers whether it was given', async () => {
    const page = openPage();
    const { Stub } = stubNotifications(page, 'default', 'granted');
    const host = hostFor(page);

    expect(await host.requestNotifications()).toBe(true);
    expect(Stub.requestPermission).toHaveBeenCalledTimes(1);
    expect(await host.requestNotifications()).toBe(true);
    expect(Stub.requestPermission).toHaveBeenCalledTimes(1);
  });

  it('does not ask again once the agent refused: the browser would not show the question', async () => {
    const page = openPage();
    const { Stub } = stubNotifications(page, 'denied');

    expect(await hostFor(page).requestNotifications()).toBe(false);
    expect(Stub.requestPermission).not.toHaveBeenCalled();
  });
});

describe('browser host signals', () => {
  it("reports the browser's online and offline events until the listener unsubscribes", () => {
    const page = openPage();
    const network = record(hostFor(page), 'host:network');

    page.dispatchEvent(new page.Event('offline'));
    page.dispatchEvent(new page.Event('online'));
    network.off();
    page.dispatchEvent(new page.Event('offline'));

    expect(network.seen).toEqual([{ online: false }, { online: true }]);
  });

  it("reports idle seconds every 5 s, counted from the agent's last key press or pointer move", () => {
    const page = openPage();
    const idle = record(hostFor(page), 'host:idle');

    vi.advanceTimersByTime(10_000);
    page.dispatchEvent(new page.KeyboardEvent('keydown', { key: 'j' }));
    vi.advanceTimersByTime(5_000);
    vi.advanceTimersByTime(4_999);
    page.dispatchEvent(new page.PointerEvent('pointermove'));
    vi.advanceTimersByTime(1);

    expect(idle.seen).toEqual([{ idleSeconds: 5 }, { idleSeconds: 10 }, { idleSeconds: 5 }, { idleSeconds: 0 }]);
  });

  it('reports suspend then resume when the 5 s tick arrives more than 30 s late', () => {
    const page = openPage();
    const power = record(hostFor(page), 'host:power');

    vi.advanceTimersByTime(15_000);
    expect(power.seen).toEqual([]);

    vi.setSystemTime(Date.now() + 60_000);
    vi.advanceTimersByTime(5_000);
    expect(power.seen).toEqual([{ state: 'suspend' }, { state: 'resume' }]);

    vi.advanceTimersByTime(5_000);
    expect(power.seen).toHaveLength(2);
  });

  it('does not mistake a tick up to 30 s late for a sleep', () => {
    const page = openPage();
    const power = record(hostFor(page), 'host:power');

    vi.advanceTimersByTime(5_000);
    vi.setSystemTime(Date.now() + 25_000);
    vi.advanceTimersByTime(5_000);

    expect(power.seen).toEqual([]);
  });
});
