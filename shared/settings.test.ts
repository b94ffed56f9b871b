import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SETTINGS,
  LockedSettingError,
  PartialSettingsSchema,
  SAFE_FALLBACK,
  applyUserChange,
  describeIssues,
  parsePolicyText,
  parseUserSettings,
  resolveSettings,
  type PolicyState,
  type ResolveInput,
} from './settings';

const policyPath = '/etc/switchboard/policy.json';
const absent: PolicyState = { status: 'absent', path: policyPath };

function okPolicy(defaults: object, enforced: object): PolicyState {
  const state = parsePolicyText(policyPath, JSON.stringify({ defaults, enforced }));
  if (state.status !== 'ok') throw new Error(`test policy is invalid: ${JSON.stringify(state)}`);
  return state;
}

const resolve = (input: Partial<ResolveInput>) =>
  resolveSettings({ user: {}, policy: absent, overrides: {}, overridesBeatPolicy: false, ...input });

describe('resolveSettings', () => {
  it('returns the built-in defaults when nothing else is set', () => {
    const resolved = resolve({});
    expect(resolved.settings).toEqual(DEFAULT_SETTINGS);
    expect(resolved.locked).toEqual([]);
    expect(Object.values(resolved.sources).every((s) => s === 'default')).toBe(true);
  });

  it('lets the user beat a policy default, and a policy default beat the built-in one', () => {
    const resolved = resolve({
      user: { theme: 'light' },
      policy: okPolicy({ theme: 'dark', notifications: false }, {}),
    });
    expect(resolved.settings).toMatchObject({ theme: 'light', notifications: false });
    expect(resolved.sources).toMatchObject({ theme: 'user', notifications: 'policy_default' });
  });

  it('lets an enforced policy key beat the user and locks it', () => {
    const resolved = resolve({ user: { autoUpdate: true }, policy: okPolicy({}, { autoUpdate: false }) });
    expect(resolved.settings.autoUpdate).toBe(false);
    expect(resolved.sources.autoUpdate).toBe('policy_enforced');
    expect(resolved.locked).toEqual(['autoUpdate']);
  });

  it('locks an enforced key over a policy default for the same key', () => {
    const resolved = resolve({ policy: okPolicy({ logLevel: 'debug' }, { logLevel: 'error' }) });
    expect(resolved.settings.logLevel).toBe('error');
    expect(resolved.locked).toEqual(['logLevel']);
  });

  it('applies overrides to keys the policy does not enforce', () => {
    const resolved = resolve({
      user: { serverUrl: 'https://user.example.com' },
      overrides: { serverUrl: 'http://localhost:4400' },
    });
    expect(resolved.settings.serverUrl).toBe('http://localhost:4400');
    expect(resolved.sources.serverUrl).toBe('override');
  });

  it('keeps an enforced key when overrides may not beat policy', () => {
    const resolved = resolve({
      policy: okPolicy({}, { serverUrl: 'https://corp.example.com' }),
      overrides: { serverUrl: 'http://localhost:4400', theme: 'dark' },
      overridesBeatPolicy: false,
    });
    expect(resolved.settings).toMatchObject({ serverUrl: 'https://corp.example.com', theme: 'dark' });
    expect(resolved.sources).toMatchObject({ serverUrl: 'policy_enforced', theme: 'override' });
  });

  it('lets overrides beat an enforced key in development, which stays listed as locked', () => {
    const resolved = resolve({
      policy: okPolicy({}, { serverUrl: 'https://corp.example.com' }),
      overrides: { serverUrl: 'http://localhost:4400' },
      overridesBeatPolicy: true,
    });
    expect(resolved.settings.serverUrl).toBe('http://localhost:4400');
    expect(resolved.sources.serverUrl).toBe('override');
    expect(resolved.locked).toEqual(['serverUrl']);
  });

  it('runs an invalid policy on the safe fallback, locked, over the user’s values', () => {
    const resolved = resolve({
      user: { allowedExternalHosts: ['x.com'], autoUpdate: true, requireSecureTokenStorage: false, theme: 'dark' },
      policy: { status: 'invalid', path: policyPath, message: 'broken' },
    });
    expect(resolved.settings).toMatchObject({ ...SAFE_FALLBACK, theme: 'dark' });
    expect([...resolved.locked].sort()).toEqual(['allowedExternalHosts', 'autoUpdate', 'requireSecureTokenStorage']);
  });

  it('does not let a packaged app’s overrides lift the safe fallback', () => {
    const resolved = resolve({
      policy: { status: 'invalid', path: policyPath, message: 'broken' },
      overrides: { autoUpdate: true },
    });
    expect(resolved.settings.autoUpdate).toBe(false);
    expect(resolved.sources.autoUpdate).toBe('safe_fallback');
  });
});

describe('applyUserChange', () => {
  it('merges a change into the user’s settings', () => {
    expect(applyUserChange({ theme: 'dark' }, { notifications: false }, [])).toEqual({
      theme: 'dark',
      notifications: false,
    });
  });

  it('refuses a change to an enforced policy key, naming it', () => {
    expect(() => applyUserChange({}, { serverUrl: 'https://home.example.com', theme: 'dark' }, ['serverUrl'])).toThrow(
      new LockedSettingError(['serverUrl']),
    );
  });

  it('an enforced policy key cannot be changed by user settings, even together with allowed keys', () => {
    const current = { theme: 'light' as const };
    let thrown: unknown;
    try {
      applyUserChange(current, { autoUpdate: true, serverUrl: 'https://home.example.com', theme: 'dark' }, [
        'autoUpdate',
        'serverUrl',
      ]);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(LockedSettingError);
    expect(thrown).toMatchObject({
      code: 'setting_locked',
      keys: ['autoUpdate', 'serverUrl'],
      message: 'autoUpdate, serverUrl are managed by your organization and cannot be changed here.',
    });
    expect(current).toEqual({ theme: 'light' });
  });

  it('does not mutate the current settings', () => {
    const current = { theme: 'light' as const };
    applyUserChange(current, { theme: 'dark' }, []);
    expect(current).toEqual({ theme: 'light' });
  });
});

describe('parsePolicyText', () => {
  it('accepts a valid policy and fills in the missing section', () => {
    expect(parsePolicyText(policyPath, '{"defaults":{"theme":"dark"}}')).toEqual({
      status: 'ok',
      path: policyPath,
      policy: { defaults: { theme: 'dark' }, enforced: {} },
    });
  });

  it('names the file when the JSON is broken', () => {
    const state = parsePolicyText(policyPath, '{"enforced":');
    expect(state.status).toBe('invalid');
    expect(state.status === 'invalid' && state.message).toMatch(
      /^\/etc\/switchboard\/policy\.json is not valid JSON \(/,
    );
  });

  it('names the file and the field of a wrongly-typed value', () => {
    const state = parsePolicyText(policyPath, '{"enforced":{"serverUrl":42}}');
    expect(state).toMatchObject({ status: 'invalid', path: policyPath });
    expect(state.status === 'invalid' && state.message).toMatch(
      /^\/etc\/switchboard\/policy\.json: enforced\.serverUrl: /,
    );
  });

  it('names the file, the section and the unknown key', () => {
    expect(parsePolicyText(policyPath, '{"enforced":{"serverURL":"https://a.example.com"}}')).toEqual({
      status: 'invalid',
      path: policyPath,
      message: '/etc/switchboard/policy.json: enforced: unknown setting "serverURL"',
    });
  });

  it('names an array element that is not a host', () => {
    const state = parsePolicyText(
      policyPath,
      '{"enforced":{"allowedExternalHosts":["x.com","https://evil.example/"]}}',
    );
    expect(state.status === 'invalid' && state.message).toBe(
      '/etc/switchboard/policy.json: enforced.allowedExternalHosts.1: must be a host name such as x.com or *.example.com',
    );
  });
});

describe('parseUserSettings', () => {
  it('keeps every valid key, normalising the server URL', () => {
    expect(parseUserSettings({ theme: 'dark', serverUrl: 'https://sb.example.com///' })).toEqual({
      settings: { theme: 'dark', serverUrl: 'https://sb.example.com' },
      problems: [],
    });
  });

  it('drops a bad value and reports it, keeping the others', () => {
    const { settings, problems } = parseUserSettings({ theme: 'dark', idleAwaySeconds: 10, logLevel: 'verbose' });
    expect(settings).toEqual({ theme: 'dark' });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^idleAwaySeconds: .*; using the default$/);
    expect(problems[1]).toMatch(/^logLevel: .*; using the default$/);
  });

  it('drops and reports an unknown key', () => {
    expect(parseUserSettings({ fontSize: 14 })).toEqual({
      settings: {},
      problems: ['unknown setting "fontSize" ignored'],
    });
  });

  it.each([null, [], 'dark', 3])('reports a file that does not hold an object (%j)', (json) => {
    expect(parseUserSettings(json)).toEqual({
      settings: {},
      problems: ['the settings file does not hold a JSON object'],
    });
  });

  it.each(['constructor', 'toString', '__proto__'])(
    'reports a key named like an Object method (%s) as unknown instead of throwing',
    (key) => {
      const json: unknown = JSON.parse(`{ "${key}": 1, "theme": "dark" }`);
      expect(parseUserSettings(json)).toEqual({
        settings: { theme: 'dark' },
        problems: [`unknown setting "${key}" ignored`],
      });
    },
  );
});

describe('describeIssues', () => {
  it('turns each issue into a "field: problem" line', () => {
    const result = PartialSettingsSchema.safeParse({ serverUrl: 42, idleAwaySeconds: 'soon' });
    expect(result.success).toBe(false);
    if (result.success) return;
    const text = describeIssues(result.error);
    const lines = text.split('; ');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^serverUrl: /);
    expect(lines[1]).toMatch(/^idleAwaySeconds: /);
  });

  it('lists unknown keys by name, without a field at the top level', () => {
    const result = PartialSettingsSchema.safeParse({ colour: 'red', size: 3 });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(describeIssues(result.error)).toBe('unknown setting "colour", "size"');
  });
});
