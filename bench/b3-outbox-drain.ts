/**
 * B3 (DESIGN.md, Performance budgets): outbox drain. 10,000 queued ops → all acked, at ≥ 5,000
 * ops/s; reported also as a ratio to a raw batched `emitWithAck` in the same run.
 *
 * Setup: the real routing backend over in-memory PGlite with one agent who holds a round of open
 * conversations (B2's seeding, one round). A device (SyncEngine on fake-indexeddb) syncs once,
 * goes offline (a socket that never connects), and its agent queues 10,000 ops: notes on her
 * open conversations, with a presence change every 20th op. The engine is then reopened on the
 * same database with a real socket, and timed from `SyncEngine.open` until the server has acked
 * every op (`acked_ops_per_s`, the budget) and until the outbox is empty (each op's change has
 * reached the mirror: `drained_ops_per_s`). Then the server's op results are checked: one per op,
 * every one applied.
 *
 * Raw primitive: a bare socket.io server on loopback whose `ops` handler answers every op at once
 * (`applied`, with a counter as seq), and a plain socket.io-client that sends the same ops in the
 * same batches as the engine did (one batch in flight, `emitWithAck`), timed from `io()` to the
 * last ack.
 *
 * Where the time goes: the engine's wait for `ops` acks (server: one transaction per op, plus the
 * socket) against the rest (client: reading batches, recording results, applying the pushed
 * changes). `BENCH_B3_PROFILE=1` adds the server's transactions and statements, timed on the
 * database the server uses, and a CPU profile of the drain by area.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { Server } from 'socket.io';
import { io, type Socket } from 'socket.io-client';
import type { Op, OpResult } from '../shared/protocol';
import { SyncDb } from '../renderer/sync/db';
import { SyncEngine } from '../renderer/sync/engine';
import type { Db, Queryable } from '../server/db/db';
import { seedWorkday, type Seeded } from './b2-catch-up';
import type { BenchEntry } from './run';

type B3Entry = BenchEntry & { id: 'B3' };

const BUDGET_OPS_PER_S = 5_000;
const NOTES = [
  'Called the customer back, no answer; left a voicemail with the case number.',
  'Ground handling confirms the bag is in Frankfurt, next flight tomorrow 09:40.',
  'Refund approved under policy R-12, amount matches the duplicate charge.',
  'Customer prefers email; do not call before 10:00 their time.',
];
const PRESENCES = ['busy', 'available'] as const;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
const round2 = (v: number) => Math.round(v * 100) / 100;
const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

// ---------------------------------------------------------------------------------------------
// Profiling (BENCH_B3_PROFILE=1): the server's database time, and a CPU profile by area.
// ---------------------------------------------------------------------------------------------

interface Tally {
  n: number;
  ms: number;
}

/**
 * Times the statements and transactions the server runs, by wrapping `query` and `transaction` of
 * the database object it holds (the server's code is not changed).
 */
class DbProfile {
  readonly statements = new Map<string, Tally>();
  transactions: Tally & { statements: number } = { n: 0, ms: 0, statements: 0 };
  outside: Tally = { n: 0, ms: 0 };
  private on = false;

  constructor(db: Db) {
    const query = db.query.bind(db);
    const transaction = db.transaction.bind(db);
    const wrap =
      (q: Queryable, inTx: () => void): Queryable['query'] =>
      async <T>(sql: string, params?: readonly unknown[]) => {
        if (!this.on) return q.query<T>(sql, params);
        inTx();
        const started = performance.now();
        try {
          return await q.query<T>(sql, params);
        } finally {
          const key = sql.replace(/\s+/g, ' ').trim().slice(0, 100);
          const t = this.statements.get(key) ?? { n: 0, ms: 0 };
          t.n += 1;
          t.ms += performance.now() - started;
          this.statements.set(key, t);
        }
      };
    db.query = wrap({ query }, () => {
      this.outside.n += 1;
    });
    db.transaction = async <T>(fn: (tx: Queryable) => Promise<T>) => {
      if (!this.on) return transaction(fn);
      const started = performance.now();
      try {
        return await transaction((tx) =>
          fn({
            query: wrap(tx, () => {
              this.transactions.statements += 1;
            }),
          }),
        );
      } finally {
        this.transactions.n += 1;
        this.transactions.ms += performance.now() - started;
      }
    };
  }

  start() {
    this.statements.clear();
    this.transactions = { n: 0, ms: 0, statements: 0 };
    this.outside = { n: 0, ms: 0 };
    this.on = true;
  }

  stop() {
    this.on = false;
  }

  report(log: (line: string) => void, ops: number) {
    const t = this.transactions;
    log(
      `  server database: ${t.n} transactions (${(t.n / ops).toFixed(2)} per op), ${(t.ms / t.n).toFixed(2)} ms each, ${(t.statements / t.n).toFixed(1)} statements each, ${t.ms.toFixed(0)} ms in all; ${this.outside.n} statements outside transactions`,
    );
    log('  top statements by total time:');
    for (const [sql, s] of [...this.statements].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12)) {
      log(`    ${s.ms.toFixed(0).padStart(6)} ms ${String(s.n).padStart(6)}× ${(s.ms / s.n).toFixed(3)} ms  ${sql}`);
    }
  }
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

/** CPU self time by area of the code (server, PGlite, engine, Dexie, fake-indexeddb, socket.io…). */
export async function cpuProfile<T>(fn: () => Promise<T>, log: (line: string) => void): Promise<T> {
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 500 });
    await session.post('Profiler.start');
    let value: T;
    try {
      value = await fn();
    } finally {
      const { profile } = (await session.post('Profiler.stop')) as unknown as {
        profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
      };
      const byId = new Map(profile.nodes.map((n) => [n.id, n]));
      const areas = new Map<string, number>();
      profile.samples.forEach((id, i) => {
        const url = byId.get(id)?.callFrame.url ?? '';
        const name = byId.get(id)?.callFrame.functionName ?? '';
        const area = url.includes('node_modules/')
          ? url.replace(/.*node_modules\/((@[^/]+\/)?[^/]+).*/, '$1')
          : url.includes('/server/')
            ? 'server/'
            : url.includes('/renderer/')
              ? 'renderer/'
              : url.includes('/shared/')
                ? 'shared/'
                : url.startsWith('wasm')
                  ? 'wasm (PGlite)'
                  : url.startsWith('node:')
                    ? 'node internals'
                    : name
                      ? `(${name})`
                      : '(other)';
        areas.set(area, (areas.get(area) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
      });
      const total = [...areas.values()].reduce((a, b) => a + b, 0);
      log(`  CPU profile of the drain (${total.toFixed(0)} ms sampled), self time by area:`);
      for (const [area, ms] of [...areas].sort((a, b) => b[1] - a[1]).slice(0, 14)) {
        log(`    ${ms.toFixed(0).padStart(7)} ms ${((100 * ms) / total).toFixed(1).padStart(5)} %  ${area}`);
      }
    }
    return value;
  } finally {
    session.disconnect();
  }
}

// ---------------------------------------------------------------------------------------------
// The engine's drain.
// ---------------------------------------------------------------------------------------------

interface DrainTiming {
  /** SyncEngine.open → the server's ack of the last op. */
  ackedMs: number;
  /** SyncEngine.open → outbox empty. */
  drainedMs: number;
  /** Time the engine waited for `ops` acks (the server's transactions and the socket). */
  ackWaitMs: number;
  /** Batch sizes as the engine sent them (the raw run sends the same). */
  batches: number[];
  /** The ops in seq order, as queued. */
  ops: Op[];
  enqueueMs: number;
}

/** Counts acked ops on the engine's socket (`timeout()` returns the socket itself). */
function watchAcks(socket: Socket, total: number, timing: DrainTiming, allAcked: () => void): Socket {
  const emitWithAck = socket.emitWithAck.bind(socket) as (event: string, ...args: unknown[]) => Promise<unknown>;
  const acked = new Set<string>();
  socket.emitWithAck = (async (event: string, ...args: unknown[]) => {
    if (event !== 'ops') return emitWithAck(event, ...args);
    const started = performance.now();
    timing.batches.push((args[0] as unknown[]).length);
    try {
      const answer = await emitWithAck(event, ...args);
      if (Array.isArray(answer)) {
        for (const r of answer as OpResult[]) if (r.status !== 'out_of_order') acked.add(r.opId);
        if (acked.size >= total) allAcked();
      }
      return answer;
    } finally {
      timing.ackWaitMs += performance.now() - started;
    }
  }) as Socket['emitWithAck'];
  return socket;
}

async function openEngine(db: SyncDb, agentId: string, connect: (clientId: string) => Socket): Promise<SyncEngine> {
  return SyncEngine.open({ db, agentId, connect, ackTimeoutMs: 120_000 });
}

/** Rejects with `message` when `promise` has not settled within `ms`. */
async function within<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(message)), ms);
        timer.unref();
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

type Around = (fn: () => Promise<void>) => Promise<void>;

async function drainRound(
  seeded: Seeded,
  label: string,
  count: number,
  log: (line: string) => void,
  around: Around = (fn) => fn(),
  profile?: DbProfile,
): Promise<DrainTiming> {
  const { t, agentId, token } = seeded;
  const idb = new IDBFactory();
  const name = `switchboard:bench:b3:${label}`;
  const socketTo = (url: string, clientId: string, extra: Partial<Parameters<typeof io>[1]> = {}) =>
    io(url, { auth: { token, clientId }, transports: ['websocket'], forceNew: true, ...extra });
  const timing: DrainTiming = { ackedMs: 0, drainedMs: 0, ackWaitMs: 0, batches: [], ops: [], enqueueMs: 0 };

  // Online once: the mirror holds her conversations.
  let db = new SyncDb(name, { indexedDB: idb, IDBKeyRange });
  let engine = await openEngine(db, agentId, (clientId) => socketTo(t.url, clientId));
  const head = Number((await t.db.query<{ head: number }>('select max(seq) as head from changes')).rows[0]!.head);
  for (let i = 0; ; i += 1) {
    await engine.settled();
    if (Number((await db.meta.get('cursor'))?.value ?? 0) >= head) break;
    if (i > 60_000) throw new Error('B3: the first sync did not finish');
    await sleep(1);
  }
  await engine.close();
  db.close();

  // Offline: the socket never connects; she keeps working.
  db = new SyncDb(name, { indexedDB: idb, IDBKeyRange });
  engine = await openEngine(db, agentId, (clientId) => socketTo(t.url, clientId, { autoConnect: false }));
  const enqueueStarted = performance.now();
  for (let i = 0; i < count; i += 1) {
    if (i % 20 === 19) {
      await engine.enqueue('presence.set', { presence: PRESENCES[Math.floor(i / 20) % PRESENCES.length]! });
    } else {
      const conversation = seeded.open[i % seeded.open.length]!;
      await engine.enqueue('conversation.note', {
        conversationId: conversation.id,
        messageId: crypto.randomUUID(),
        body: `${NOTES[i % NOTES.length]!} (#${i})`,
      });
    }
  }
  timing.enqueueMs = performance.now() - enqueueStarted;
  const clientId = engine.clientId;
  await engine.close();
  db.close();

  // Back online: timed from open to every op acked, and to the outbox empty.
  db = new SyncDb(name, { indexedDB: idb, IDBKeyRange });
  await db.open();
  timing.ops = (await db.outbox.orderBy('seq').toArray()).map((row) => row.op);
  if (timing.ops.length !== count) throw new Error(`B3: ${timing.ops.length} ops queued, expected ${count}`);
  let ackedAt = 0;
  let allAcked!: () => void;
  const acked = new Promise<void>((resolve) => (allAcked = resolve));
  await around(async () => {
    profile?.start();
    const started = performance.now();
    engine = await openEngine(db, agentId, (id) =>
      watchAcks(socketTo(t.url, id), count, timing, () => {
        ackedAt = performance.now();
        allAcked();
      }),
    );
    await within(acked, 600_000, 'B3: not every op was acked within 10 minutes');
    profile?.stop();
    timing.ackedMs = ackedAt - started;
    for (let i = 0; ; i += 1) {
      await engine.settled();
      const rest = await db.outbox.count();
      if (rest === 0) break;
      if (performance.now() - started > 600_000) throw new Error(`B3: ${rest} ops still in the outbox`);
      await sleep(1);
    }
    timing.drainedMs = performance.now() - started;
  });
  const { rows } = await t.db.query<{ n: number; applied: number }>(
    "select count(*)::int as n, count(*) filter (where result->>'status' = 'applied')::int as applied from op_results where client_id = $1",
    [clientId],
  );
  if (rows[0]!.n !== count || rows[0]!.applied !== count)
    throw new Error(`B3: the server holds ${rows[0]!.n} results (${rows[0]!.applied} applied) for ${count} ops`);
  const issues = await db.syncIssues.count();
  if (issues) throw new Error(`B3: ${issues} sync issues after the drain`);
  await engine.close();
  db.close();
  log(
    `  ${label}: ${count} ops queued offline in ${(timing.enqueueMs / 1000).toFixed(1)} s (${((count / timing.enqueueMs) * 1000).toFixed(0)} enqueues/s)`,
  );
  return timing;
}

// ---------------------------------------------------------------------------------------------
// The raw primitive: the same batches to a server that acks at once.
// ---------------------------------------------------------------------------------------------

async function rawRound(ops: readonly Op[], batches: readonly number[]): Promise<number> {
  const httpServer = http.createServer();
  const server = new Server(httpServer);
  let seq = 0;
  server.on('connection', (socket) => {
    socket.on('ops', (batch: Op[], ack: (results: OpResult[]) => void) => {
      ack(batch.map((op) => ({ opId: op.opId, status: 'applied', seq: ++seq })));
    });
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  let client: Socket | undefined;
  try {
    const started = performance.now();
    client = io(url, { transports: ['websocket'], forceNew: true, reconnection: false });
    await new Promise<void>((resolve, reject) => {
      client!.once('connect', resolve);
      client!.once('connect_error', reject);
    });
    let at = 0;
    let acked = 0;
    for (const size of batches) {
      const batch = ops.slice(at, at + size);
      at += size;
      const results = (await client.timeout(60_000).emitWithAck('ops', batch)) as OpResult[];
      acked += results.length;
    }
    const ms = performance.now() - started;
    if (acked !== ops.length) throw new Error(`B3 raw: ${acked} acks for ${ops.length} ops`);
    return ms;
  } finally {
    client?.close();
    await server.close();
  }
}

// ---------------------------------------------------------------------------------------------

export interface B3Options {
  /** Ops queued offline (default 10,000). */
  ops?: number;
  /** Measured rounds (default 1), after a warm-up round of a tenth of the ops. */
  rounds?: number;
  /** Server database and CPU profile of the last measured round's drain. */
  profile?: boolean;
  log?: (line: string) => void;
}

export async function runB3(options: B3Options = {}): Promise<B3Entry[]> {
  const log = options.log ?? console.log;
  const count = options.ops ?? Number(process.env.BENCH_B3_OPS ?? 10_000);
  const rounds = options.rounds ?? Number(process.env.BENCH_B3_ROUNDS ?? 1);
  const profiling = options.profile ?? process.env.BENCH_B3_PROFILE === '1';

  const seeded = await seedWorkday({ minChanges: 1, keepOpen: true, log });
  try {
    log(`${seeded.open.length} open conversations assigned to ${seeded.agentId}`);
    const dbProfile = profiling ? new DbProfile(seeded.t.db) : undefined;
    log(
      `load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    // Warm-up: the same path at a tenth of the size, not counted.
    const warm = await drainRound(seeded, 'warm-up', Math.max(100, Math.round(count / 10)), log);
    await rawRound(warm.ops, warm.batches);

    const results: { timing: DrainTiming; rawMs: number }[] = [];
    for (let r = 1; r <= rounds; r += 1) {
      const last = r === rounds;
      const around: Around | undefined = last && profiling ? (fn) => cpuProfile(fn, log) : undefined;
      const timing = await drainRound(seeded, `round ${r}`, count, log, around, last ? dbProfile : undefined);
      const rawMs = await rawRound(timing.ops, timing.batches);
      results.push({ timing, rawMs });
      const perS = (ms: number) => ((count / ms) * 1000).toFixed(0);
      log(
        `  round ${r}: all acked in ${timing.ackedMs.toFixed(0)} ms (${perS(timing.ackedMs)} ops/s), outbox empty at ${timing.drainedMs.toFixed(0)} ms (${perS(timing.drainedMs)} ops/s); ` +
          `${timing.batches.length} batches (${Math.min(...timing.batches)}–${Math.max(...timing.batches)} ops); waiting for acks ${timing.ackWaitMs.toFixed(0)} ms (${((timing.ackWaitMs / count) * 1000).toFixed(0)} µs per op), the rest ${(timing.ackedMs - timing.ackWaitMs).toFixed(0)} ms; ` +
          `raw ${rawMs.toFixed(0)} ms (${perS(rawMs)} ops/s)`,
      );
    }
    if (dbProfile) dbProfile.report(log, count);

    const ackedMs = median(results.map((r) => r.timing.ackedMs));
    const drainedMs = median(results.map((r) => r.timing.drainedMs));
    const waitMs = median(results.map((r) => r.timing.ackWaitMs));
    const rawMs = median(results.map((r) => r.rawMs));
    const opsPerS = Math.round((count / ackedMs) * 1000);
    const rawOpsPerS = Math.round((count / rawMs) * 1000);
    // As the other budgets: how many times the raw primitive's time the engine takes for the same ops.
    const ratio = round2(ackedMs / rawMs);
    const pass = opsPerS >= BUDGET_OPS_PER_S;
    log(
      `${count} ops: ${opsPerS} ops/s acked (budget ≥ ${BUDGET_OPS_PER_S}): ${pass ? 'pass' : 'MISSED'}; raw ${rawOpsPerS} ops/s (the engine takes ${ratio}× its time); ` +
        `ack wait ${((waitMs / ackedMs) * 100).toFixed(0)} % of the time`,
    );
    return [
      { id: 'B3', metric: 'ops', value: count },
      {
        id: 'B3',
        metric: 'acked_ops_per_s',
        value: opsPerS,
        budget: BUDGET_OPS_PER_S,
        ratio,
        ratio_to: 'time of a raw batched emitWithAck of the same ops to a server that acks at once',
        pass,
      },
      { id: 'B3', metric: 'drained_ops_per_s', value: Math.round((count / drainedMs) * 1000) },
      { id: 'B3', metric: 'raw_ops_per_s', value: rawOpsPerS },
      { id: 'B3', metric: 'ack_wait_ms', value: round2(waitMs) },
      { id: 'B3', metric: 'client_ms', value: round2(ackedMs - waitMs) },
    ];
  } finally {
    await seeded.t.close();
  }
}

if (import.meta.filename === process.argv[1]) {
  await runB3();
}
