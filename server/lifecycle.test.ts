import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');

interface Running {
  child: ChildProcessWithoutNullStreams;
  url: string;
  output: () => string;
}

/** `npm run server` as a user runs it: a real process on PGlite on disk. */
async function startServerProcess(dataDir: string, env: Record<string, string> = {}): Promise<Running> {
  const child = spawn(
    process.execPath,
    [path.join(root, 'node_modules/tsx/dist/cli.mjs'), path.join(root, 'server/index.ts')],
    {
      cwd: root,
      env: {
        ...process.env,
        PORT: '0',
        SWITCHBOARD_DATA_DIR: dataDir,
        SWITCHBOARD_SIMULATOR: '0',
        LOG_LEVEL: 'warn',
        ...env,
      },
    },
  );
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 60_000);
    const check = () => {
      const match = /routing backend on (http:\/\/\S+)/.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', check);
    child.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${out}`)));
  });
  return { child, url, output: () => out };
}

function exitOf(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

const signIn = (url: string, email: string) =>
  fetch(`${url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'switchboard-demo' }),
  });

/** The same provider message each time: a redelivery after the restart must be a duplicate. */
const postInteraction = (url: string) =>
  fetch(`${url}/api/ingest`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer demo-ingest-key-change-me' },
    body: JSON.stringify({
      provider: 'x',
      providerMessageId: 'lifecycle-1',
      channel: 'x_public',
      threadKey: 'lifecycle-thread',
      author: { kind: 'x_handle', value: '@lifecycle' },
      text: '@skywardair my suitcase never arrived in Lisbon',
      occurredAt: new Date().toISOString(),
    }),
  });

describe('the routing backend as a process', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it(
    'starts with the demo tenant, prints the sign-ins, stops cleanly on SIGTERM and keeps its data on disk',
    { timeout: 120_000 },
    async () => {
      const dataDir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-server-'));
      dirs.push(dataDir);
      const first = await startServerProcess(dataDir);
      await expect.poll(() => first.output()).toContain('agent1@demo.test');
      expect(await (await fetch(`${first.url}/healthz`)).json()).toMatchObject({ status: 'ok', db: 'pglite' });
      expect((await signIn(first.url, 'lead2@demo.test')).status).toBe(200);
      const ingest = await postInteraction(first.url);
      expect(ingest.status).toBe(200);
      const exited = exitOf(first.child);
      first.child.kill('SIGTERM');
      expect(await exited).toBe(0);
      await expect.poll(() => first.output()).toContain('finishing in-flight work');

      // Restarted on the same folder: the same data, no second demo seed, the redelivery a duplicate.
      const second = await startServerProcess(dataDir);
      const again = await postInteraction(second.url);
      expect(await again.json()).toMatchObject({ status: 'duplicate' });
      const exitedAgain = exitOf(second.child);
      second.child.kill('SIGTERM');
      expect(await exitedAgain).toBe(0);
    },
  );

  it('refuses a bad configuration with a message naming the variable', { timeout: 60_000 }, async () => {
    const child = spawn(
      process.execPath,
      [path.join(root, 'node_modules/tsx/dist/cli.mjs'), path.join(root, 'server/index.ts')],
      {
        cwd: root,
        env: { ...process.env, PORT: 'not-a-port' },
      },
    );
    let out = '';
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    expect(await exitOf(child)).toBe(2);
    expect(out).toContain('PORT');
  });
});
