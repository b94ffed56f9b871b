import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { io, type Socket } from 'socket.io-client';
import { SyncDb } from '../../renderer/sync/db';
import { SyncEngine, type SyncEngineOptions } from '../../renderer/sync/engine';

/**
 * One simulated device: its own IndexedDB (fake-indexeddb, kept across restarts of the engine,
 * like a profile folder across app restarts) and a sync engine connected to `url`.
 */
export class Device {
  readonly idb = new IDBFactory();
  engine: SyncEngine | undefined;
  db: SyncDb | undefined;
  socket: Socket | undefined;
  private signedIn: string | undefined;

  constructor(
    readonly agentId: string,
    private readonly token: () => Promise<string> | string,
    private readonly options: Partial<SyncEngineOptions> = {},
  ) {}

  /** Opens the engine on this device's data (again, after `kill`). */
  async start(url: string): Promise<SyncEngine> {
    this.db = new SyncDb(`switchboard:test:${this.agentId}`, { indexedDB: this.idb, IDBKeyRange });
    // Signed in once, like the app keeping its token across restarts (sign-in is rate-limited).
    const token = (this.signedIn ??= await this.token());
    this.engine = await SyncEngine.open({
      ackTimeoutMs: 2000,
      backoffBaseMs: 50,
      backoffMaxMs: 500,
      ...this.options,
      db: this.db,
      agentId: this.agentId,
      connect: (clientId) => {
        this.socket = io(url, {
          auth: { token, clientId },
          transports: ['websocket'],
          forceNew: true,
          reconnectionDelay: 50,
          reconnectionDelayMax: 500,
        });
        return this.socket;
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
}
