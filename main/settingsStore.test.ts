import { describe, expect, it, vi } from 'vitest';
import type { SettingsView } from '../shared/ipc';
import {
  DEFAULT_SETTINGS,
  LockedSettingError,
  parsePolicyText,
  type PartialSettings,
  type PolicyState,
} from '../shared/settings';
import { SettingsStore, type SettingsFiles } from './settingsStore';

const userFile = '/home/agent/.config/Switchboard/settings.json';
const policyFile = '/etc/switchboard/policy.json';
const noPolicy: PolicyState = { status: 'absent', path: policyFile };

/** Settings files held in a Map; a missing file rejects with ENOENT like the real fs. */
function memoryFiles(initial: Record<string, string> = {}) {
  const contents = new Map(Object.entries(initial));
  const writes: Array<{ file: string; text: string }> = [];
  const files: SettingsFiles = {
    readText: async (file) => {
      const text = contents.get(file);
      if (text === undefined) throw Object.assign(new Error(`ENOENT: ${file}`), { code: 'ENOENT' });
      return text;
    },
    writeTextAtomic: async (file, text) => {
      writes.push({ file, text });
      contents.set(file, text);
    },
  };
  return { files, contents, writes };
}

function policy(json: object): PolicyState {
  return parsePolicyText(policyFile, JSON.stringify(json));
}

async function openStore(options: {
  user?: object | string;
  policy?: PolicyState;
  overrides?: PartialSettings;
  overridesBeatPolicy?: boolean;
}) {
  const initial: Record<string, string> = {};
  if (options.user !== undefined)
    initial[userFile] = typeof options.user === 'string' ? options.user : JSON.stringify(options.user);
  const fake = memoryFiles(initial);
  const store = new SettingsStore({
    userFile,
    policy: options.policy ?? noPolicy,
    overrides: options.overrides ?? {},
    overridesBeatPolicy: options.overridesBeatPolicy ?? false,
    files: fake.files,
  });
  await store.load();
  return { store, ...fake };
}

describe('SettingsStore precedence', () => {
  it('uses the built-in defaults when there is no user file, no policy and no override', async () => {
    const { store } = await openStore({});
    expect(store.settings).toEqual(DEFAULT_SETTINGS);
    expect(store.view()).toMatchObject({ locked: [], notices: [] });
    expect(new Set(Object.values(store.view().sources))).toEqual(new Set(['default']));
  });

  it('lets a policy default replace the built-in default', async () => {
    const { store } = await openStore({ policy: policy({ defaults: { theme: 'dark' } }) });
    expect(store.settings.theme).toBe('dark');
    expect(store.view().sources.theme).toBe('policy_default');
    expect(store.view().locked).toEqual([]);
  });

  it('lets the user change a policy default', async () => {
    const { store } = await openStore({ user: { theme: 'light' }, policy: policy({ defaults: { theme: 'dark' } }) });
    expect(store.settings.theme).toBe('light');
    expect(store.view().sources.theme).toBe('user');
  });

  it('lets an enforced policy key beat the user’s value and lock it', async () => {
    const { store } = await openStore({
      user: { serverUrl: 'https://home.example.com', theme: 'light' },
      policy: policy({ enforced: { serverUrl: 'https://sb.corp.example' } }),
    });
    expect(store.settings.serverUrl).toBe('https://sb.corp.example');
    expect(store.settings.theme).toBe('light');
    expect(store.view().sources).toMatchObject({ serverUrl: 'policy_enforced', theme: 'user' });
    expect(store.view().locked).toEqual(['serverUrl']);
  });

  it('lets a development override beat the user’s value for an unlocked key', async () => {
    const { store } = await openStore({
      user: { serverUrl: 'https://home.example.com' },
      overrides: { serverUrl: 'http://localhost:4400' },
    });
    expect(store.settings.serverUrl).toBe('http://localhost:4400');
    expect(store.view().sources.serverUrl).toBe('override');
  });

  it('does not let an override beat an enforced key in a packaged app', async () => {
    const { store } = await openStore({
      policy: policy({ enforced: { serverUrl: 'https://sb.corp.example' } }),
      overrides: { serverUrl: 'http://localhost:4400' },
      overridesBeatPolicy: false,
    });
    expect(store.settings.serverUrl).toBe('https://sb.corp.example');
    expect(store.view().sources.serverUrl).toBe('policy_enforced');
  });

  it('lets an override beat an enforced key in a development build', async () => {
    const { store } = await openStore({
      policy: policy({ enforced: { serverUrl: 'https://sb.corp.example' } }),
      overrides: { serverUrl: 'http://localhost:4400' },
      overridesBeatPolicy: true,
    });
    expect(store.settings.serverUrl).toBe('http://localhost:4400');
    expect(store.view().sources.serverUrl).toBe('override');
  });

  it('stacks all five layers in order, each winning only over the ones below it', async () => {
    const { store } = await openStore({
      user: { theme: 'light', logLevel: 'debug', startMinimized: true, idleAwaySeconds: 600 },
      policy: policy({
        defaults: { theme: 'dark', notifications: false, logLevel: 'warn' },
        enforced: { startMinimized: false, idleAwaySeconds: 900 },
      }),
      overrides: { idleAwaySeconds: 60 },
      overridesBeatPolicy: true,
    });
    expect(store.view().sources).toMatchObject({
      autoUpdate: 'default',
      notifications: 'policy_default',
      theme: 'user',
      logLevel: 'user',
      startMinimized: 'policy_enforced',
      idleAwaySeconds: 'override',
    });
    expect(store.settings).toMatchObject({
      autoUpdate: true,
      notifications: false,
      theme: 'light',
      logLevel: 'debug',
      startMinimized: false,
      idleAwaySeconds: 60,
    });
  });
});

describe('SettingsStore.update', () => {
  it('writes the user’s change as JSON, applies it and tells every listener', async () => {
    const { store, writes } = await openStore({ user: { theme: 'light' } });
    const listener = vi.fn<(view: SettingsView) => void>();
    store.onChange(listener);

    const view = await store.update({ notifications: false });

    expect(writes).toHaveLength(1);
    expect(writes[0]?.file).toBe(userFile);
    expect(JSON.parse(writes[0]?.text ?? '')).toEqual({ theme: 'light', notifications: false });
    expect(store.settings).toMatchObject({ theme: 'light', notifications: false });
    expect(view.sources.notifications).toBe('user');
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener).toHaveBeenCalledWith(view);
  });

  it('keeps a change after a restart', async () => {
    const { store, contents } = await openStore({});
    await store.update({ serverUrl: 'https://sb.example.com/' });
    const restarted = new SettingsStore({
      userFile,
      policy: noPolicy,
      overrides: {},
      overridesBeatPolicy: false,
      files: memoryFiles(Object.fromEntries(contents)).files,
    });
    await restarted.load();
    expect(restarted.settings.serverUrl).toBe('https://sb.example.com');
  });

  it('stops telling a listener once it unsubscribes', async () => {
    const { store } = await openStore({});
    const listener = vi.fn<(view: SettingsView) => void>();
    const unsubscribe = store.onChange(listener);
    unsubscribe();
    await store.update({ theme: 'dark' });
    expect(listener).not.toHaveBeenCalled();
  });

  it('refuses to change an enforced policy key: throws, writes nothing, keeps the value', async () => {
    const { store, writes } = await openStore({ policy: policy({ enforced: { allowedExternalHosts: ['x.com'] } }) });
    const listener = vi.fn<(view: SettingsView) => void>();
    store.onChange(listener);

    const attempt = store.update({ allowedExternalHosts: ['x.com', 'evil.example'], theme: 'dark' });

    await expect(attempt).rejects.toBeInstanceOf(LockedSettingError);
    await expect(attempt).rejects.toMatchObject({ code: 'setting_locked', keys: ['allowedExternalHosts'] });
    expect(writes).toEqual([]);
    expect(store.settings.allowedExternalHosts).toEqual(['x.com']);
    expect(store.settings.theme).toBe('system');
    expect(store.view().locked).toEqual(['allowedExternalHosts']);
    expect(listener).not.toHaveBeenCalled();
  });
});

describe('SettingsStore with an invalid policy file', () => {
  const brokenPolicy = policy({ enforced: { serverUrl: 42 } });

  it('runs on the safe fallback for external hosts, updates and token storage, locked', async () => {
    const { store } = await openStore({
      user: { allowedExternalHosts: ['x.com'], autoUpdate: true, requireSecureTokenStorage: false, theme: 'dark' },
      policy: brokenPolicy,
    });
    expect(store.settings).toMatchObject({
      allowedExternalHosts: [],
      autoUpdate: false,
      requireSecureTokenStorage: true,
      theme: 'dark',
    });
    expect(store.view().sources).toMatchObject({
      allowedExternalHosts: 'safe_fallback',
      autoUpdate: 'safe_fallback',
      requireSecureTokenStorage: 'safe_fallback',
      theme: 'user',
    });
    expect([...store.view().locked].sort()).toEqual([
      'allowedExternalHosts',
      'autoUpdate',
      'requireSecureTokenStorage',
    ]);
  });

  it('shows a notice naming the policy file and the bad field', async () => {
    const { store } = await openStore({ policy: brokenPolicy });
    const { notices } = store.view();
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain(policyFile);
    expect(notices[0]).toContain('enforced.serverUrl');
    expect(notices[0]).toContain('Ask IT to fix the file');
  });

  it('does not let the user lift the fallback', async () => {
    const { store, writes } = await openStore({ policy: brokenPolicy });
    await expect(store.update({ autoUpdate: true })).rejects.toBeInstanceOf(LockedSettingError);
    expect(writes).toEqual([]);
    expect(store.settings.autoUpdate).toBe(false);
  });
});

describe('SettingsStore with a damaged user settings file', () => {
  it('keeps the good values of a file with one bad value and reports the bad one', async () => {
    const { store } = await openStore({ user: { theme: 'dark', idleAwaySeconds: 5, closeToTray: false } });
    expect(store.settings).toMatchObject({
      theme: 'dark',
      closeToTray: false,
      idleAwaySeconds: DEFAULT_SETTINGS.idleAwaySeconds,
    });
    const { notices } = store.view();
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/^Your settings: idleAwaySeconds: .*; using the default\.$/);
  });

  it('reports an unknown key and keeps the rest', async () => {
    const { store } = await openStore({ user: { theme: 'dark', fontSize: 14 } });
    expect(store.settings.theme).toBe('dark');
    expect(store.view().notices).toEqual(['Your settings: unknown setting "fontSize" ignored.']);
  });

  it('falls back to defaults with a notice naming the file when the JSON is broken', async () => {
    const { store } = await openStore({ user: '{ "theme": "dark", ' });
    expect(store.settings).toEqual(DEFAULT_SETTINGS);
    expect(store.view().notices).toEqual([`Your settings file ${userFile} is not valid JSON; defaults are in use.`]);
  });

  it('falls back to defaults with a notice when the file cannot be read', async () => {
    const store = new SettingsStore({
      userFile,
      policy: noPolicy,
      overrides: {},
      overridesBeatPolicy: false,
      files: {
        readText: async () => {
          throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
        },
        writeTextAtomic: async () => {},
      },
    });
    await store.load();
    expect(store.settings).toEqual(DEFAULT_SETTINGS);
    expect(store.view().notices).toEqual([`Your settings file ${userFile} cannot be read; defaults are in use.`]);
  });

  it('still starts when the settings file holds a key named like an Object method', async () => {
    const { store } = await openStore({ user: '{ "constructor": 1, "theme": "dark" }' });
    expect(store.settings.theme).toBe('dark');
    expect(store.view().notices).toEqual(['Your settings: unknown setting "constructor" ignored.']);
  });
});
