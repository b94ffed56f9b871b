import type { Collision, OpType } from '../../shared/protocol';
import type { OpPayload } from './engine';
import {
  WorkerMessageSchema,
  type IssueAction,
  type SyncErrorCode,
  type SyncSession,
  type WorkerRequest,
  type WorkerRequestBody,
  type WorkerStatus,
} from './workerProtocol';

/** The window's end: a SharedWorker's port, a dedicated Worker, or a MessagePort in tests. */
export interface WorkerPortLike {
  postMessage(message: WorkerRequest): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  start?(): void;
}

export class SyncRequestError extends Error {
  constructor(
    readonly code: SyncErrorCode,
    message: string,
  ) {
    super(message);
  }
}

type Waiter = { resolve: (value: unknown) => void; reject: (err: SyncRequestError) => void };

/**
 * The UI's API to the sync worker: commands (enqueue, issue actions), host signals (nudge), the
 * token when the worker asks for one, and the status it publishes. Domain data is not sent over
 * here: the UI reads it live from the same Dexie database.
 */
export class SyncConnection {
  private nextId = 1;
  private readonly waiting = new Map<number, Waiter>();
  private readonly statusListeners = new Set<(status: WorkerStatus) => void>();
  private readonly tokenListeners = new Set<(reason: 'token_expired' | 'unauthorized') => void>();
  private readonly collisionListeners = new Set<(c: Collision) => void>();
  private failure: SyncRequestError | null = null;
  /** What this window told the worker it shows: collisions about anything else are not for it. */
  private viewing: { conversationId: string | null; typing: boolean } = { conversationId: null, typing: false };
  lastStatus: WorkerStatus | null = null;

  constructor(
    private readonly port: WorkerPortLike,
    /** Lets go of the worker itself (a dedicated worker is terminated; a shared one's port closed). */
    private readonly dispose: () => void = () => undefined,
  ) {
    port.addEventListener('message', (event) => this.receive(event.data));
    port.start?.();
  }

  start(session: SyncSession): Promise<{ clientId: string }> {
    return (this.request({ kind: 'start', session }) as Promise<{ clientId: string }>).then((started) => {
      // A view set before sign-in (or kept across a sign-in as someone else) reaches the new engine.
      if (this.viewing.conversationId !== null) void this.sendView();
      return started;
    });
  }

  /** Resolves once the op and its effect are durable on this computer. */
  enqueue<T extends OpType>(
    type: T,
    payload: OpPayload<T>,
    baseVersion?: number,
  ): Promise<{ opId: string; seq: number }> {
    return this.request({
      kind: 'enqueue',
      type,
      payload,
      ...(baseVersion === undefined ? {} : { baseVersion }),
    }) as Promise<{ opId: string; seq: number }>;
  }

  issue(action: IssueAction, issueId: string, conversationId?: string): Promise<void> {
    return this.request({ kind: 'issue', action, issueId, ...(conversationId ? { conversationId } : {}) }).then(
      () => undefined,
    );
  }

  nudge(): Promise<void> {
    return this.request({ kind: 'nudge' }).then(() => undefined);
  }

  /** Tells the server which conversation this window shows (null: none) and whether the agent is typing in it. */
  view(conversationId: string | null, typing: boolean): Promise<void> {
    const previous = this.viewing.conversationId;
    this.viewing = { conversationId, typing };
    // The warning about the conversation left behind is cleared here, not left to the network.
    if (previous !== null && previous !== conversationId) this.emitCollision({ conversationId: previous, others: [] });
    return this.sendView();
  }

  /**
   * Collision presence is a hint: it never fails a caller. Before sign-in, or once the worker
   * stopped, the view is only kept, and sent when sync starts.
   */
  private sendView(): Promise<void> {
    return this.request({ kind: 'view', ...this.viewing }).then(
      () => undefined,
      () => undefined,
    );
  }

  /**
   * Other agents viewing or typing in the conversation this window views (`others` empty clears
   * it), and whether its web chat visitor is typing.
   */
  onCollision(listener: (c: Collision) => void): () => void {
    this.collisionListeners.add(listener);
    return () => this.collisionListeners.delete(listener);
  }

  setToken(token: string): Promise<void> {
    return this.request({ kind: 'token', token }).then(() => undefined);
  }

  /** Detaches this window from the engine; the worker is let go of once it answered. */
  stop(): Promise<void> {
    return this.request({ kind: 'stop' })
      .then(() => undefined)
      .finally(() => {
        this.failure ??= new SyncRequestError('not_started', 'Sync stopped in this window: sign in again.');
        this.dispose();
      });
  }

  onStatus(listener: (status: WorkerStatus) => void): () => void {
    this.statusListeners.add(listener);
    if (this.lastStatus) listener(this.lastStatus);
    return () => this.statusListeners.delete(listener);
  }

  onTokenNeeded(listener: (reason: 'token_expired' | 'unauthorized') => void): () => void {
    this.tokenListeners.add(listener);
    return () => this.tokenListeners.delete(listener);
  }

  /** The worker died (a script error, the browser killed it): every open request fails, said plainly. */
  fail(message: string): void {
    this.failure = new SyncRequestError(
      'storage_unavailable',
      `The sync worker stopped (${message}). Reload the window; queued work is kept on this computer.`,
    );
    for (const waiter of this.waiting.values()) waiter.reject(this.failure);
    this.waiting.clear();
  }

  private emitCollision(collision: Collision): void {
    this.collisionListeners.forEach((l) => l(collision));
  }

  private request(body: WorkerRequestBody): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.port.postMessage({ ...body, id });
    });
  }

  private receive(raw: unknown): void {
    const parsed = WorkerMessageSchema.safeParse(raw);
    if (!parsed.success) return; // not ours (or a newer worker's message we cannot read)
    const message = parsed.data;
    if (message.kind === 'status') {
      this.lastStatus = message.status;
      this.statusListeners.forEach((l) => l(message.status));
    } else if (message.kind === 'token_needed') {
      this.tokenListeners.forEach((l) => l(message.reason));
    } else if (message.kind === 'collision') {
      if (message.collision.conversationId === this.viewing.conversationId) this.emitCollision(message.collision);
    } else {
      const waiter = this.waiting.get(message.id);
      if (!waiter) return;
      this.waiting.delete(message.id);
      if (message.ok) waiter.resolve(message.value);
      else waiter.reject(new SyncRequestError(message.error.code, message.error.message));
    }
  }
}

/** Starts the sync worker of this origin: shared by every window where SharedWorker exists. */
export function openSyncWorker(): SyncConnection {
  // The options stay literal in each call: the bundler reads them to build the worker.
  if (typeof SharedWorker !== 'undefined') {
    const worker = new SharedWorker(new URL('./sync.worker.ts', import.meta.url), {
      type: 'module',
      name: 'switchboard-sync',
    });
    const connection = new SyncConnection(worker.port, () => worker.port.close());
    worker.addEventListener('error', () => connection.fail('it could not start'));
    return connection;
  }
  const worker = new Worker(new URL('./sync.worker.ts', import.meta.url), { type: 'module', name: 'switchboard-sync' });
  const connection = new SyncConnection(worker, () => worker.terminate());
  worker.addEventListener('error', (event) => connection.fail(event.message || 'a script error'));
  return connection;
}
