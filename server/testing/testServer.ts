import { io, type Socket } from 'socket.io-client';
import type { Capacity, Role, Skills } from '../../shared/domain';
import type { InteractionInput } from '../../shared/ingest';
import type { Change, OpResult, PullResponse } from '../../shared/protocol';
import { startRoutingServer, type RoutingServer } from '../app';
import { hashPassword } from '../auth/passwords';
import { serverConfig, type ServerConfig } from '../config';
import type { Db } from '../db/db';
import { publishDirectoryEntry, publishTemplate } from '../store/directory';
import type { AgentRow } from '../store/rows';
import { withChanges } from '../sync/changeLog';
import { openTestDatabase, type DbKind } from './testDatabase';

export const TEST_PASSWORD = 'correct horse battery staple';
export const TEST_INGEST_KEY = 'test-ingest-key-0123456789';
let passwordHash: Promise<string> | undefined;

/** First-response targets of the test tenant; next response is twice, resolution twenty times. */
export const TEST_FIRST_RESPONSE_SECONDS = [
  ['voice', 30],
  ['chat', 60],
  ['x_public', 900],
  ['x_dm', 1800],
  ['facebook', 1800],
  ['messenger', 1800],
  ['email', 14_400],
] as const;

export interface AgentSpec {
  id: string;
  role?: Role;
  team?: string | null;
  skills?: Skills;
  capacity?: Partial<Capacity>;
  name?: string;
}

/** A controllable clock: starts now, moves only when a test says so. */
export class TestClock {
  constructor(public ms = Date.now()) {}
  readonly now = (): number => this.ms;
  advance(ms: number) {
    this.ms += ms;
  }
}

export interface TestServer {
  server: RoutingServer;
  url: string;
  db: Db;
  clock: TestClock;
  addAgent(spec: AgentSpec): Promise<void>;
  /** An approved answer with one rendering per tone, published to everyone like the demo's. */
  addTemplate(template: {
    id: string;
    topic: string;
    title: string;
    renderings: Record<string, string>;
  }): Promise<void>;
  signIn(agentId: string): Promise<string>;
  connect(agentId: string, options?: { clientId?: string }): Promise<TestClient>;
  ingest(
    interaction: Partial<InteractionInput> & { text: string },
    key?: string,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  /** Runs the once-a-second routing tick now and waits for routing to settle. */
  tick(): Promise<void>;
  settle(): Promise<void>;
  conversation(id: string): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

let counter = 0;

/** A routing backend on loopback with an empty tenant (teams t1, t2 and per-channel SLAs). */
export async function startTestServer(kind: DbKind, overrides: Partial<ServerConfig> = {}): Promise<TestServer> {
  const { db, drop } = await openTestDatabase(kind);
  const clock = new TestClock();
  const config = serverConfig({
    PORT: 0,
    LOG_LEVEL: 'silent',
    SWITCHBOARD_DEMO: false,
    SWITCHBOARD_SIMULATOR: false,
    SWITCHBOARD_INGEST_KEY: TEST_INGEST_KEY,
    SWITCHBOARD_TOKEN_SECRET: 'test-token-secret-0123456789-0123456789',
    // A loaded CI machine lags; load shedding is tested on purpose, not by accident.
    SWITCHBOARD_INGEST_MAX_LAG_MS: 60_000,
    SWITCHBOARD_INGEST_MAX_IN_FLIGHT: 10_000,
    // Replies never leave the machine: a test that wants them delivered points these at a
    // stand-in; otherwise the discard port refuses them and they wait to be retried.
    X_API_BASE_URL: 'http://127.0.0.1:9',
    META_GRAPH_BASE_URL: 'http://127.0.0.1:9',
    SMTP_URL: 'smtp://127.0.0.1:9',
    ...overrides,
  });
  const server = await startRoutingServer(config, { db, now: clock.now });
  await db.query("insert into teams (id, name) values ('t1', 'Team one'), ('t2', 'Team two')");
  for (const [channel, first] of TEST_FIRST_RESPONSE_SECONDS) {
    await db.query('insert into sla_policies values ($1, $2, $3, $4)', [channel, first, first * 2, first * 20]);
  }
  const clients: TestClient[] = [];

  const t: TestServer = {
    server,
    url: server.url,
    db,
    clock,
    async addAgent(spec) {
      passwordHash ??= hashPassword(TEST_PASSWORD);
      const capacity: Capacity = { voice: 1, chat: 3, social: 3, email: 5, ...spec.capacity };
      await db.query(
        'insert into agents (id, email, name, role, team_id, password_hash, skills, capacity, idle_since) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
        [
          spec.id,
          `${spec.id}@test.example`,
          spec.name ?? spec.id,
          spec.role ?? 'agent',
          spec.team === undefined ? 't1' : spec.team,
          await passwordHash,
          JSON.stringify(spec.skills ?? { social: 3, email: 3, voice: 3, chat: 3 }),
          JSON.stringify(capacity),
          new Date(clock.now() - 1000 * 60 + counter++),
        ],
      );
      await server.routing.refreshAgent(spec.id);
      await withChanges(db, async (tx, changes) => {
        const { rows } = await tx.query<AgentRow>('select * from agents where id = $1', [spec.id]);
        publishDirectoryEntry(changes, rows[0]!);
      });
    },
    async addTemplate(t) {
      await withChanges(db, async (tx, changes) => {
        await tx.query('insert into templates (id, topic, title, renderings) values ($1, $2, $3, $4)', [
          t.id,
          t.topic,
          t.title,
          JSON.stringify(t.renderings),
        ]);
        await publishTemplate(tx, changes, t.id);
      });
    },
    async signIn(agentId) {
      const response = await fetch(`${server.url}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': agentId },
        body: JSON.stringify({ email: `${agentId}@test.example`, password: TEST_PASSWORD }),
      });
      const body = (await response.json()) as { token: string };
      if (!response.ok) throw new Error(`sign-in of ${agentId} failed: ${JSON.stringify(body)}`);
      return body.token;
    },
    async connect(agentId, options = {}) {
      const client = await TestClient.connect(
        server.url,
        await t.signIn(agentId),
        options.clientId ?? crypto.randomUUID(),
      );
      clients.push(client);
      await server.routing.idle();
      return client;
    },
    async ingest(partial, key = TEST_INGEST_KEY) {
      const id = `m${++counter}`;
      const interaction: InteractionInput = {
        provider: 'test',
        providerMessageId: id,
        channel: 'x_public',
        threadKey: `thread-${id}`,
        author: { kind: 'x_handle', value: `@customer${counter}` },
        occurredAt: new Date(clock.now()).toISOString(),
        ...partial,
      };
      const response = await fetch(`${server.url}/api/ingest`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify(interaction),
      });
      const body = (await response.json()) as Record<string, unknown>;
      await server.routing.idle();
      return { status: response.status, body };
    },
    async tick() {
      await server.routing.tick();
      await server.routing.idle();
    },
    settle: () => server.routing.idle(),
    async conversation(id) {
      const { rows } = await db.query<Record<string, unknown>>('select * from conversations where id = $1', [id]);
      return rows[0]!;
    },
    async close() {
      for (const c of clients) c.close();
      await server.close();
      await drop();
    },
  };
  return t;
}

/** One agent's device: a socket with its clientId, a seq counter and the pushes it received. */
export class TestClient {
  seq = 0;
  readonly pushes: { changes: Change[]; prev: number }[] = [];

  private constructor(
    readonly socket: Socket,
    readonly clientId: string,
  ) {
    socket.on('changes', (push: { changes: Change[]; prev: number }) => this.pushes.push(push));
  }

  static async connect(url: string, token: string, clientId: string): Promise<TestClient> {
    const socket = io(url, {
      auth: { token, clientId },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (err) => reject(err));
    });
    return new TestClient(socket, clientId);
  }

  /** Builds a well-formed op with the next seq. */
  makeOp(type: string, payload: Record<string, unknown>, extra: Record<string, unknown> = {}) {
    return {
      opId: crypto.randomUUID(),
      clientId: this.clientId,
      seq: ++this.seq,
      createdAt: new Date().toISOString(),
      type,
      payload,
      ...extra,
    };
  }

  async send(ops: unknown[]): Promise<OpResult[]> {
    return (await this.socket.timeout(10_000).emitWithAck('ops', ops)) as OpResult[];
  }

  async op(type: string, payload: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<OpResult> {
    const [result] = await this.send([this.makeOp(type, payload, extra)]);
    return result!;
  }

  async pull(cursor = 0, limit = 1000): Promise<PullResponse> {
    return (await this.socket.timeout(10_000).emitWithAck('pull', { cursor, limit })) as PullResponse;
  }

  /** Everything this client may see, pulled to the end. */
  async pullAll(): Promise<Change[]> {
    const all: Change[] = [];
    let cursor = 0;
    for (;;) {
      const page = await this.pull(cursor);
      if ('reset_required' in page) throw new Error('unexpected reset_required');
      all.push(...page.changes);
      cursor = page.cursor;
      if (!page.more) return all;
    }
  }

  close() {
    this.socket.close();
  }
}
