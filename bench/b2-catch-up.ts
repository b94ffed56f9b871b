/**
 * B2 (DESIGN.md, Performance budgets): catch-up after offline. 10,000 missed changes → mirror
 * converged, in ≤ 1.5× a raw Dexie `bulkPut` of the same rows measured in the same run.
 *
 * Setup: the real routing backend over in-memory PGlite with one agent, who works a day's worth
 * of conversations through a plain socket (the "other device"): conversations arrive through
 * `POST /api/ingest` and are assigned to her at ingestion, customers write again, she replies,
 * adds a note and resolves, round after round, until at least 10,000 change-log entries are hers.
 * Then a fresh device (empty database, cursor 0) opens a SyncEngine on fake-indexeddb and is
 * timed from `SyncEngine.open` (socket connect, pulls by cursor, mirror writes) until its cursor
 * is the server's head and its outbox is empty. The mirror is then checked row by row against
 * the server's final images.
 *
 * Raw primitive: the same final rows (the mirror's content once converged), one `bulkPut` per
 * table into a plain Dexie database with the SyncDb's mirror table schemas, on a fresh
 * fake-indexeddb factory, the database opened before the clock starts (as the engine's is).
 * Raw and engine rounds alternate; one warm-up round of each is not counted; the median of the
 * measured rounds is reported.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import Dexie from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { io, type Socket } from 'socket.io-client';
import type { Channel, IdentityKind } from '../shared/domain';
import type { Change } from '../shared/protocol';
import { MIRROR_TABLES, SyncDb, type MirrorRow } from '../renderer/sync/db';
import { SyncEngine } from '../renderer/sync/engine';
import { startTestServer, type TestClient, type TestServer } from '../server/testing/testServer';
import type { BenchEntry } from './run';

type B2Entry = BenchEntry & { id: 'B2' };

const BUDGET_RATIO = 1.5;
export const BENCH_AGENT = 'ann';

/** One round's arrivals by channel: within the agent's capacity (chat 10, social 20, email 50). */
const ROUND_MIX: readonly (readonly [Channel, number])[] = [
  ['chat', 8],
  ['x_dm', 6],
  ['messenger', 6],
  ['facebook', 3],
  ['x_public', 3],
  ['email', 30],
];
const AUTHOR_KIND: Record<Channel, IdentityKind> = {
  chat: 'chat_visitor',
  x_dm: 'x_handle',
  x_public: 'x_handle',
  messenger: 'facebook_id',
  facebook: 'facebook_id',
  email: 'email',
  voice: 'phone',
};
const CUSTOMER_LINES = [
  'Hello, my bag did not arrive on flight 2231 and nobody at the desk could tell me where it is.',
  'I was charged twice for the same booking, can you please refund one of the payments?',
  'Can I change my return date to next Friday without paying the fee again?',
  'The app keeps saying my reservation does not exist but I have the confirmation email.',
];
const FOLLOW_UPS = ['Any news on this?', 'I am still waiting, it has been two hours now.', 'Thanks, that helps.'];
const REPLIES = [
  'Thank you for your patience. I have checked the file and I am looking into it right now.',
  'I have found it: the fix is on its way and you will get a confirmation by email within the hour.',
];

export interface SeedOptions {
  /** Change-log entries the agent must be able to see (default 10,000). */
  minChanges: number;
  log: (line: string) => void;
}

export interface Seeded {
  t: TestServer;
  agentId: string;
  /** A session token for the agent (sign-in is rate-limited: one per run). */
  token: string;
  /** The agent's conversations still open (assigned to her) at the end of seeding. */
  open: { id: string; channel: Channel }[];
  /** Every change the agent may see, oldest first. */
  changes: Change[];
  head: number;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function inParallel<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

async function sendAll(client: TestClient, ops: ReturnType<TestClient['makeOp']>[]): Promise<void> {
  for (const batch of chunks(ops, 200)) {
    const results = await client.send(batch);
    const refused = results.filter((r) => r.status !== 'applied');
    if (refused.length || results.length !== batch.length)
      throw new Error(`seeding op refused: ${JSON.stringify(refused[0] ?? results.length)}`);
  }
}

/**
 * A test server where one agent worked rounds of conversations from another device, until she
 * may see at least `minChanges` changes. With `keepOpen`, the last round's conversations stay
 * assigned and open (B3 writes notes on them).
 */
export async function seedWorkday(options: SeedOptions & { keepOpen?: boolean }): Promise<Seeded> {
  // Loopback only, whatever the environment says.
  const t = await startTestServer('pglite', { HOST: '127.0.0.1' });
  try {
    await t.addAgent({
      id: BENCH_AGENT,
      skills: { social: 3, email: 3, chat: 3, voice: 3 },
      capacity: { chat: 10, social: 20, email: 50, voice: 1 },
    });
    const token = await t.signIn(BENCH_AGENT);
    const other = await t.connect(BENCH_AGENT);
    await sendAll(other, [other.makeOp('presence.set', { presence: 'available' })]);
    const visible = async () =>
      Number(
        (
          await t.db.query<{ n: number }>(
            'select count(*)::int as n from changes where audience_all or audience_agent = $1',
            [BENCH_AGENT],
          )
        ).rows[0]!.n,
      );
    let customer = 0;
    let open: { id: string; channel: Channel }[] = [];
    for (let round = 0; ; round += 1) {
      const arrivals = ROUND_MIX.flatMap(([channel, n]) => Array.from({ length: n }, () => channel));
      const conversations: { id: string; channel: Channel; thread: string; author: string }[] = [];
      await inParallel(arrivals, 8, async (channel) => {
        const n = ++customer;
        const thread = `thread-${n}`;
        const author = channel === 'email' ? `customer${n}@mail.example` : `customer${n}`;
        const { status, body } = await t.ingest({
          channel,
          threadKey: thread,
          author: { kind: AUTHOR_KIND[channel], value: author },
          text: CUSTOMER_LINES[n % CUSTOMER_LINES.length]!,
          ...(channel === 'email' ? { subject: `Booking ${1000 + n}` } : {}),
        });
        if (status !== 202 && status !== 200) throw new Error(`ingest answered ${status}: ${JSON.stringify(body)}`);
        conversations.push({ id: body.conversationId as string, channel, thread, author });
      });
      const { rows: mine } = await t.db.query<{ id: string }>(
        "select id from conversations where assigned_agent_id = $1 and status = 'assigned' and id = any($2)",
        [BENCH_AGENT, conversations.map((c) => c.id)],
      );
      if (mine.length !== conversations.length)
        throw new Error(`only ${mine.length} of ${conversations.length} arrivals were assigned to ${BENCH_AGENT}`);
      // The customers write again.
      await inParallel(conversations, 8, async (c) => {
        for (const text of FOLLOW_UPS.slice(0, 2)) {
          await t.ingest({
            channel: c.channel,
            threadKey: c.thread,
            author: { kind: AUTHOR_KIND[c.channel], value: c.author },
            text,
          });
        }
      });
      // She answers twice and leaves a note.
      const ops = conversations.flatMap((c) => [
        ...REPLIES.map((body) =>
          other.makeOp('conversation.reply', {
            conversationId: c.id,
            messageId: crypto.randomUUID(),
            body,
            visibility: c.channel === 'x_public' ? 'public' : 'private',
          }),
        ),
        other.makeOp('conversation.note', {
          conversationId: c.id,
          messageId: crypto.randomUUID(),
          body: `Customer ${c.author}: checked with ground handling, refund approved under policy R-12.`,
        }),
      ]);
      await sendAll(other, ops);
      open = conversations.map(({ id, channel }) => ({ id, channel }));
      const seen = await visible();
      if (seen >= options.minChanges) {
        options.log(`seeded ${round + 1} rounds, ${customer} conversations, ${seen} visible changes`);
        break;
      }
      // Resolved: capacity is free for the next round.
      await sendAll(
        other,
        conversations.map((c) => other.makeOp('conversation.resolve', { conversationId: c.id })),
      );
      await t.settle();
    }
    if (!options.keepOpen) {
      await sendAll(
        other,
        open.map((c) => other.makeOp('conversation.resolve', { conversationId: c.id })),
      );
      open = [];
    }
    const changes = await other.pullAll();
    other.close();
    await t.settle();
    const { rows } = await t.db.query<{ head: number | null }>('select max(seq) as head from changes');
    return { t, agentId: BENCH_AGENT, token, open, changes, head: Number(rows[0]!.head ?? 0) };
  } catch (err) {
    await t.close();
    throw err;
  }
}

/** The mirror's final content: the newest server image of every row, by table. */
export function finalRows(changes: readonly Change[]): Map<string, MirrorRow[]> {
  const byKey = new Map<string, { table: string; row: MirrorRow | null }>();
  for (const c of changes) {
    byKey.set(`${c.entity}:${c.id}`, {
      table: MIRROR_TABLES[c.entity],
      row: c.data === null ? null : { ...c.data, id: c.id },
    });
  }
  const tables = new Map<string, MirrorRow[]>();
  for (const { table, row } of byKey.values()) {
    if (!row) continue;
    const list = tables.get(table) ?? [];
    list.push(row);
    tables.set(table, list);
  }
  return tables;
}

/** `stores()` of the SyncDb's mirror tables, read from its schema: the raw database has the same indexes. */
function mirrorStores(): Record<string, string> {
  const probe = new SyncDb('b2-schema-probe', { indexedDB: new IDBFactory(), IDBKeyRange });
  const stores = Object.fromEntries(
    Object.values(MIRROR_TABLES).map((name) => {
      const { primKey, indexes } = probe.table(name).schema;
      return [name, [primKey.src, ...indexes.map((i) => i.src)].join(', ')];
    }),
  );
  probe.close();
  return stores;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** Waits until the engine's cursor reaches `head` and its outbox is empty. */
async function converged(engine: SyncEngine, db: SyncDb, head: number, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    // While the catch-up step runs this waits for it; before the socket connected it returns at once.
    await engine.settled();
    const cursor = Number((await db.meta.get('cursor'))?.value ?? 0);
    if (cursor >= head && (await db.outbox.count()) === 0) return;
    if (performance.now() > deadline)
      throw new Error(`B2: not converged after ${timeoutMs} ms (cursor ${cursor} of ${head})`);
    await sleep(1);
  }
}

async function checkMirror(db: SyncDb, expected: Map<string, MirrorRow[]>): Promise<void> {
  for (const name of Object.values(MIRROR_TABLES)) {
    const want = new Map((expected.get(name) ?? []).map((r) => [r.id, r]));
    const have = await db.table<MirrorRow, string>(name).toArray();
    if (have.length !== want.size) throw new Error(`B2: mirror ${name} has ${have.length} rows, expected ${want.size}`);
    for (const row of have) {
      if (!isDeepStrictEqual(row, want.get(row.id)))
        throw new Error(`B2: mirror row ${name}/${row.id} differs from the server's image`);
    }
  }
}

interface EngineTiming {
  ms: number;
  /** Time spent waiting for pull answers: the server's query, encoding and the socket, both ways. */
  pullWaitMs: number;
  pulls: number;
}

/**
 * Times `emitWithAck('pull')` on the engine's socket: what the client waits for, as opposed to
 * what it does itself (parse, apply, write). The engine calls `socket.timeout(ms).emitWithAck`,
 * and `timeout` returns the socket itself.
 */
function timePulls(socket: Socket, timing: EngineTiming): Socket {
  const emitWithAck = socket.emitWithAck.bind(socket) as (event: string, ...args: unknown[]) => Promise<unknown>;
  socket.emitWithAck = (async (event: string, ...args: unknown[]) => {
    if (event !== 'pull') return emitWithAck(event, ...args);
    const started = performance.now();
    try {
      return await emitWithAck(event, ...args);
    } finally {
      timing.pullWaitMs += performance.now() - started;
      timing.pulls += 1;
    }
  }) as Socket['emitWithAck'];
  return socket;
}

async function engineRound(
  seeded: Seeded,
  round: string,
  expected: Map<string, MirrorRow[]>,
  pullLimit: number,
): Promise<EngineTiming> {
  const db = new SyncDb(`switchboard:bench:b2:${round}`, { indexedDB: new IDBFactory(), IDBKeyRange });
  await db.open();
  let engine: SyncEngine | undefined;
  const timing: EngineTiming = { ms: 0, pullWaitMs: 0, pulls: 0 };
  try {
    const started = performance.now();
    engine = await SyncEngine.open({
      db,
      agentId: seeded.agentId,
      pullLimit,
      connect: (clientId) =>
        timePulls(
          io(seeded.t.url, { auth: { token: seeded.token, clientId }, transports: ['websocket'], forceNew: true }),
          timing,
        ),
    });
    await converged(engine, db, seeded.head, 120_000);
    timing.ms = performance.now() - started;
    await checkMirror(db, expected);
    return timing;
  } finally {
    await engine?.close();
    db.close();
  }
}

async function rawRound(
  round: string,
  stores: Record<string, string>,
  rows: Map<string, MirrorRow[]>,
): Promise<number> {
  const db = new Dexie(`switchboard:bench:b2:raw:${round}`, {
    indexedDB: new IDBFactory(),
    IDBKeyRange,
    chromeTransactionDurability: 'strict',
  });
  db.version(1).stores(stores);
  await db.open();
  try {
    const started = performance.now();
    for (const [table, list] of rows) await db.table(table).bulkPut(list);
    const ms = performance.now() - started;
    for (const [table, list] of rows) {
      const n = await db.table(table).count();
      if (n !== list.length) throw new Error(`B2: raw ${table} holds ${n} rows, expected ${list.length}`);
    }
    return ms;
  } finally {
    db.close();
  }
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const round2 = (v: number) => Math.round(v * 100) / 100;

export interface B2Options {
  /** Missed changes the agent may see (default 10,000; the seeding stops at the first round past it). */
  changes?: number;
  /** Measured rounds of each (default 3), after one warm-up round of each. */
  rounds?: number;
  /** The engine's pull page size (default: the engine's own, 1000). */
  pullLimit?: number;
  log?: (line: string) => void;
}

export async function runB2(options: B2Options = {}): Promise<B2Entry[]> {
  const log = options.log ?? console.log;
  const minChanges = options.changes ?? Number(process.env.BENCH_B2_CHANGES ?? 10_000);
  const rounds = options.rounds ?? Number(process.env.BENCH_B2_ROUNDS ?? 3);
  const pullLimit = options.pullLimit ?? Number(process.env.BENCH_B2_PULL_LIMIT ?? 1000);

  const seedStarted = performance.now();
  const seeded = await seedWorkday({ minChanges, log });
  try {
    const expected = finalRows(seeded.changes);
    const rowCount = [...expected.values()].reduce((n, l) => n + l.length, 0);
    log(
      `seeding took ${((performance.now() - seedStarted) / 1000).toFixed(1)} s: ${seeded.changes.length} visible changes up to seq ${seeded.head}, ${rowCount} final rows (${[
        ...expected,
      ]
        .map(([t, l]) => `${t} ${l.length}`)
        .join(', ')})`,
    );
    const stores = mirrorStores();
    log(
      `load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    log('round      raw ms   engine ms   ratio   pulls   pull wait ms   engine − wait ms');
    const raws: number[] = [];
    const engines: EngineTiming[] = [];
    for (let r = 0; r <= rounds; r += 1) {
      const label = r === 0 ? 'warm-up' : String(r);
      const raw = await rawRound(label, stores, expected);
      const engine = await engineRound(seeded, label, expected, pullLimit);
      log(
        [
          label.padEnd(8),
          raw.toFixed(0).padStart(8),
          engine.ms.toFixed(0).padStart(11),
          (engine.ms / raw).toFixed(2).padStart(7),
          String(engine.pulls).padStart(7),
          engine.pullWaitMs.toFixed(0).padStart(14),
          (engine.ms - engine.pullWaitMs).toFixed(0).padStart(18),
        ].join(' '),
      );
      if (r === 0) continue;
      raws.push(raw);
      engines.push(engine);
    }
    const engineMs = median(engines.map((e) => e.ms));
    const waitMs = median(engines.map((e) => e.pullWaitMs));
    const clientMs = median(engines.map((e) => e.ms - e.pullWaitMs));
    const rawMs = median(raws);
    const ratio = round2(engineMs / rawMs);
    const clientRatio = round2(clientMs / rawMs);
    const pass = ratio <= BUDGET_RATIO;
    log(
      `median: engine ${engineMs.toFixed(0)} ms (waiting for pulls ${waitMs.toFixed(0)} ms, the rest ${clientMs.toFixed(0)} ms), raw bulkPut ${rawMs.toFixed(0)} ms; ratio ${ratio} (budget ≤ ${BUDGET_RATIO}): ${pass ? 'pass' : 'MISSED'}; without the pull wait ${clientRatio}`,
    );
    return [
      { id: 'B2', metric: 'changes', value: seeded.changes.length },
      { id: 'B2', metric: 'rows', value: rowCount },
      { id: 'B2', metric: 'catch_up_ms', value: round2(engineMs) },
      { id: 'B2', metric: 'raw_bulk_put_ms', value: round2(rawMs) },
      {
        id: 'B2',
        metric: 'ratio_to_raw',
        value: ratio,
        budget: BUDGET_RATIO,
        ratio,
        ratio_to: 'raw Dexie bulkPut of the same final rows (fake-indexeddb)',
        pass,
      },
      { id: 'B2', metric: 'pull_wait_ms', value: round2(waitMs) },
      {
        id: 'B2',
        metric: 'client_ratio_to_raw',
        value: clientRatio,
        ratio: clientRatio,
        ratio_to: 'raw bulkPut; catch-up time less the wait for pull answers (diagnostic)',
      },
    ];
  } finally {
    await seeded.t.close();
  }
}

if (import.meta.filename === process.argv[1]) {
  await runB2();
}
