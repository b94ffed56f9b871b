import { act, cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SignInResponse } from '../shared/api';
import type { SessionStatus, SettingsView, StoredSession, SwitchboardBridge } from '../shared/ipc';
import { resolveSettings, type PartialSettings, type SettingKey } from '../shared/settings';
import { App } from './App';
import { HostContext } from './host/hostContext';
import { createAppStore, StoreContext, type AppStore } from './store/store';

const serverUrl = 'https://switchboard.acme.test';

const signedIn: SignInResponse = {
  token: 'tok-123',
  agent: { id: 'a1', name: 'Dana Reyes', email: 'dana@acme.test', role: 'lead' },
  expiresAt: '2030-01-01T00:00:00.000Z',
};

function settingsView({
  user = {},
  enforced = {},
  notices = [],
}: { user?: PartialSettings; enforced?: PartialSettings; notices?: string[] } = {}): SettingsView {
  const resolved = resolveSettings({
    user: { serverUrl, ...user },
    policy: { status: 'ok', path: 'test policy', policy: { defaults: {}, enforced } },
    overrides: {},
    overridesBeatPolicy: false,
  });
  return { ...resolved, notices };
}

function fakeHost(overrides: Partial<SwitchboardBridge> = {}): SwitchboardBridge {
  return {
    kind: 'browser',
    appInfo: vi.fn(() => Promise.reject(new Error('not used'))),
    diagnostics: vi.fn(() => Promise.reject(new Error('not used'))),
    getSettings: vi.fn(() => Promise.resolve(settingsView())),
    updateSettings: vi.fn(() => Promise.reject(new Error('not used'))),
    getSession: vi.fn(() => Promise.resolve<SessionStatus>({ session: null, storage: 'keyring', notice: null })),
    saveSession: vi.fn((session: StoredSession) =>
      Promise.resolve<SessionStatus>({ session, storage: 'keyring', notice: null }),
    ),
    clearSession: vi.fn(() => Promise.resolve<SessionStatus>({ session: null, storage: 'keyring', notice: null })),
    openExternal: vi.fn(() => Promise.resolve({ opened: false })),
    setBadge: vi.fn(() => Promise.resolve()),
    notify: vi.fn(() => Promise.resolve({ shown: false })),
    requestNotifications: vi.fn(() => Promise.resolve(false)),
    on: vi.fn(() => () => undefined),
    ...overrides,
  };
}

function renderApp({
  host = fakeHost(),
  store = createAppStore(),
}: { host?: SwitchboardBridge; store?: AppStore } = {}) {
  render(
    <HostContext.Provider value={host}>
      <StoreContext.Provider value={store}>
        <App />
      </StoreContext.Provider>
    </HostContext.Provider>,
  );
  return { host, store };
}

/** A store as bindHost leaves it for an agent who has not signed in yet. */
function signedOutStore(view: SettingsView = settingsView()): AppStore {
  const store = createAppStore();
  store.getState().setSettingsView(view);
  store.getState().setSession(null, 'keyring', null);
  return store;
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('App start-up', () => {
  it('says it is starting until the host has answered', () => {
    renderApp();

    expect(screen.getByText('Starting Switchboard…')).toBeTruthy();
    expect(screen.queryByRole('heading', { name: 'Sign in to Switchboard' })).toBeNull();
  });

  it('shows notices from the settings, such as a broken policy, in an alert', () => {
    const notice = "The web agent's policy is invalid: the web agent host policy is not valid JSON";
    renderApp({ store: signedOutStore(settingsView({ notices: [notice] })) });

    expect(screen.getByRole('alert').textContent).toBe(notice);
  });
});

describe('App sign-in', () => {
  it('shows the sign-in form with the server it will sign in to and a way to change it', async () => {
    const { store } = renderApp({ store: signedOutStore() });

    expect(screen.getByRole('heading', { name: 'Sign in to Switchboard' })).toBeTruthy();
    expect(screen.getByTestId('server-url').textContent).toBe(serverUrl);
    expect(screen.queryByText('Managed by your organization')).toBeNull();

    await userEvent.setup().click(screen.getByRole('button', { name: 'Change' }));
    expect(store.getState().settingsOpen).toBe(true);
    expect(screen.getByRole('heading', { name: 'Settings' })).toBeTruthy();
  });

  it('says the server is managed by the organization, with no Change button, when policy enforces it', () => {
    renderApp({ store: signedOutStore(settingsView({ enforced: { serverUrl: 'https://sb.corp.test' } })) });

    expect(screen.getByTestId('server-url').textContent).toBe('https://sb.corp.test');
    expect(screen.getByText('Managed by your organization')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Change' })).toBeNull();
  });

  it('explains an invalid email without contacting the server', async () => {
    const fetchMock = vi.fn<typeof fetch>();
    vi.stubGlobal('fetch', fetchMock);
    const { host } = renderApp({ store: signedOutStore() });
    const user = userEvent.setup();

    await user.type(screen.getByLabelText('Email'), 'dana-at-acme');
    await user.type(screen.getByLabelText('Password'), 'correct horse');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect((await screen.findByRole('alert')).textContent).toBe('enter the email address you sign in with');
    expect(fetchMock).not.toHaveBeenCalled();
    expect(host.saveSession).not.toHaveBeenCalled();
  });

  it("saves the session through the host and opens the workspace with the agent's name", async () => {
    const fetchMock = vi.fn<typeof fetch>(() => Promise.resolve(json(200, signedIn)));
    vi.stubGlobal('fetch', fetchMock);
    const { host, store } = renderApp({ store: signedOutStore() });
    const user = userEvent.setup();

    await user.type(screen.getByLabelText('Email'), ' dana@acme.test ');
    await user.type(screen.getByLabelText('Password'), 'correct horse');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect((await screen.findByTestId('signed-in-agent')).textContent).toBe('Dana Reyes lead');
    expect(fetchMock.mock.calls[0]?.[0]).toBe('https://switchboard.acme.test/api/session');
    expect(JSON.parse(fetchMock.mock.calls[0]?.[1]?.body as string)).toEqual({
      email: 'dana@acme.test',
      password: 'correct horse',
    });
    expect(host.saveSession).toHaveBeenCalledExactlyOnceWith({
      token: 'tok-123',
      serverUrl,
      agent: signedIn.agent,
      expiresAt: '2030-01-01T00:00:00.000Z',
    });
    expect(store.getState().sessionPhase).toBe('signed_in');
  });

  it('shows why sign-in failed and stays on the form when the password is wrong', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn<typeof fetch>(() => Promise.resolve(json(401, { error: { code: 'bad_credentials', message: 'no' } }))),
    );
    const { host } = renderApp({ store: signedOutStore() });
    const user = userEvent.setup();

    await user.type(screen.getByLabelText('Email'), 'dana@acme.test');
    await user.type(screen.getByLabelText('Password'), 'wrong');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect((await screen.findByRole('alert')).textContent).toBe('Wrong email or password. Try again.');
    expect(host.saveSession).not.toHaveBeenCalled();
    expect(screen.getByRole('button', { name: 'Sign in' })).toHaveProperty('disabled', false);
  });
});

describe('App connection status', () => {
  it('shows offline when the network is down, whatever the server last answered', () => {
    const store = signedOutStore();
    store.getState().setServerReach('reachable');
    store.getState().setNetworkOnline(false);
    renderApp({ store });

    const pill = screen.getByTestId('connection-status');
    expect(pill.dataset.state).toBe('offline');
    expect(pill.textContent).toBe('Offline');
  });

  it('shows connected once the server is reachable, and follows the store as it changes', () => {
    const store = signedOutStore();
    renderApp({ store });
    const pill = screen.getByTestId('connection-status');
    expect(pill.dataset.state).toBe('checking');

    act(() => store.getState().setServerReach('reachable'));
    expect(pill.dataset.state).toBe('connected');
    expect(pill.textContent).toBe('Connected');

    act(() => store.getState().setServerReach('unreachable'));
    expect(pill.dataset.state).toBe('server_unreachable');
  });
});

describe('App settings panel', () => {
  function openSettings(view: SettingsView, host = fakeHost()) {
    const store = signedOutStore(view);
    store.getState().setSettingsOpen(true);
    return renderApp({ host, store });
  }

  it('shows the keys the organization enforces disabled and labelled, and the others editable', () => {
    const enforced: PartialSettings = { serverUrl: 'https://sb.corp.test', autoUpdate: true };
    openSettings(settingsView({ enforced }));

    for (const key of ['serverUrl', 'autoUpdate'] satisfies SettingKey[]) {
      const row = screen.getByTestId(`setting-${key}`);
      expect(within(row).getByRole(key === 'autoUpdate' ? 'checkbox' : 'textbox')).toHaveProperty('disabled', true);
      expect(within(row).getByText('Managed by your organization')).toBeTruthy();
    }
    expect(screen.getByLabelText('Server address')).toHaveProperty('value', 'https://sb.corp.test');

    const notifications = screen.getByTestId('setting-notifications');
    expect(within(notifications).getByRole('checkbox')).toHaveProperty('disabled', false);
    expect(within(notifications).queryByText('Managed by your organization')).toBeNull();
  });

  it('saves a changed setting through the host and shows the new value', async () => {
    const host = fakeHost({
      updateSettings: vi.fn(() => Promise.resolve(settingsView({ user: { notifications: false } }))),
    });
    openSettings(settingsView(), host);

    await userEvent.setup().click(screen.getByLabelText('Desktop notifications'));

    expect(host.updateSettings).toHaveBeenCalledExactlyOnceWith({ notifications: false });
    await vi.waitFor(() => expect(screen.getByLabelText('Desktop notifications')).toHaveProperty('checked', false));
  });

  it('sends a typed server address only when saved, and shows why the host refused it', async () => {
    const host = fakeHost({
      updateSettings: vi.fn(() =>
        Promise.reject(new Error('serverUrl: must be an http:// or https:// URL; using the default')),
      ),
    });
    openSettings(settingsView(), host);
    const user = userEvent.setup();

    const field = screen.getByLabelText('Server address');
    await user.clear(field);
    await user.type(field, 'ftp://files.acme.test');
    expect(host.updateSettings).not.toHaveBeenCalled();
    await user.click(screen.getByRole('button', { name: 'Save' }));

    expect(host.updateSettings).toHaveBeenCalledExactlyOnceWith({ serverUrl: 'ftp://files.acme.test' });
    expect((await screen.findByRole('alert')).textContent).toBe(
      'serverUrl: must be an http:// or https:// URL; using the default',
    );
  });
});
