import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { io, type Socket } from 'socket.io-client';
import { SyncDb } from '../../renderer/sync/db';
import { SyncEngine, type SyncEngineOptions } from '../../renderer/sync/engine';
import { PullResponseSchema, type Change, type Op, type OpResult } from '../../shared/protocol';

/** One `ops` emit of the engine as the device saw it: the batch, and the answer or the error. */
export interface BatchRecord {
  at: number;
  /** What the engine sent (before any `tamper`). */
  ops: Op[];
  /** What went on the wire, when `tamper` changed it. */
  sent?: Op[];
  results?: OpResult[];
  error?: string;
  /** When the answer or the error came (performance.now()). */
  endedAt?: number;
}

export interface PullRecord {
  at: number;
  cursor: number;
  answer?: unknown;
  error?: string;
}

/** The changes a pull brought, or undefined (no answer yet, an error, or reset_required). */
export function pulledChanges(pull: PullRecord): Change[] | undefined {
  const answer = PullResponseSchema.safeParse(pull.answer);
  return answer.success && 'changes' in answer.data ? answer.data.changes : undefined;
}

/** The server answered this pull with reset_required. */
export function wasReset(pull: PullRecord): boolean {
  const answer = PullResponseSchema.safeParse(pull.answer);
  return answer.success && 'reset_required' in answer.data;
}

export interface PushRecord {
  at: number;
  push: { changes: Change[]; prev: number };
}

/**
 * One simulated device: its own IndexedDB (fake-indexeddb, kept across restarts of the engine,
 * like a profile folder across app restarts) and a sync engine connected to `url`. Everything the
 * engine sends and hears on the socket is recorded (`batches`, `pulls`, `pushes`) and every cursor
 * it writes (`cursors`), so tests can assert on the protocol as well as on the outcome.
 */
export class Device {
  readonly idb: IDBFactory;
  readonly dbName: string;
  engine: SyncEngine | undefined;
  db: SyncDb | undefined;
  socket: Socket | undefined;
  readonly batches: BatchRecord[] = [];
  readonly pulls: PullRecord[] = [];
  readonly pushes: PushRecord[] = [];
  /** Every cursor value written to the device's meta, in order (I4). */
  readonly cursors: number[] = [];
  /** Rewrites an outgoing op batch (a network that reorders or loses part of it); undefined sends it as is. */
  tamper: ((ops: Op[]) => Op[] | undefined) | undefined;
  /**
   * Sees each answer before the engine does. 'lose' makes the answer vanish inside the device:
   * the app died after the ack arrived and before it marked the ops done (RELIABILITY.md 14).
   */
  onAnswer: ((record: BatchRecord) => 'deliver' | 'lose') | undefined;
  private signedIn: string | undefined;

  constructor(
    readonly agentId: string,
    private readonly token: () => Promise<string> | string,
    private readonly options: Partial<SyncEngineOptions> = {},
    /** Another window of the same app: the same IndexedDB and database name (RELIABILITY.md 18). */
    shared?: { idb: IDBFactory; dbName: string },
  ) {
    this.idb = shared?.idb ?? new IDBFactory();
    this.dbName = shared?.dbName ?? `switchboard:test:${agentId}`;
  }

  /** Opens the engine on this device's data (again, after `stop`). */
  async start(url: string, options: Partial<SyncEngineOptions> = {}): Promise<SyncEngine> {
    this.db = new SyncDb(this.dbName, { indexedDB: this.idb, IDBKeyRange });
    this.watchCursor(this.db);
    // Signed in once, like the app keeping its token across restarts (sign-in is rate-limited).
    const token = (this.signedIn ??= await this.token());
    this.engine = await SyncEngine.open({
      ackTimeoutMs: 2000,
      backoffBaseMs: 50,
      backoffMaxMs: 500,
      ...this.options,
      ...options,
      db: this.db,
      agentId: this.agentId,
      connect: (clientId) => {
        const socket = io(url, {
          auth: { token, clientId },
          transports: ['websocket'],
          forceNew: true,
          reconnectionDelay: 50,
          reconnectionDelayMax: 500,
        });
        this.record(socket);
        this.socket = socket;
        return socket;
      },
    });
    return this.engine;
  }

  /** The app quits (or crashes): the socket goes, the data stays. */
  async stop(): Promise<void> {
    await this.engine?.close();
    this.db?.close();
    this.engine = undefined;
  }

  /** Ops sent under `opId` so far (a resend counts again). */
  sendsOf(opId: string): number {
    return this.batches.filter((b) => (b.sent ?? b.ops).some((op) => op.opId === opId)).length;
  }

  /** Every result the device received, in order. */
  get results(): OpResult[] {
    return this.batches.flatMap((b) => b.results ?? []);
  }

  private watchCursor(db: SyncDb) {
    const note = (key: unknown, value: unknown) => {
      if (key === 'cursor' && value !== undefined) this.cursors.push(Number(value));
    };
    db.meta.hook('creating', (key, row) => note(key ?? row.key, row.value));
    db.meta.hook('updating', (mods: { value?: unknown }, key) => {
      if ('value' in mods) note(key, mods.value);
    });
  }

  /** Wraps the socket's `emitWithAck` (the engine's only way to send) and listens to pushes. */
  private record(socket: Socket) {
    const emitWithAck = socket.emitWithAck.bind(socket);
    const wrapped = async (event: string, ...args: unknown[]): Promise<unknown> => {
      if (event === 'ops') {
        const ops = args[0] as Op[];
        const sent = this.tamper?.(ops);
        const record: BatchRecord = { at: performance.now(), ops, ...(sent ? { sent } : {}) };
        this.batches.push(record);
        try {
          const answer = (await emitWithAck(event, sent ?? ops, ...args.slice(1))) as unknown;
          record.endedAt = performance.now();
          if (Array.isArray(answer)) record.results = answer as OpResult[];
          if (this.onAnswer?.(record) === 'lose') return new Promise(() => undefined);
          return answer;
        } catch (err) {
          record.endedAt = performance.now();
          record.error = String(err);
          throw err;
        }
      }
      if (event === 'pull') {
        const record: PullRecord = { at: performance.now(), cursor: (args[0] as { cursor: number }).cursor };
        this.pulls.push(record);
        try {
          record.answer = await emitWithAck(event, ...args);
          return record.answer;
        } catch (err) {
          record.error = String(err);
          throw err;
        }
      }
      return emitWithAck(event, ...args);
    };
    socket.emitWithAck = wrapped as Socket['emitWithAck'];
    socket.on('changes', (push: PushRecord['push']) => this.pushes.push({ at: performance.now(), push }));
  }
}
