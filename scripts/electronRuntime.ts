import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export type ElectronRuntime = { found: true; binary: string } | { found: false; reason: string };

/**
 * Finds the Electron binary without importing `electron` (whose index throws when the runtime
 * was never downloaded). ELECTRON_OVERRIDE_DIST_PATH wins, as it does for electron itself.
 */
export function findElectronRuntime(
  projectRoot: string,
  env: NodeJS.ProcessEnv = process.env,
  platform = process.platform,
): ElectronRuntime {
  const executable =
    platform === 'win32' ? 'electron.exe' : platform === 'darwin' ? 'Electron.app/Contents/MacOS/Electron' : 'electron';
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const binary = path.join(env.ELECTRON_OVERRIDE_DIST_PATH, executable);
    return existsSync(binary)
      ? { found: true, binary }
      : { found: false, reason: `ELECTRON_OVERRIDE_DIST_PATH is set but ${binary} does not exist` };
  }
  const packageDir = path.join(projectRoot, 'node_modules', 'electron');
  if (!existsSync(packageDir)) return { found: false, reason: 'the electron package is not installed (run npm ci)' };
  const pathFile = path.join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) {
    return {
      found: false,
      reason: 'the Electron runtime was never downloaded (node_modules/electron/dist is missing)',
    };
  }
  const binary = path.join(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? { found: true, binary } : { found: false, reason: `${binary} is missing` };
}

export function missingElectronMessage(reason: string, webAgentUrl: string): string {
  return [
    '',
    `Switchboard: the desktop app cannot start here: ${reason}.`,
    '  To run the desktop app, on a machine with internet access run:  npm run electron:install',
    '  or point ELECTRON_OVERRIDE_DIST_PATH at the folder of an installed Electron 45, then run npm start again.',
    `  Meanwhile the web agent is running: open ${webAgentUrl} in Chrome, Edge, Chromium or Firefox.`,
    '  Press Ctrl+C to stop.',
    '',
  ].join('\n');
}
