/**
 * B7 (DESIGN.md, Performance budgets): memory. Budget: the renderer with 100,000 conversations
 * ≤ 300 MB; the server with 1,000 agents ≤ 500 MB.
 *
 * Renderer: B4's page (bench/b4/page.tsx: <Inbox> on a SyncDb seeded with 100,000 conversations
 * and 100,000 customers) in headless Chromium, after the full index is loaded and the inbox
 * rendered, then a forced GC (CDP `HeapProfiler.collectGarbage`, twice). Measured: the JS heap used
 * (CDP `Runtime.getHeapUsage`), and the renderer process's memory from /proc/<pid>/status
 * (`VmRSS`, and `RssAnon`, its private part), the renderer being found among this process's
 * descendants (`--type=renderer`) as the one whose CPU time moves while the page spins. Raw primitive: a fresh page of
 * the same site that reads the same 100,000 conversation rows into a plain array with one getAll
 * and keeps them, measured the same way.
 *
 * Server: the real backend (`server/index.ts`) in a child process of its own, as
 * tests/reliability/serverKill.test.ts starts it (`node --import tsx`, PGlite in a temp data dir
 * that the bench migrates and seeds first with 1,000 agents, as B1 seeds them; `SWITCHBOARD_DEMO=0`).
 * 1,000 socket.io clients connect from this process, each with an access token issued with the
 * server's secret (what signing in returns), each pulls once and goes available; then a few
 * hundred interactions are ingested and routed (each seen `assigned` on its agent's socket). After
 * settling, the child's VmRSS is sampled from /proc/<pid>/status a few times: the max is the figure.
 * Raw primitive: a bare Node child (bench/b7/bareServer.ts, socket.io on node:http, started the
 * same way) with the same 1,000 clients connected, each having pulled once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdir, readFile, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { CDPSession, Page } from 'playwright';
import { io as connectSocket, type Socket as ClientSocket } from 'socket.io-client';
import { openInboxSite } from './b4-inbox-chromium';
import { chromiumExecutable } from './chromiumPage';
import type { BenchEntry } from './run';

type B7Entry = BenchEntry & { id: 'B7' };

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const BUDGET_RENDERER_MB = 300;
const BUDGET_SERVER_MB = 500;
const INGEST_KEY = 'bench-b7-ingest-key-0123456789';
const TOKEN_SECRET = 'bench-b7-token-secret-0123456789-0123456789';
const TEAM = 'bench';

const mb = (kb: number) => Math.round((kb / 1024) * 10) / 10;
const bytesMb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const round2 = (v: number) => Math.round(v * 100) / 100;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// /proc
// ---------------------------------------------------------------------------------------------

/** kB fields of /proc/<pid>/status (VmRSS, VmHWM, RssAnon, RssFile, RssShmem), or null once gone. */
async function procStatus(pid: number): Promise<Record<string, number> | null> {
  const text = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => null);
  if (text === null) return null;
  const fields: Record<string, number> = {};
  for (const match of text.matchAll(/^(\w+):\s+(\d+) kB$/gm)) fields[match[1]!] = Number(match[2]);
  return fields;
}

/** Every live descendant of `root`, with its command line. */
async function descendants(root: number): Promise<{ pid: number; cmdline: string }[]> {
  const parents = new Map<number, number>();
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => null);
    // pid (comm) state ppid …: comm may hold spaces and parentheses, so read after the last ')'.
    const ppid = stat ? Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) : NaN;
    if (Number.isInteger(ppid)) parents.set(Number(name), ppid);
  }
  const found: { pid: number; cmdline: string }[] = [];
  const walk = async (pid: number) => {
    for (const [child, parent] of parents) {
      if (parent !== pid) continue;
      const cmdline = (await readFile(`/proc/${child}/cmdline`, 'utf8').catch(() => '')).replaceAll('\0', ' ');
      found.push({ pid: child, cmdline });
      await walk(child);
    }
  };
  await walk(root);
  return found;
}

interface RendererMemory {
  pid: number;
  rssKb: number;
  anonKb: number;
  renderers: number;
}

/** User + system CPU ticks of a process (/proc/<pid>/stat), or 0 once gone. */
async function cpuTicks(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (!stat) return 0;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

const rendererPids = async () =>
  (await descendants(process.pid)).filter((p) => p.cmdline.includes('--type=renderer')).map((p) => p.pid);

/**
 * Which of this process's Chromium renderers runs `page`: the page spins for 500 ms and the
 * renderer whose CPU time moved most (and at least twice as much as any other) is its own; tried
 * up to five times, as a renderer of a page closed just before may still be busy. CDP names no
 * process ids for pages.
 */
async function rendererOf(page: Page): Promise<{ pid: number; renderers: number }> {
  let moved: { pid: number; ticks: number }[] = [];
  for (let attempt = 0; attempt < 5; attempt++) {
    const pids = await rendererPids();
    const before = await Promise.all(pids.map(cpuTicks));
    await page.evaluate(() => {
      const until = performance.now() + 500;
      while (performance.now() < until);
    });
    const after = await Promise.all(pids.map(cpuTicks));
    moved = pids.map((pid, i) => ({ pid, ticks: after[i]! - before[i]! })).sort((a, b) => b.ticks - a.ticks);
    if (moved[0] && moved[0].ticks >= 5 && moved[0].ticks >= 2 * (moved[1]?.ticks ?? 0))
      return { pid: moved[0].pid, renderers: pids.length };
    await sleep(1_000);
  }
  throw new Error(`B7: cannot tell the page's renderer process: CPU ticks ${JSON.stringify(moved)}`);
}

async function rendererMemory(renderer: { pid: number; renderers: number }): Promise<RendererMemory> {
  const status = await procStatus(renderer.pid);
  if (!status) throw new Error(`B7: the renderer process ${renderer.pid} is gone`);
  return { pid: renderer.pid, rssKb: status.VmRSS ?? 0, anonKb: status.RssAnon ?? 0, renderers: renderer.renderers };
}

// ---------------------------------------------------------------------------------------------
// Renderer.
// ---------------------------------------------------------------------------------------------

interface PageMemory {
  jsHeapUsed: number;
  jsHeapTotal: number;
  /** Blink's own garbage-collected heap (DOM and layout objects). */
  embedderHeapUsed: number;
  process: RendererMemory;
}

async function pageMemory(cdp: CDPSession, renderer: { pid: number; renderers: number }): Promise<PageMemory> {
  // Twice: the first collection can leave what finalizers free for the second.
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  await sleep(200);
  const heap = await cdp.send('Runtime.getHeapUsage');
  return {
    jsHeapUsed: heap.usedSize,
    jsHeapTotal: heap.totalSize,
    embedderHeapUsed: heap.embedderHeapUsedSize,
    process: await rendererMemory(renderer),
  };
}

const describeMemory = (m: PageMemory) =>
  `JS heap ${bytesMb(m.jsHeapUsed)} MB used of ${bytesMb(m.jsHeapTotal)} MB, Blink heap ${bytesMb(m.embedderHeapUsed)} MB; ` +
  `renderer pid ${m.process.pid} VmRSS ${mb(m.process.rssKb)} MB (RssAnon ${mb(m.process.anonKb)} MB; ${m.process.renderers} renderer process(es))`;

async function measureRenderer(conversations: number, log: (line: string) => void) {
  const executablePath = chromiumExecutable(undefined, 'BENCH_CHROMIUM');
  const inbox = await openInboxSite({ conversations, log, ...(executablePath ? { executablePath } : {}) });
  try {
    const app = await inbox.newPage();
    const cdp = await app.page.context().newCDPSession(app.page);
    const renderer = await rendererOf(app.page);
    const blank = await pageMemory(cdp, renderer);
    log(`  page loaded, nothing mounted: ${describeMemory(blank)}`);
    await app.call('mountInbox');
    const indexed = await app.call('waitIndexed');
    await sleep(1_000);
    const loaded = await pageMemory(cdp, renderer);
    log(
      `  inbox of ${indexed.size.toLocaleString('en')} conversations, indexed and rendered: ${describeMemory(loaded)}`,
    );
    await cdp.detach();
    await app.close();
    await sleep(500);

    const raw = await inbox.newPage();
    const rawCdp = await raw.page.context().newCDPSession(raw.page);
    const rawRenderer = await rendererOf(raw.page);
    const rawLoad = await raw.call('rawLoadAll');
    const rawMemory = await pageMemory(rawCdp, rawRenderer);
    log(
      `  raw: ${rawLoad.rows.toLocaleString('en')} rows in a plain array (getAll ${rawLoad.ms.toFixed(0)} ms): ${describeMemory(rawMemory)}`,
    );
    await rawCdp.detach();
    await raw.close();
    return { blank, loaded, raw: rawMemory };
  } finally {
    await inbox.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Server.
// ---------------------------------------------------------------------------------------------

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface Child {
  child: ChildProcess;
  pid: number;
  output(): string;
  stop(): Promise<void>;
}

/** `node --import tsx <file>` with its own environment; resolves once `ready()` says so. */
async function startChild(
  file: string,
  env: NodeJS.ProcessEnv,
  ready: (output: string) => Promise<boolean>,
): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, env });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killed = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killed);
  };
  const deadline = Date.now() + 90_000;
  try {
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(`${path.basename(file)} exited with ${child.exitCode} on start:\n${output}`);
      if (Date.now() > deadline) throw new Error(`${path.basename(file)} did not become ready:\n${output}`);
      if (await ready(output)) break;
      await sleep(100);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { child, pid: child.pid!, output: () => output, stop };
}

/** The database the backend will open: migrated, with SLA policies and `count` agents (as B1 seeds them). */
async function seedDataDir(dataDir: string, count: number): Promise<void> {
  const [{ openPglite }, { migrate }, { hashPassword }, { TEST_FIRST_RESPONSE_SECONDS }] = await Promise.all([
    import('../server/db/pglite'),
    import('../server/db/migrate'),
    import('../server/auth/passwords'),
    import('../server/testing/testServer'),
  ]);
  const db = await openPglite(dataDir);
  try {
    await migrate(db);
    const passwordHash = await hashPassword('bench password, never used to sign in');
    await db.transaction(async (tx) => {
      await tx.query('insert into teams (id, name) values ($1, $2)', [TEAM, 'Bench team']);
      for (const [channel, first] of TEST_FIRST_RESPONSE_SECONDS) {
        await tx.query('insert into sla_policies values ($1, $2, $3, $4)', [channel, first, first * 2, first * 20]);
      }
      await tx.query(
        `insert into agents (id, email, name, role, team_id, password_hash, skills, capacity, idle_since)
         select 'bench-agent-' || lpad(g::text, 4, '0'), 'bench-agent-' || g || '@bench.example', 'Bench agent ' || g, 'agent', $1, $2,
                $3::jsonb, $4::jsonb, now() - interval '1 hour' + g * interval '1 ms'
         from generate_series(1, $5::int) g`,
        [
          TEAM,
          passwordHash,
          JSON.stringify({ social: 3, chat: 3, email: 3, voice: 3 }),
          JSON.stringify({ voice: 1, chat: 10, social: 20, email: 50 }),
          count,
        ],
      );
    });
  } finally {
    await db.close();
  }
}

interface Clients {
  sockets: ClientSocket[];
  /** Markers (thread keys) seen in an `assigned` conversation push, and pushes received. */
  assigned: Set<string>;
  pushes: number;
  close(): void;
}

/** Connects one socket per auth, 50 at a time; each pulls once, then `after(socket)` runs. */
async function connectClients(
  url: string,
  auths: Record<string, unknown>[],
  after?: (socket: ClientSocket) => Promise<void>,
): Promise<Clients> {
  const clients: Clients = {
    sockets: [],
    assigned: new Set(),
    pushes: 0,
    close: () => {
      for (const s of clients.sockets.splice(0)) s.close();
    },
  };
  try {
    for (let i = 0; i < auths.length; i += 50) {
      await Promise.all(
        auths.slice(i, i + 50).map(async (auth) => {
          const socket = connectSocket(url, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
          clients.sockets.push(socket);
          socket.on('changes', (push: { changes: { entity: string; data: Record<string, unknown> | null }[] }) => {
            clients.pushes++;
            for (const change of push.changes)
              if (change.entity === 'conversation' && change.data?.status === 'assigned')
                clients.assigned.add(String(change.data.threadKey));
          });
          await new Promise<void>((resolve, reject) => {
            socket.once('connect', () => resolve());
            socket.once('connect_error', (err) => reject(err));
          });
          const answer = (await socket.timeout(30_000).emitWithAck('pull', { cursor: 0 })) as { error?: unknown };
          if (answer.error) throw new Error(`pull answered ${JSON.stringify(answer)}`);
          await after?.(socket);
        }),
      );
    }
  } catch (err) {
    clients.close();
    throw err;
  }
  return clients;
}

/** VmRSS of `pid` every `everyMs`, `count` times: the max, and the last status read. */
async function sampleRss(pid: number, count: number, everyMs: number) {
  const samples: number[] = [];
  let last: Record<string, number> | null = null;
  for (let i = 0; i < count; i++) {
    if (i) await sleep(everyMs);
    last = await procStatus(pid);
    if (!last) throw new Error(`B7: process ${pid} is gone`);
    samples.push(last.VmRSS ?? 0);
  }
  return { maxKb: Math.max(...samples), samples, hwmKb: last?.VmHWM ?? 0, anonKb: last?.RssAnon ?? 0 };
}

async function ingestAll(url: string, count: number, prefix: string): Promise<{ failed: number; retried: number }> {
  let next = 0;
  let failed = 0;
  let retried = 0;
  const one = async (i: number) => {
    const marker = `${prefix}${i}`;
    const body = JSON.stringify({
      provider: 'bench',
      providerMessageId: marker,
      channel: i % 2 ? 'x_dm' : 'x_public',
      threadKey: marker,
      author: { kind: 'x_handle', value: `@c${marker}` },
      text: `Help with order ${i} ${marker}`,
      occurredAt: new Date().toISOString(),
    });
    for (let attempt = 0; attempt < 20; attempt++) {
      const response = await fetch(`${url}/api/ingest`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST_KEY}` },
        body,
      });
      await response.arrayBuffer();
      if (response.ok) return;
      if (response.status !== 429) break;
      retried++;
      await sleep(200);
    }
    failed++;
  };
  // Ten providers posting at once.
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      while (next < count) await one(next++);
    }),
  );
  return { failed, retried };
}

interface ServerFigures {
  rss: Awaited<ReturnType<typeof sampleRss>>;
  assigned: number;
  failed: number;
}

async function measureServer(
  agents: number,
  interactions: number,
  log: (line: string) => void,
): Promise<{ server: ServerFigures; bare: Awaited<ReturnType<typeof sampleRss>> }> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'switchboard-b7-'));
  let server: Child | undefined;
  let clients: Clients | undefined;
  try {
    const seeding = performance.now();
    await seedDataDir(dataDir, agents);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      SWITCHBOARD_DATA_DIR: dataDir,
      SWITCHBOARD_DEMO: '0',
      SWITCHBOARD_SIMULATOR: '0',
      SWITCHBOARD_INGEST_KEY: INGEST_KEY,
      SWITCHBOARD_TOKEN_SECRET: TOKEN_SECRET,
      SWITCHBOARD_INGEST_MAX_LAG_MS: '60000',
      LOG_LEVEL: 'warn',
    };
    delete env.DATABASE_URL;
    server = await startChild(path.join(ROOT, 'server/index.ts'), env, () =>
      fetch(`${url}/healthz`)
        .then((r) => r.ok)
        .catch(() => false),
    );
    const started = await sampleRss(server.pid, 1, 0);
    log(
      `  server pid ${server.pid} ready in ${((performance.now() - seeding) / 1000).toFixed(1)} s (data dir seeded with ${agents} agents); VmRSS at start ${mb(started.maxKb)} MB`,
    );

    const { TokenIssuer } = await import('../server/auth/tokens');
    const issuer = new TokenIssuer(TOKEN_SECRET);
    const auths = await Promise.all(
      Array.from({ length: agents }, async (_, i) => ({
        token: (
          await issuer.issueAccess({
            agentId: `bench-agent-${String(i + 1).padStart(4, '0')}`,
            role: 'agent',
            teamId: TEAM,
          })
        ).token,
        clientId: randomUUID(),
      })),
    );
    const connecting = performance.now();
    clients = await connectClients(url, auths, async (socket) => {
      const clientId = (socket.auth as { clientId: string }).clientId;
      const op = {
        opId: randomUUID(),
        clientId,
        seq: 1,
        createdAt: new Date().toISOString(),
        type: 'presence.set',
        payload: { presence: 'available' },
      };
      const results = (await socket.timeout(30_000).emitWithAck('ops', [op])) as { status: string }[];
      if (results[0]?.status !== 'applied') throw new Error(`presence.set answered ${JSON.stringify(results)}`);
    });
    log(
      `  ${clients.sockets.length} clients connected, pulled once and available in ${((performance.now() - connecting) / 1000).toFixed(1)} s`,
    );
    const prefix = `b7-${Date.now() % 1e9}-`;
    const ingesting = performance.now();
    const { failed, retried } = await ingestAll(url, interactions, prefix);
    const deadline = performance.now() + 30_000;
    while (clients.assigned.size < interactions - failed && performance.now() < deadline) await sleep(50);
    log(
      `  ${interactions} interactions ingested in ${((performance.now() - ingesting) / 1000).toFixed(1)} s (${failed} failed, ${retried} retried after 429), ` +
        `${clients.assigned.size} seen assigned on their agents' sockets, ${clients.pushes} pushes received`,
    );
    await sleep(3_000);
    const rss = await sampleRss(server.pid, 10, 500);
    log(
      `  server VmRSS ${rss.samples.map((kb) => mb(kb)).join(' ')} MB: max ${mb(rss.maxKb)} MB (peak VmHWM ${mb(rss.hwmKb)} MB, RssAnon ${mb(rss.anonKb)} MB)`,
    );
    const figures: ServerFigures = { rss, assigned: clients.assigned.size, failed };
    clients.close();
    clients = undefined;
    await server.stop();
    server = undefined;

    // Raw: a bare socket.io server in a child started the same way, the same clients.
    const barePort = await freePort();
    server = await startChild(
      path.join(HERE, 'b7', 'bareServer.ts'),
      { ...process.env, PORT: String(barePort) },
      (out) => Promise.resolve(out.includes('listening')),
    );
    clients = await connectClients(`http://127.0.0.1:${barePort}`, auths);
    await sleep(3_000);
    const bare = await sampleRss(server.pid, 10, 500);
    log(
      `  bare socket.io child pid ${server.pid}, ${clients.sockets.length} clients connected and pulled once: VmRSS max ${mb(bare.maxKb)} MB (VmHWM ${mb(bare.hwmKb)} MB, RssAnon ${mb(bare.anonKb)} MB)`,
    );
    return { server: figures, bare };
  } finally {
    clients?.close();
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------

export interface B7Options {
  /** Conversations (and customers) in the renderer's mirror (default 100,000). */
  conversations?: number;
  /** Agents seeded and connected (default 1,000). */
  agents?: number;
  /** Interactions ingested and routed before the server is measured (default 300). */
  interactions?: number;
  log?: (line: string) => void;
}

export async function runB7(options: B7Options = {}): Promise<B7Entry[]> {
  const log = options.log ?? console.log;
  const env = process.env;
  const conversations = options.conversations ?? Number(env.BENCH_B7_CONVERSATIONS ?? 100_000);
  const agents = options.agents ?? Number(env.BENCH_B7_AGENTS ?? 1_000);
  const interactions = options.interactions ?? Number(env.BENCH_B7_INTERACTIONS ?? 300);
  log(
    `B7: renderer with ${conversations.toLocaleString('en')} conversations; server with ${agents.toLocaleString('en')} agents and ${interactions} interactions; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const renderer = await measureRenderer(conversations, log);
  const { server, bare } = await measureServer(agents, interactions, log);

  const rendererMb = mb(renderer.loaded.process.rssKb);
  const rawRendererMb = mb(renderer.raw.process.rssKb);
  const heapMb = bytesMb(renderer.loaded.jsHeapUsed);
  const rawHeapMb = bytesMb(renderer.raw.jsHeapUsed);
  const serverMb = mb(server.rss.maxKb);
  const bareMb = mb(bare.maxKb);
  return [
    { id: 'B7', metric: 'conversations', value: conversations },
    {
      id: 'B7',
      metric: 'renderer_mb',
      value: rendererMb,
      budget: BUDGET_RENDERER_MB,
      ratio: round2(rendererMb / rawRendererMb),
      ratio_to: `renderer VmRSS of a page holding the same ${conversations.toLocaleString('en')} rows from one getAll in a plain array, after GC`,
      pass: rendererMb <= BUDGET_RENDERER_MB,
    },
    { id: 'B7', metric: 'renderer_private_mb', value: mb(renderer.loaded.process.anonKb) },
    {
      id: 'B7',
      metric: 'renderer_js_heap_mb',
      value: heapMb,
      ratio: round2(heapMb / rawHeapMb),
      ratio_to: `JS heap of the same ${conversations.toLocaleString('en')} rows from one getAll in a plain array, after GC`,
    },
    { id: 'B7', metric: 'raw_renderer_mb', value: rawRendererMb },
    { id: 'B7', metric: 'raw_js_heap_mb', value: rawHeapMb },
    { id: 'B7', metric: 'agents', value: agents },
    {
      id: 'B7',
      metric: 'server_mb',
      value: serverMb,
      budget: BUDGET_SERVER_MB,
      ratio: round2(serverMb / bareMb),
      ratio_to: `VmRSS of a bare Node child (socket.io on node:http, node --import tsx) with the same ${agents.toLocaleString('en')} clients connected`,
      pass: serverMb <= BUDGET_SERVER_MB,
    },
    { id: 'B7', metric: 'server_peak_mb', value: mb(server.rss.hwmKb) },
    { id: 'B7', metric: 'raw_server_mb', value: bareMb },
    {
      id: 'B7',
      metric: 'interactions_not_assigned',
      value: interactions - server.assigned,
      budget: 0,
      pass: server.assigned >= interactions,
    },
  ];
}

if (import.meta.filename === process.argv[1]) {
  await runB7();
}
