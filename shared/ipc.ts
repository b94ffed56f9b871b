import { z } from 'zod';
import { SessionAgentSchema } from './api';
import { PartialSettingsSchema, SettingsSchema, settingKeys, type SettingKey } from './settings';

/**
 * The whole IPC surface between main and the renderer: one zod schema per request and response,
 * one per event. Main parses both directions with these; the preload only forwards channel names
 * typed against this file, so a misspelt channel fails typecheck.
 */

const SettingKeySchema = z.enum(settingKeys as [SettingKey, ...SettingKey[]]);
const SettingSourceSchema = z.enum([
  'default',
  'user',
  'policy_default',
  'policy_enforced',
  'override',
  'safe_fallback',
]);

export const SettingsViewSchema = z.object({
  settings: SettingsSchema,
  sources: z.record(z.string(), SettingSourceSchema),
  locked: z.array(SettingKeySchema),
  /** Messages an admin or agent must see: a broken policy file, dropped user settings. */
  notices: z.array(z.string()),
});
export type SettingsView = z.infer<typeof SettingsViewSchema>;

export const AppInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  platform: z.string(),
  host: z.enum(['electron', 'browser']),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;

export const TokenStorageSchema = z.enum(['keyring', 'basic_text', 'memory_only', 'browser_session']);
export type TokenStorage = z.infer<typeof TokenStorageSchema>;

export const StoredSessionSchema = z.object({
  token: z.string().min(1).max(8192),
  refreshToken: z.string().min(1).max(8192).optional(),
  serverUrl: z.string().url(),
  agent: SessionAgentSchema,
  expiresAt: z.string(),
});
export type StoredSession = z.infer<typeof StoredSessionSchema>;

export const SessionStatusSchema = z.object({
  session: StoredSessionSchema.nullable(),
  storage: TokenStorageSchema,
  /** Why the sign-in will not survive a restart, when it will not. */
  notice: z.string().nullable(),
});
export type SessionStatus = z.infer<typeof SessionStatusSchema>;

export const OpenExternalResultSchema = z.object({
  opened: z.boolean(),
  reason: z.string().optional(),
});
export type OpenExternalResult = z.infer<typeof OpenExternalResultSchema>;

export const DiagnosticsSchema = z.object({
  app: AppInfoSchema,
  versions: z.record(z.string(), z.string()),
  arch: z.string(),
  uptimeSeconds: z.number(),
  memoryMb: z.object({ rss: z.number(), heapUsed: z.number() }),
  online: z.boolean(),
  policy: z.object({ path: z.string(), status: z.enum(['absent', 'ok', 'invalid']), message: z.string().optional() }),
  settingsSources: z.record(z.string(), SettingSourceSchema),
  tokenStorage: TokenStorageSchema,
  userDataPath: z.string(),
});
export type Diagnostics = z.infer<typeof DiagnosticsSchema>;

/**
 * Text shown by the OS, outside the app's CSP: one line for a title, a few for a body, nothing that
 * could steer the text's direction or the OS's rendering (control and bidi override characters).
 */
// eslint-disable-next-line no-control-regex
const NOT_ONE_LINE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
// eslint-disable-next-line no-control-regex
const NOT_PLAIN = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const osText = (max: number, lines: 'one' | 'many') =>
  z
    .string()
    .max(max)
    .refine(
      (s) => !(lines === 'one' ? NOT_ONE_LINE : NOT_PLAIN).test(s),
      'must be plain text without control characters',
    );

export const NotificationRequestSchema = z
  .object({
    title: osText(120, 'one').min(1),
    body: osText(400, 'many'),
    /** One notification per tag: a newer one with the same tag replaces it. */
    tag: z
      .string()
      .min(1)
      .max(160)
      .regex(/^[\w.:-]+$/, 'letters, digits and . _ : - only'),
  })
  .strict();
export type NotificationRequest = z.infer<typeof NotificationRequestSchema>;

export const NotificationResultSchema = z.object({
  shown: z.boolean(),
  /** Why it was not shown, in words the agent can act on. */
  reason: z.string().optional(),
});
export type NotificationResult = z.infer<typeof NotificationResultSchema>;

/** The same answer on both hosts when the agent (or policy) turned notifications off. */
export const NOTIFICATIONS_OFF = 'Notifications are off in Settings.';

const Empty = z.undefined();

export const ipcContract = {
  'app:info': { request: Empty, response: AppInfoSchema },
  'app:diagnostics': { request: Empty, response: DiagnosticsSchema },
  'settings:get': { request: Empty, response: SettingsViewSchema },
  'settings:update': { request: PartialSettingsSchema, response: SettingsViewSchema },
  'session:get': { request: Empty, response: SessionStatusSchema },
  'session:save': { request: StoredSessionSchema, response: SessionStatusSchema },
  'session:clear': { request: Empty, response: SessionStatusSchema },
  'shell:openExternal': {
    request: z.object({ url: z.string().max(4096) }).strict(),
    response: OpenExternalResultSchema,
  },
  'badge:set': {
    request: z.object({ count: z.number().int().min(0).max(9999) }).strict(),
    response: z.object({ ok: z.literal(true) }),
  },
  'notify:show': { request: NotificationRequestSchema, response: NotificationResultSchema },
} as const;

export type IpcChannel = keyof typeof ipcContract;
export type IpcRequest<C extends IpcChannel> = z.input<(typeof ipcContract)[C]['request']>;
export type IpcResponse<C extends IpcChannel> = z.output<(typeof ipcContract)[C]['response']>;

/** What every invoke resolves to: errors travel as data so the renderer gets a code, not a stack. */
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: { code: IpcErrorCode; message: string } };
export type IpcErrorCode = 'untrusted_sender' | 'invalid_request' | 'setting_locked' | 'failed';

export const hostEventContract = {
  'host:network': z.object({ online: z.boolean() }),
  'host:power': z.object({ state: z.enum(['suspend', 'resume']) }),
  'host:screen': z.object({ state: z.enum(['lock', 'unlock']) }),
  'host:idle': z.object({ idleSeconds: z.number().int().min(0) }),
  /** The agent clicked an OS notification; the window is already shown and focused. */
  'host:notificationClicked': z.object({ tag: NotificationRequestSchema.shape.tag }),
  'settings:changed': SettingsViewSchema,
} as const;

export type HostEvent = keyof typeof hostEventContract;
export type HostEventPayload<E extends HostEvent> = z.output<(typeof hostEventContract)[E]>;

/**
 * `window.switchboard`: the verbs the preload exposes. The browser host implements the same
 * interface on browser APIs, so the renderer never knows which one it runs on.
 */
export interface SwitchboardBridge {
  readonly kind: 'electron' | 'browser';
  appInfo(): Promise<AppInfo>;
  diagnostics(): Promise<Diagnostics>;
  getSettings(): Promise<SettingsView>;
  updateSettings(patch: IpcRequest<'settings:update'>): Promise<SettingsView>;
  getSession(): Promise<SessionStatus>;
  saveSession(session: StoredSession): Promise<SessionStatus>;
  clearSession(): Promise<SessionStatus>;
  openExternal(url: string): Promise<OpenExternalResult>;
  /** The count of work waiting: tray tooltip and app badge (desktop), tab title (web). */
  setBadge(count: number): Promise<void>;
  /** An OS notification; `shown: false` with a reason when settings, the OS or the browser refuse. */
  notify(notification: NotificationRequest): Promise<NotificationResult>;
  /**
   * Asks for permission to notify. Browsers allow the question only from a click, so call it from
   * one; resolves true when notifications may be shown. The desktop app needs no permission.
   */
  requestNotifications(): Promise<boolean>;
  on<E extends HostEvent>(event: E, listener: (payload: HostEventPayload<E>) => void): () => void;
}

export class BridgeError extends Error {
  constructor(
    readonly code: IpcErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'BridgeError';
  }
}
