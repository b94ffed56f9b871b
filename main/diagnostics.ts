import type { Diagnostics, TokenStorage } from '../shared/ipc';
import type { PolicyState, SettingSource } from '../shared/settings';

export interface DiagnosticsInput {
  name: string;
  version: string;
  userDataPath: string;
  policy: PolicyState;
  settingsSources: Record<string, SettingSource>;
  tokenStorage: TokenStorage;
  online: boolean;
}

/** What support asks for first; shown in the app and copyable, with no secrets in it. */
export function diagnosticsSnapshot(input: DiagnosticsInput): Diagnostics {
  const memory = process.memoryUsage();
  const versions = Object.fromEntries(
    Object.entries(process.versions).filter(([k]) => ['electron', 'chrome', 'node', 'v8'].includes(k)),
  ) as Record<string, string>;
  return {
    app: { name: input.name, version: input.version, platform: process.platform, host: 'electron' },
    versions,
    arch: process.arch,
    uptimeSeconds: Math.round(process.uptime()),
    memoryMb: { rss: Math.round(memory.rss / 1048576), heapUsed: Math.round(memory.heapUsed / 1048576) },
    online: input.online,
    policy: {
      path: input.policy.path,
      status: input.policy.status,
      ...(input.policy.status === 'invalid' ? { message: input.policy.message } : {}),
    },
    settingsSources: input.settingsSources,
    tokenStorage: input.tokenStorage,
    userDataPath: input.userDataPath,
  };
}
