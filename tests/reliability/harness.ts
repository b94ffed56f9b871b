import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { SyncEngineOptions } from '../../renderer/sync/engine';
import type { ServerConfig } from '../../server/config';
import type { Db, Queryable } from '../../server/db/db';
import type { DbKind } from '../../server/testing/testDatabase';
import { startTestServer, TestClient, type AgentSpec, type TestServer } from '../../server/testing/testServer';
import type { Presence } from '../../shared/domain';
import type { Op } from '../../shared/protocol';
import { FaultProxy } from './faultProxy';
import { checkClient, describeReport, HELD, serverView, type InvariantReport, type PlannedOp } from './invariants';
import { Device } from './syncClient';

/**
 * What the scenario suites share: one backend per file and database kind (a fresh PGlite costs
 * seconds; each test makes its own agents, so tests do not see each other's work), devices and
 * proxies cleaned up after each test, an instrumented database, and the invariant checks.
 */

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Short backoffs, and an ack timeout short enough for a test yet long enough that a loaded machine
 * does not time out by accident (tests about timeouts set their own).
 */
export const FAST: Partial<SyncEngineOptions> = { ackTimeoutMs: 1500, backoffBaseMs: 20, backoffMaxMs: 200 };

export class Rig {
  private server: TestServer | undefined;
  private adminClient: TestClient | undefined;
  private cleanups: (() => unknown)[] = [];
  private readonly tokens = new Map<string, string>();
  private counter = 0;

  /** Registers the hooks: one server for the describe block, cleanups after each test. */
  constructor(kind: DbKind, overrides: Partial<ServerConfig> = {}) {
    beforeAll(async () => {
      this.server = await startTestServer(kind, overrides);
      await this.server.addAgent({ id: 'root', role: 'admin', name: 'Root', team: null });
      this.adminClient = await this.server.connect('root');
    }, 60_000);
    afterEach(async () => {
      for (const fn of this.cleanups.splice(0).reverse()) await fn();
    }, 30_000);
    afterAll(async () => {
      await this.server?.close();
    }, 30_000);
  }

  get t(): TestServer {
    if (!this.server) throw new Error('the test server is not started yet');
    return this.server;
  }

  /** An admin on a raw socket, to set the stage (hand conversations to agents, resolve, transfer). */
  get admin(): TestClient {
    return this.adminClient!;
  }

  /** Runs `fn` after the current test, before the next one. */
  defer(fn: () => unknown): void {
    this.cleanups.push(fn);
  }

  /** A unique id in this server (agents, tokens). */
  id(prefix: string): string {
    return `${prefix}-${++this.counter}-${Math.random().toString(36).slice(2, 6)}`;
  }

  /** The agent's token: each agent signs in once per file (sign-in is slow on purpose and rate-limited). */
  async token(agentId: string): Promise<string> {
    let token = this.tokens.get(agentId);
    if (!token) {
      token = await this.t.signIn(agentId);
      this.tokens.set(agentId, token);
    }
    return token;
  }

  /** A raw socket for `agentId` (hand-crafted ops), closed after the test. */
  async client(agentId: string, clientId: string = crypto.randomUUID()): Promise<TestClient> {
    const client = await TestClient.connect(this.t.url, await this.token(agentId), clientId);
    this.defer(() => client.close());
    await this.t.settle();
    return client;
  }

  /**
   * A new agent (X skills by default) whose presence in the database keeps routing away from
   * them (busy) unless told otherwise: the stage is set directly, routing is told.
   */
  async agent(spec: Partial<AgentSpec> & { prefix?: string; presence?: Presence } = {}): Promise<string> {
    const id = spec.id ?? this.id(spec.prefix ?? 'agent');
    await this.t.addAgent({ skills: { social: 3 }, ...spec, id });
    await this.t.db.query('update agents set presence = $2 where id = $1', [id, spec.presence ?? 'busy']);
    await this.t.server.routing.refreshAgent(id);
    return id;
  }

  /** A new conversation (an X DM thread) assigned to `agentId` by the admin: no routing race. */
  async conversationFor(agentId: string, text = 'where is my bag'): Promise<string> {
    return (await this.thread(agentId, text)).conversationId;
  }

  /** Like `conversationFor`, with what it takes to post the customer's next message in the thread. */
  async thread(agentId: string, text = 'where is my bag') {
    const threadKey = this.id('thread');
    const author = { kind: 'x_handle' as const, value: `@${this.id('customer')}` };
    const { body } = await this.t.ingest({ channel: 'x_dm', text, threadKey, author });
    const conversationId = body.conversationId as string;
    const result = await this.admin.op('conversation.transfer', { conversationId, to: { kind: 'agent', agentId } });
    if (result.status !== 'applied')
      throw new Error(`could not hand ${conversationId} to ${agentId}: ${JSON.stringify(result)}`);
    await this.t.settle();
    /** The customer writes again in this thread; resolves with the new message id. */
    const customerWrites = async (next: string): Promise<string> => {
      const { body: again } = await this.t.ingest({ channel: 'x_dm', text: next, threadKey, author });
      if (again.conversationId !== conversationId) throw new Error('the customer message opened another conversation');
      return again.messageId as string;
    };
    return { conversationId, customerWrites };
  }

  /** A fault proxy in front of the server, closed after the test. */
  async proxy(): Promise<FaultProxy> {
    const target = new URL(this.t.url);
    const proxy = await FaultProxy.start({ host: target.hostname, port: Number(target.port) });
    this.defer(() => proxy.close());
    return proxy;
  }

  /** A device for `agentId` (short timeouts by default), stopped after the test. */
  device(
    agentId: string,
    options: Partial<SyncEngineOptions> = {},
    shared?: { idb: Device['idb']; dbName: string },
  ): Device {
    const device = new Device(agentId, () => this.token(agentId), { ...FAST, ...options }, shared);
    this.defer(() => device.stop());
    return device;
  }

  /** Spies on (and can break) the server's op transactions until the end of the test. */
  spy(): DbSpy {
    const spy = new DbSpy(this.t.db);
    this.defer(() => spy.restore());
    return spy;
  }

  /** Everything `agentId` may see, from a pull from zero on a fresh client. */
  async serverView(agentId: string) {
    return serverView(this.t.url, await this.token(agentId));
  }

  /** I1–I4, I6, I7 for one device after its queue drained; fails the test with the figures. */
  async expectInvariants(
    device: Device,
    planned: readonly PlannedOp[],
    options: { cursors?: readonly number[] } = {},
  ): Promise<InvariantReport> {
    await device.engine!.settled();
    const report = await checkClient({
      server: this.t.db,
      clientId: device.engine!.clientId,
      planned,
      cursors: options.cursors ?? device.cursors,
      mirror: { db: device.db!, expected: await this.serverView(device.agentId), label: device.agentId },
    });
    expect(report.divergence, describeReport(report)).toEqual([]);
    expect(report, describeReport(report)).toMatchObject({
      ...HELD,
    });
    expect(report.applied + report.rejected).toBe(planned.length);
    return report;
  }

  /** Outbound messages and notes whose body is one of `bodies`, counted on the server. */
  async messageCounts(bodies: readonly string[]): Promise<Map<string, number>> {
    const { rows } = await this.t.db.query<{ body: string; n: number }>(
      'select body, count(*)::int as n from messages where body = any($1::text[]) group by body',
      [bodies],
    );
    return new Map(rows.map((r) => [r.body, r.n]));
  }

  /** The client's processed ops on the server, in seq order. */
  async opResults(clientId: string) {
    const { rows } = await this.t.db.query<{
      op_id: string;
      seq: number;
      result: { status: string; seq?: number; reason?: string; detail?: string };
    }>('select op_id, seq, result from op_results where client_id = $1 order by seq', [clientId]);
    return rows;
  }
}

/** Waits until the device is online with an empty outbox and nothing left to apply. */
export async function drained(device: Device, timeout = 20_000): Promise<void> {
  await expect
    .poll(
      async () => {
        const status = await device.engine!.status();
        return { connection: status.connection, pending: status.pending, outbox: await device.db!.outbox.count() };
      },
      { timeout, interval: 25 },
    )
    .toEqual({ connection: 'online', pending: 0, outbox: 0 });
  await device.engine!.settled();
}

/** Waits until the device's socket is connected and its catch-up pull is done. */
export async function online(device: Device, timeout = 20_000): Promise<void> {
  await expect.poll(async () => (await device.engine!.status()).connection, { timeout, interval: 25 }).toBe('online');
  await device.engine!.settled();
}

/** Notes with bodies unique to each op, so their effect can be counted on the server (I2). */
export async function enqueueNotes(
  device: Device,
  conversationId: string,
  count: number,
  label = 'note',
): Promise<(PlannedOp & { op: Op })[]> {
  const planned: (PlannedOp & { op: Op })[] = [];
  for (let i = 0; i < count; i++) {
    const messageId = crypto.randomUUID();
    const token = `${label}-${i}-${messageId.slice(0, 8)}`;
    const op = await device.engine!.enqueue('conversation.note', { conversationId, messageId, body: token });
    planned.push({ opId: op.opId, seq: op.seq, messageId, token, op });
  }
  return planned;
}

/** Web Locks semantics in one process: one holder at a time, in request order; instrumented. */
export class SenderLock {
  private tail: Promise<unknown> = Promise.resolve();
  private holding = 0;
  private waiting = 0;
  maxHolders = 0;
  /** Who got the lock, in order. */
  readonly grants: string[] = [];
  /** Each grant with when it was taken and released (performance.now()). */
  readonly log: { name: string; at: number; releasedAt: number }[] = [];
  holder: string | undefined;

  /** Nobody holds the lock and nobody waits for it. */
  get idle(): boolean {
    return this.holding === 0 && this.waiting === 0;
  }

  for(name: string): <T>(fn: () => Promise<T>) => Promise<T> {
    return <T>(fn: () => Promise<T>) => {
      this.waiting += 1;
      const run = this.tail.then(async () => {
        this.waiting -= 1;
        this.holding += 1;
        this.maxHolders = Math.max(this.maxHolders, this.holding);
        this.holder = name;
        this.grants.push(name);
        const record = { name, at: performance.now(), releasedAt: 0 };
        this.log.push(record);
        try {
          return await fn();
        } finally {
          record.releasedAt = performance.now();
          this.holding -= 1;
          this.holder = undefined;
        }
      });
      this.tail = run.catch(() => undefined);
      return run;
    };
  }
}

/** A sender lock that stays shut until `open()` (and again after `close()`): the engine commits but cannot send. */
export class Gate {
  private opened!: () => void;
  private ready: Promise<void> = new Promise<void>((resolve) => (this.opened = resolve));
  private isOpen = false;
  readonly lock = <T>(fn: () => Promise<T>): Promise<T> => this.ready.then(fn);
  open(): void {
    this.isOpen = true;
    this.opened();
  }
  close(): void {
    if (!this.isOpen) return;
    this.isOpen = false;
    this.ready = new Promise<void>((resolve) => (this.opened = resolve));
  }
}

/** One op transaction on the server, as the spy saw it. */
export interface OpTransaction {
  clientId: string;
  /** When processOps asked for the transaction (before any wait for PGlite's turn or a row lock). */
  enteredAt: number;
  endedAt?: number;
  failed?: boolean;
  /** The op's seq was already used: the stored result was looked up (a repeat). */
  repeat?: boolean;
  seq?: number;
  result?: { status: string; seq?: number; reason?: string };
}

/**
 * Wraps the server database's `transaction` to watch the op transactions of processOps (server/sync)
 * and inject faults into them: an infrastructure error at their start, or a pause after the
 * client's row lock (a slow server). Other transactions (routing, ingestion) pass untouched.
 */
export class DbSpy {
  readonly ops: OpTransaction[] = [];
  /** Returns an error to fail this op's transaction with (database down, statement timeout). */
  fail: ((tx: OpTransaction) => Error | undefined) | undefined;
  /** Milliseconds to hold this op's transaction after the client's row is locked. */
  hold: ((tx: OpTransaction) => number) | undefined;
  /**
   * Called once an op transaction committed, before processOps goes on (to break the link between
   * a commit and its ack); a returned promise holds processOps until it settles.
   */
  committed: ((tx: OpTransaction) => Promise<void> | void) | undefined;
  private readonly original: Db['transaction'];

  constructor(private readonly db: Db) {
    this.original = db.transaction.bind(db);
    db.transaction = <T>(fn: (tx: Queryable) => Promise<T>): Promise<T> => {
      const record: OpTransaction = { clientId: '', enteredAt: performance.now() };
      const watched: Queryable = {
        query: async <R>(sql: string, params: readonly unknown[] = []) => {
          if (sql.startsWith('insert into sync_clients')) {
            record.clientId = String(params[0]);
            this.ops.push(record);
            const error = this.fail?.(record);
            if (error) throw error;
          }
          const result = await currentTx!.query<R>(sql, params);
          if (sql.startsWith('select agent_id, last_seq from sync_clients')) {
            const ms = this.hold?.(record) ?? 0;
            if (ms > 0) await sleep(ms);
          } else if (sql.startsWith('select op_id, result from op_results where client_id = $1 and seq = $2')) {
            record.repeat = true;
            record.seq = Number(params[1]);
          } else if (sql.startsWith('insert into op_results')) {
            record.seq = Number(params[2]);
            record.result = JSON.parse(String(params[3])) as OpTransaction['result'];
          }
          return result;
        },
      };
      let currentTx: Queryable | undefined;
      return this.original(async (tx) => {
        currentTx = tx;
        return fn(watched);
      }).then(
        async (value) => {
          record.endedAt = performance.now();
          if (record.clientId) await this.committed?.(record);
          return value;
        },
        (err: unknown) => {
          record.endedAt = performance.now();
          record.failed = true;
          throw err;
        },
      );
    };
  }

  /** Op transactions of one client. */
  of(clientId: string): OpTransaction[] {
    return this.ops.filter((o) => o.clientId === clientId);
  }

  restore(): void {
    this.db.transaction = this.original;
  }
}

/** A seed for a test's random choices: SWITCHBOARD_RELIABILITY_SEED replays one. */
export function testSeed(fallback: number): number {
  const fromEnv = process.env.SWITCHBOARD_RELIABILITY_SEED;
  return fromEnv ? Number(fromEnv) : fallback;
}
