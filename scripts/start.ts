import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { DEFAULT_SETTINGS } from '../shared/settings';
import { startWebAgentHost } from '../server/webAgentHost';
import { findElectronRuntime, missingElectronMessage } from './electronRuntime';

/**
 * `npm start`: build, then launch the desktop app. Where the Electron runtime cannot be had, say
 * so once, clearly, and serve the web agent instead.
 */
const root = path.resolve(import.meta.dirname, '..');
const forwarded = process.argv.slice(2);
const serverArg = forwarded.find((a) => a.startsWith('--server-url='))?.slice('--server-url='.length);
const serverUrl = serverArg ?? process.env.SWITCHBOARD_SERVER_URL ?? DEFAULT_SETTINGS.serverUrl;

const build = spawnSync(
  process.execPath,
  [path.join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
if (build.status !== 0) {
  console.error('Switchboard: the build failed (see above); nothing was started.');
  process.exit(build.status ?? 1);
}

const runtime = findElectronRuntime(root);
if (runtime.found) {
  const app = spawn(runtime.binary, [root, ...forwarded], { cwd: root, stdio: 'inherit' });
  app.on('exit', (code) => process.exit(code ?? 0));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.kill(signal));
} else {
  const port = Number(process.env.SWITCHBOARD_WEB_PORT ?? 4410);
  const web = await startWebAgentHost({ rendererRoot: path.join(root, 'out/renderer'), port, serverUrl });
  console.log(missingElectronMessage(runtime.reason, web.url));
  const stop = () => void web.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
