import { parseUserSettings, type PartialSettings } from '../shared/settings';

/**
 * Development overrides: `--server-url=<url>` (or `--server-url <url>`) and SWITCHBOARD_SERVER_URL.
 * Invalid values are reported, not applied.
 */
export function readDevOverrides(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): { overrides: PartialSettings; problems: string[] } {
  let serverUrl: string | undefined = env.SWITCHBOARD_SERVER_URL;
  argv.forEach((arg, i) => {
    if (arg.startsWith('--server-url=')) serverUrl = arg.slice('--server-url='.length);
    else if (arg === '--server-url' && argv[i + 1]) serverUrl = argv[i + 1];
  });
  if (serverUrl === undefined) return { overrides: {}, problems: [] };
  const parsed = parseUserSettings({ serverUrl });
  return { overrides: parsed.settings, problems: parsed.problems.map((p) => `--server-url: ${p}`) };
}
