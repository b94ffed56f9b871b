import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { startWebAgentHost } from '../server/webAgentHost';
import { findElectronRuntime, missingElectronMessage } from './electronRuntime';

/**
 * `npm start`: the routing backend on its embedded default (PGlite, demo tenant, demo traffic),
 * then the desktop app pointed at it. Where the Electron runtime cannot be had, say so once,
 * clearly, and serve the web agent instead.
 */
const root = path.resolve(import.meta.dirname, '..');
const forwarded = process.argv.slice(2);

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

// The backend runs as its own process: its logs stay apart and it stops cleanly on SIGTERM.
const backend = spawn(
  process.execPath,
  [path.join(root, 'node_modules/tsx/dist/cli.mjs'), path.join(root, 'server/index.ts')],
  {
    cwd: root,
    // The IPC channel closes when this process dies, however it dies: the backend then stops too.
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    env: { LOG_LEVEL: 'warn', ...process.env },
  },
);
const serverUrl = await new Promise<string>((resolve, reject) => {
  let seen = '';
  backend.stdout?.on('data', (chunk: Buffer) => {
    process.stdout.write(chunk);
    seen += chunk.toString('utf8');
    const match = /routing backend on (http:\/\/\S+)/.exec(seen);
    if (match?.[1]) resolve(match[1]);
  });
  backend.on('exit', (code) => reject(new Error(`the routing backend stopped (exit ${code ?? 'signal'})`)));
}).catch((err: Error) => {
  console.error(`Switchboard: ${err.message}; see its message above. Nothing else was started.`);
  process.exit(1);
});

const stopAll = (code: number) => {
  backend.kill('SIGTERM');
  backend.once('exit', () => process.exit(code));
  setTimeout(() => process.exit(code), 10_000).unref();
};

const runtime = findElectronRuntime(root);
if (runtime.found) {
  const app = spawn(runtime.binary, [root, `--server-url=${serverUrl}`, ...forwarded], { cwd: root, stdio: 'inherit' });
  app.on('exit', (code) => stopAll(code ?? 0));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.kill(signal));
} else {
  const port = Number(process.env.SWITCHBOARD_WEB_PORT ?? 4410);
  const web = await startWebAgentHost({ rendererRoot: path.join(root, 'out/renderer'), port, serverUrl });
  console.log(missingElectronMessage(runtime.reason, web.url));
  const stop = () => void web.close().then(() => stopAll(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
