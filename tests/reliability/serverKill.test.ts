import fc from 'fast-check';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, onTestFailed } from 'vitest';
import { openPglite } from '../../server/db/pglite';
import { drained, enqueueNotes, sleep, testSeed } from './harness';
import { checkClient, describeReport, HELD, serverView, type PlannedOp } from './invariants';
import { Device } from './syncClient';

const root = path.resolve(import.meta.dirname, '../..');
const INGEST_KEY = 'kill-test-ingest-key-0123456789';
const ADMIN = { email: 'admin@kill.test', password: 'kill-test-password-0123' };

/**
 * RELIABILITY.md 15 at process level: the real backend (`server/index.ts`, PGlite on disk) is
 * killed with SIGKILL at seeded moments while devices send bursts of ops, and restarted on the
 * same data directory and port. After the last restart every op must be applied exactly once (its
 * effect counted in the database), what the server acknowledged before a kill must still be
 * there, each client's ops applied in seq order, and every mirror must equal a fresh pull.
 */
describe('server killed mid-batch (process level, PGlite on disk)', () => {
  const cleanups: (() => unknown)[] = [];
  afterAll(async () => {
    for (const fn of cleanups.reverse()) await fn();
  }, 60_000);

  it(
    'scenario 15: SIGKILL the server between commit and ack and between two ops, three times — committed prefix kept, the rest resent, each op once, in order, converged',
    { timeout: 180_000 },
    async () => {
      const seed = testSeed(20261115);
      onTestFailed(() => console.log(`scenario 15 (process): seed=${seed} (replay with SWITCHBOARD_RELIABILITY_SEED)`));
      const dataDir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-kill-'));
      cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      let server = await startServer(dataDir, port);
      cleanups.push(() => server.stop());

      const session = await signIn(url);
      const conversations: string[] = [];
      for (let i = 0; i < 3; i++) conversations.push(await ingest(url, `kill-thread-${i}`));
      // Three devices of the admin (any conversation is theirs to note), each with its own outbox.
      const devices = conversations.map(
        () =>
          new Device(session.agentId, () => session.token, {
            ackTimeoutMs: 2000,
            backoffBaseMs: 50,
            backoffMaxMs: 400,
          }),
      );
      cleanups.push(() => Promise.all(devices.map((d) => d.stop())));
      for (const d of devices) await d.start(url);
      const planned: PlannedOp[][] = devices.map(() => []);
      /** Per device: each op the server acknowledged as applied, with its change seq, before a kill. */
      const ackedBeforeKill = new Map<string, number>();

      const [pauses, waits] = fc.sample(
        fc.tuple(
          fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 30, maxLength: 30 }),
          fc.array(fc.integer({ min: 100, max: 600 }), { minLength: 3, maxLength: 3 }),
        ),
        { seed, numRuns: 1 },
      )[0]!;
      let kills = 0;
      const restarts: number[] = [];
      let midBatch = 0;
      for (const wait of waits) {
        // Every device back on line before the round.
        await expect.poll(() => devices.every((d) => d.socket!.connected), { timeout: 20_000 }).toBe(true);
        // Bursts from every device…
        const bursts = Promise.all(
          devices.map(async (d, i) => {
            for (let b = 0; b < 5; b++) {
              planned[i]!.push(...(await enqueueNotes(d, conversations[i]!, 12, `kill-${kills}-${i}-${b}`)));
              await sleep(pauses[(kills * 5 + b + i) % pauses.length]!);
            }
          }),
        );
        // …and a SIGKILL at a seeded moment inside them, once a batch is half done: some of its ops
        // committed (their changes were pushed) and its ack not sent yet.
        await sleep(wait);
        if (await waitFor(() => devices.some(committedNotAcked), 5000)) midBatch += 1;
        for (const d of devices)
          for (const r of d.results)
            if (r.status === 'applied' && r.seq !== undefined) ackedBeforeKill.set(r.opId, r.seq);
        server.kill();
        kills += 1;
        await bursts; // the devices keep committing locally while the server is down
        const restarted = performance.now();
        server = await startServer(dataDir, port);
        restarts.push(Math.round(performance.now() - restarted));
      }
      for (const d of devices) d.engine!.nudge();
      for (const d of devices) await drained(d, 60_000);

      // Convergence, against the running server.
      const expected = await serverView(url, session.token);
      // The database, read after a clean stop: every effect counted there.
      await server.stop();
      const db = await openPglite(dataDir);
      cleanups.push(() => db.close());
      for (const [i, d] of devices.entries()) {
        const report = await checkClient({
          server: db,
          clientId: d.engine!.clientId,
          planned: planned[i]!,
          cursors: d.cursors,
          mirror: { db: d.db!, expected, label: `device ${i}` },
        });
        expect(report.divergence, describeReport(report)).toEqual([]);
        expect(report, describeReport(report)).toMatchObject({
          ...HELD,
          applied: planned[i]!.length,
        });
      }
      // Each note's message exists exactly once.
      const tokens = planned.flat().map((p) => p.token!);
      const { rows } = await db.query<{ n: number }>(
        'select count(*)::int as n from messages where body = any($1::text[])',
        [tokens],
      );
      expect(rows[0]!.n).toBe(tokens.length);
      // The committed prefix: what was acknowledged before a kill is stored with the same change.
      expect(ackedBeforeKill.size).toBeGreaterThan(0);
      const { rows: stored } = await db.query<{ op_id: string; result: { seq?: number } }>(
        'select op_id, result from op_results where op_id = any($1::text[])',
        [[...ackedBeforeKill.keys()]],
      );
      expect(new Map(stored.map((r) => [r.op_id, r.result.seq]))).toEqual(ackedBeforeKill);
      // The kills landed mid-batch: ops committed before a kill but never acknowledged were resent
      // and answered from the stored results.
      const resent = devices.reduce((n, d) => n + d.results.filter((r) => r.status === 'already_processed').length, 0);
      expect(midBatch).toBeGreaterThan(0);
      expect(resent).toBeGreaterThan(0);
      console.log(
        `scenario 15 (process): seed=${seed} kills=${kills} ops=${tokens.length} acked-before-kill=${ackedBeforeKill.size} ` +
          `mid-batch-kills=${midBatch} already_processed=${resent} restart-ms=${restarts.join('/')}`,
      );
      expect(kills).toBe(3);
    },
  );
});

/** The device has a batch in flight some of whose ops the server committed (their messages were pushed). */
function committedNotAcked(device: Device): boolean {
  const inFlight = device.batches.at(-1);
  if (!inFlight || inFlight.results || inFlight.error || inFlight.ops.length < 2) return false;
  const ids = new Set(inFlight.ops.map((op) => ('messageId' in op.payload ? op.payload.messageId : '')));
  return device.pushes.some((p) => p.at > inFlight.at && p.push.changes.some((c) => ids.has(c.id)));
}

async function waitFor(condition: () => boolean, timeout: number): Promise<boolean> {
  const deadline = performance.now() + timeout;
  while (performance.now() < deadline) {
    if (condition()) return true;
    await sleep(2);
  }
  return false;
}

interface ServerProcess {
  child: ChildProcess;
  kill(): void;
  stop(): Promise<void>;
}

/** `server/index.ts` in a node process of its own (no tsx wrapper process, so SIGKILL hits the server itself). */
async function startServer(dataDir: string, port: number): Promise<ServerProcess> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOST: '127.0.0.1',
    PORT: String(port),
    SWITCHBOARD_DATA_DIR: dataDir,
    SWITCHBOARD_DEMO: '0',
    SWITCHBOARD_SIMULATOR: '0',
    SWITCHBOARD_INGEST_KEY: INGEST_KEY,
    SWITCHBOARD_TOKEN_SECRET: 'kill-test-token-secret-0123456789-0123456789',
    SWITCHBOARD_ADMIN_EMAIL: ADMIN.email,
    SWITCHBOARD_ADMIN_PASSWORD: ADMIN.password,
    SWITCHBOARD_INGEST_MAX_LAG_MS: '60000',
    LOG_LEVEL: 'warn',
  };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'server/index.ts')], { cwd: root, env });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode} on start:\n${output}`);
    if (Date.now() > deadline) throw new Error(`the server did not become ready:\n${output}`);
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) break;
    await sleep(100);
  }
  return {
    child,
    kill: () => void child.kill('SIGKILL'),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function signIn(url: string): Promise<{ token: string; agentId: string }> {
  const response = await fetch(`${url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  const body = (await response.json()) as { token: string; agent: { id: string } };
  if (!response.ok) throw new Error(`sign-in failed: ${JSON.stringify(body)}`);
  return { token: body.token, agentId: body.agent.id };
}

async function ingest(url: string, threadKey: string): Promise<string> {
  const response = await fetch(`${url}/api/ingest`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST_KEY}` },
    body: JSON.stringify({
      provider: 'test',
      providerMessageId: threadKey,
      channel: 'x_dm',
      threadKey,
      author: { kind: 'x_handle', value: `@${threadKey}` },
      text: 'my bag did not arrive',
      occurredAt: new Date().toISOString(),
    }),
  });
  const body = (await response.json()) as { conversationId: string };
  if (!response.ok) throw new Error(`ingest failed: ${JSON.stringify(body)}`);
  return body.conversationId;
}
