import { z } from 'zod';

/**
 * Every setting the desktop app knows, with its built-in default. The same schema validates the
 * user's settings file, the machine policy file (its `defaults` and `enforced` sections) and the
 * development overrides, so a key means the same thing wherever it is set.
 */
const hostPattern = /^(\*\.)?([a-z0-9-]+\.)*[a-z0-9-]+$/i;

export const SettingsSchema = z.object({
  /** Routing backend the app signs in to and syncs with. */
  serverUrl: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .transform((url) => url.replace(/\/+$/, '')),
  /** Hosts whose https links may open in the OS browser; `*.example.com` covers subdomains. */
  allowedExternalHosts: z
    .array(z.string().regex(hostPattern, 'must be a host name such as x.com or *.example.com'))
    .max(200),
  autoUpdate: z.boolean(),
  /** Refuse to keep the sign-in on disk when the OS offers no keyring (Linux `basic_text`). */
  requireSecureTokenStorage: z.boolean(),
  /** Single-key shortcuts (j/k, r, …); some agents type into other apps by accident. */
  singleKeyShortcuts: z.boolean(),
  logLevel: z.enum(['error', 'warn', 'info', 'debug']),
  startMinimized: z.boolean(),
  /** Closing the window keeps the app (and its sync) running in the tray. */
  closeToTray: z.boolean(),
  notifications: z.boolean(),
  theme: z.enum(['system', 'light', 'dark']),
  /** Seconds of OS idle time after which the agent is offered to go away. */
  idleAwaySeconds: z.number().int().min(30).max(7200),
});

export type Settings = z.output<typeof SettingsSchema>;
export type SettingKey = keyof Settings;
export const settingKeys = Object.keys(SettingsSchema.shape) as SettingKey[];

export const DEFAULT_SETTINGS: Settings = {
  serverUrl: 'http://127.0.0.1:4400',
  allowedExternalHosts: ['x.com', 'twitter.com', 'facebook.com', 'www.facebook.com', 'm.me'],
  autoUpdate: true,
  requireSecureTokenStorage: false,
  singleKeyShortcuts: true,
  logLevel: 'info',
  startMinimized: false,
  closeToTray: true,
  notifications: true,
  theme: 'system',
  idleAwaySeconds: 300,
};

/**
 * Used when the machine policy file exists but cannot be read: the organisation meant to lock
 * something down and we cannot tell what, so the security-relevant keys fall back to their
 * strictest value and stay locked until IT fixes the file.
 */
export const SAFE_FALLBACK: Partial<Settings> = {
  allowedExternalHosts: [],
  autoUpdate: false,
  requireSecureTokenStorage: true,
};

export const PartialSettingsSchema = SettingsSchema.partial().strict();
export type PartialSettings = z.output<typeof PartialSettingsSchema>;

export const PolicyFileSchema = z
  .object({
    defaults: PartialSettingsSchema.default({}),
    enforced: PartialSettingsSchema.default({}),
  })
  .strict();
export type PolicyFile = z.output<typeof PolicyFileSchema>;

export type SettingSource = 'default' | 'user' | 'policy_default' | 'policy_enforced' | 'override' | 'safe_fallback';

export type PolicyState =
  | { status: 'absent'; path: string }
  | { status: 'ok'; path: string; policy: PolicyFile }
  | { status: 'invalid'; path: string; message: string };

export interface ResolveInput {
  user: PartialSettings;
  policy: PolicyState;
  overrides: PartialSettings;
  /** Development builds let overrides beat enforced policy; a packaged app never does. */
  overridesBeatPolicy: boolean;
}

export interface ResolvedSettings {
  settings: Settings;
  sources: Record<SettingKey, SettingSource>;
  locked: SettingKey[];
}

/**
 * built-in defaults < policy `defaults` < user settings < policy `enforced` < development overrides.
 * The policy's `defaults` section replaces the built-in default and a user may still change it
 * (like Chrome's recommended policies); `enforced` keys beat anything the user sets and are locked.
 */
export function resolveSettings(input: ResolveInput): ResolvedSettings {
  const settings: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  const sources = Object.fromEntries(settingKeys.map((k) => [k, 'default'])) as Record<SettingKey, SettingSource>;
  const locked = new Set<SettingKey>();

  const layer = (values: PartialSettings, source: SettingSource, lock: boolean) => {
    for (const key of settingKeys) {
      if (values[key] === undefined) continue;
      if (locked.has(key) && source !== 'override') continue;
      settings[key] = values[key];
      sources[key] = source;
      if (lock) locked.add(key);
    }
  };

  const { policy } = input;
  if (policy.status === 'ok') layer(policy.policy.defaults, 'policy_default', false);
  layer(input.user, 'user', false);
  if (policy.status === 'ok') layer(policy.policy.enforced, 'policy_enforced', true);
  if (policy.status === 'invalid') layer(SAFE_FALLBACK, 'safe_fallback', true);

  if (input.overridesBeatPolicy) {
    layer(input.overrides, 'override', false);
  } else {
    const unlocked = Object.fromEntries(
      Object.entries(input.overrides).filter(([k]) => !locked.has(k as SettingKey)),
    ) as PartialSettings;
    layer(unlocked, 'override', false);
  }

  return { settings: SettingsSchema.parse(settings), sources, locked: [...locked] };
}

/** Turns a zod error into "field: problem" lines a person can act on. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const field = issue.path.length ? issue.path.join('.') : '(top level)';
      if (issue.code === 'unrecognized_keys') {
        const where = issue.path.length ? `${field}: ` : '';
        return `${where}unknown setting ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
      }
      return `${field}: ${issue.message}`;
    })
    .join('; ');
}

/**
 * Reads a policy file's text. Never throws: a broken file becomes an `invalid` state naming the
 * file and the field, and the app runs on SAFE_FALLBACK.
 */
export function parsePolicyText(path: string, text: string): PolicyState {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { status: 'invalid', path, message: `${path} is not valid JSON (${(err as Error).message})` };
  }
  const parsed = PolicyFileSchema.safeParse(json);
  if (!parsed.success) {
    return { status: 'invalid', path, message: `${path}: ${describeIssues(parsed.error)}` };
  }
  return { status: 'ok', path, policy: parsed.data };
}

/**
 * Reads the user's settings leniently: each valid key is kept, each invalid one is dropped and
 * reported, so one bad value never resets every other preference.
 */
export function parseUserSettings(json: unknown): { settings: PartialSettings; problems: string[] } {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { settings: {}, problems: ['the settings file does not hold a JSON object'] };
  }
  const settings: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, value] of Object.entries(json)) {
    // Own keys only: a key named `constructor` or `__proto__` must read as unknown, not crash.
    const field = Object.hasOwn(SettingsSchema.shape, key) ? SettingsSchema.shape[key as SettingKey] : undefined;
    if (!field) {
      problems.push(`unknown setting "${key}" ignored`);
      continue;
    }
    const parsed = field.safeParse(value);
    if (parsed.success) settings[key] = parsed.data;
    else problems.push(`${key}: ${parsed.error.issues[0]?.message ?? 'invalid'}; using the default`);
  }
  return { settings: settings, problems };
}

export class LockedSettingError extends Error {
  readonly code = 'setting_locked';
  constructor(readonly keys: SettingKey[]) {
    super(
      `${keys.join(', ')} ${keys.length > 1 ? 'are' : 'is'} managed by your organization and cannot be changed here.`,
    );
  }
}

/** Applies a user's change, refusing any key the machine policy locks. */
export function applyUserChange(
  current: PartialSettings,
  patch: PartialSettings,
  locked: readonly SettingKey[],
): PartialSettings {
  const blocked = (Object.keys(patch) as SettingKey[]).filter((k) => locked.includes(k));
  if (blocked.length) throw new LockedSettingError(blocked);
  return { ...current, ...patch };
}
