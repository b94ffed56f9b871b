import { liveQuery } from 'dexie';
import type { Socket } from 'socket.io-client';
import { ZodError } from 'zod';
import type { Viewing } from '../../shared/protocol';
import { type SyncDb, syncDbName } from './db';
import { SyncEngine, type OpPayload, type SyncEngineOptions, type SyncStatus } from './engine';
import {
  WorkerRequestSchema,
  type StorageState,
  type SyncErrorCode,
  type SyncProblem,
  type SyncSession,
  type WorkerMessage,
  type WorkerRequest,
  type WorkerStatus,
} from './workerProtocol';

/** A window's end of the conversation: a SharedWorker port, or the dedicated worker's scope. */
export interface SyncPort {
  postMessage(message: WorkerMessage): void;
}

type Auth = (cb: (data: Record<string, unknown>) => void) => void;

export interface SyncHostDeps {
  openDb: (name: string) => SyncDb;
  /** Opens the sync socket; `auth` is read on every (re)connect so a refreshed token is used. */
  connect: (serverUrl: string, auth: Auth) => Socket;
  /** Web Locks: one sender per database across workers (dedicated workers run one engine each). */
  locks?: { request<T>(name: string, callback: () => Promise<T>): Promise<T> };
  storage?: { estimate?(): Promise<{ usage?: number; quota?: number }>; persisted?(): Promise<boolean> };
  engine?: Partial<Omit<SyncEngineOptions, 'db' | 'agentId' | 'connect' | 'senderLock'>>;
  /** How often the status is re-sent without an event (so `stuck` and ages stay true). */
  statusEveryMs?: number;
}

interface Session {
  name: string;
  ports: Set<SyncPort>;
  /** What each window shows, with when it last changed (a counter), for collision presence. */
  views: Map<SyncPort, { viewing: Viewing; changed: number }>;
  token: string;
  db: SyncDb;
  engine: SyncEngine;
  socket?: Socket;
  needsToken: 'token_expired' | 'unauthorized' | null;
  stopListening: () => void;
}

/** Offline storage above this share of the quota is reported before it fails. */
const NEARLY_FULL = 0.9;

/**
 * The sync worker's logic, apart from the worker globals so it runs in Node tests: one engine per
 * agent and server, shared by every window attached to it, answering their requests and sending
 * them its status. The React tree never owns sync; it only talks to this.
 */
export class SyncHost {
  private readonly sessions = new Map<string, Promise<Session>>();
  private readonly attached = new Map<SyncPort, Session>();
  private storageState: StorageState = { persisted: null, usage: null, quota: null };
  private storageCheckedAt = 0;
  private viewChanges = 0;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(private readonly deps: SyncHostDeps) {
    this.timer = setInterval(() => this.refreshAll(), deps.statusEveryMs ?? 30_000);
    (this.timer as { unref?: () => void }).unref?.();
  }

  /** Handles one message from a window. Never throws: failures are answered as problems. */
  async receive(port: SyncPort, raw: unknown): Promise<void> {
    const parsed = WorkerRequestSchema.safeParse(raw);
    if (!parsed.success) {
      const id = (raw as { id?: unknown } | null)?.id;
      if (typeof id === 'number') {
        reply(port, id, {
          code: 'invalid_request',
          message: `The sync worker did not understand this request (${parsed.error.issues[0]?.message ?? 'bad shape'}). Reload the window.`,
        });
      }
      return;
    }
    const request = parsed.data;
    try {
      reply(port, request.id, undefined, await this.handle(port, request));
    } catch (err) {
      reply(port, request.id, problemOf(err));
    }
  }

  private async handle(port: SyncPort, request: WorkerRequest): Promise<unknown> {
    if (request.kind === 'start') return this.start(port, request.session);
    const session = this.attached.get(port);
    if (!session) {
      throw new SyncHostError('not_started', 'Sync has not started in this window yet: sign in first.');
    }
    const { engine } = session;
    switch (request.kind) {
      case 'enqueue': {
        const op = await engine.enqueue(
          request.type,
          request.payload as OpPayload<typeof request.type>,
          request.baseVersion,
        );
        return { opId: op.opId, seq: op.seq };
      }
      case 'issue':
        if (request.action === 'retry') await engine.retryIssue(request.issueId);
        else if (request.action === 'discard') await engine.discardIssue(request.issueId);
        else if (request.action === 'draft') await engine.issueToDraft(request.issueId);
        else if (request.action === 'keep_mine') await engine.keepMineIssue(request.issueId);
        else {
          if (!request.conversationId)
            throw new SyncHostError('invalid_request', 'Pick the conversation to send it to.');
          await engine.forwardIssue(request.issueId, request.conversationId);
        }
        return null;
      case 'nudge':
        engine.nudge();
        return null;
      case 'token':
        session.token = request.token;
        session.needsToken = null;
        engine.nudge();
        await this.publish(session);
        return null;
      case 'view':
        session.views.set(port, {
          viewing: { conversationId: request.conversationId, typing: request.typing },
          changed: ++this.viewChanges,
        });
        await engine.view(combinedView(session));
        return null;
      case 'stop':
        await this.detach(port);
        return null;
    }
  }

  private async start(port: SyncPort, spec: SyncSession): Promise<{ clientId: string }> {
    const name = syncDbName(spec.serverUrl, spec.agentId);
    const current = this.attached.get(port);
    if (current && current.name !== name) await this.detach(port);
    let opening = this.sessions.get(name);
    if (!opening) {
      opening = this.open(name, spec);
      this.sessions.set(name, opening);
      // A database that would not open is forgotten, so the next start tries again.
      opening.catch(() => this.sessions.delete(name));
    }
    const session = await opening;
    session.ports.add(port);
    this.attached.set(port, session);
    if (session.token !== spec.token) {
      // The window holds a newer sign-in than the one the engine started with.
      session.token = spec.token;
      if (session.needsToken) {
        session.needsToken = null;
        session.engine.nudge();
      }
    }
    await this.publish(session, [port]);
    return { clientId: session.engine.clientId };
  }

  private async open(name: string, spec: SyncSession): Promise<Session> {
    const db = this.deps.openDb(name);
    try {
      await db.open();
    } catch (err) {
      db.close();
      throw err;
    }
    const session = {
      name,
      ports: new Set(),
      views: new Map(),
      token: spec.token,
      db,
      needsToken: null,
    } as unknown as Session;
    const locks = this.deps.locks;
    session.engine = await SyncEngine.open({
      ...this.deps.engine,
      db,
      agentId: spec.agentId,
      ...(locks ? { senderLock: (fn) => locks.request(`switchboard-sender:${name}`, fn) } : {}),
      connect: (clientId) => {
        const socket = this.deps.connect(spec.serverUrl, (cb) => cb({ token: session.token, clientId }));
        socket.on('connect_error', (err: Error & { data?: { code?: unknown } }) => {
          const code = err.data?.code;
          if (code === 'token_expired' || code === 'unauthorized') this.askForToken(session, code);
        });
        // The server ends a socket whose token expired; socket.io does not reconnect on its own then.
        socket.on('disconnect', (reason) => {
          if (reason === 'io server disconnect') this.askForToken(session, 'token_expired');
        });
        session.socket = socket;
        return socket;
      },
    });
    const offEngine = session.engine.subscribe((status) => void this.publish(session, session.ports, status));
    // Another window's engine (dedicated workers, one per window) may drain this outbox: its
    // writes reach this worker through Dexie's cross-context notifications, not through our engine.
    const live = liveQuery(() => session.engine.status()).subscribe({
      next: (status) => void this.publish(session, session.ports, status),
      error: () => undefined,
    });
    // Every window of the session hears it; each keeps only the conversation it shows.
    const offCollision = session.engine.onCollision((collision) => {
      for (const port of session.ports) port.postMessage({ kind: 'collision', collision });
    });
    session.stopListening = () => {
      offEngine();
      offCollision();
      live.unsubscribe();
    };
    return session;
  }

  private askForToken(session: Session, reason: 'token_expired' | 'unauthorized'): void {
    session.needsToken = reason;
    for (const port of session.ports) port.postMessage({ kind: 'token_needed', reason });
    void this.publish(session);
  }

  private async detach(port: SyncPort): Promise<void> {
    const session = this.attached.get(port);
    if (!session) return;
    this.attached.delete(port);
    session.ports.delete(port);
    if (session.views.delete(port) && session.ports.size > 0) {
      await session.engine.view(combinedView(session)).catch(() => undefined);
    }
    if (session.ports.size > 0) return;
    // The last window of this agent let go (sign-out): close; the data and the outbox stay.
    this.sessions.delete(session.name);
    session.stopListening();
    await session.engine.close();
    session.db.close();
  }

  /** Sends the status (as just read by its caller, or read now) to the session's windows. */
  private async publish(session: Session, to: Iterable<SyncPort> = session.ports, known?: SyncStatus): Promise<void> {
    const ports = [...to];
    if (ports.length === 0) return;
    let status: SyncStatus;
    try {
      status = known ?? (await session.engine.status());
    } catch {
      return; // the database closed under us (sign-out); nobody is left to tell
    }
    const storage = await this.storage();
    const message: WorkerStatus = {
      ...status,
      needsToken: session.needsToken !== null,
      storage,
      problem: nearlyFull(storage),
    };
    for (const port of ports) port.postMessage({ kind: 'status', status: message });
  }

  private refreshAll(): void {
    for (const opening of this.sessions.values()) {
      void opening.then((session) => this.publish(session)).catch(() => undefined);
    }
  }

  /** The browser's storage figures, read at most every 30 s. */
  private async storage(): Promise<StorageState> {
    const api = this.deps.storage;
    const now = Date.now();
    if (!api || now - this.storageCheckedAt < 30_000) return this.storageState;
    this.storageCheckedAt = now;
    const [estimate, persisted] = await Promise.all([
      api.estimate?.().catch(() => undefined),
      api.persisted?.().catch(() => undefined),
    ]);
    this.storageState = {
      persisted: persisted ?? null,
      usage: estimate?.usage ?? null,
      quota: estimate?.quota ?? null,
    };
    return this.storageState;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all([...this.attached.keys()].map((port) => this.detach(port)));
  }
}

export class SyncHostError extends Error {
  constructor(
    readonly code: SyncErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The server sees one socket per engine, so the windows' views are combined into one: the most
 * recently changed view of a window that shows a conversation (the one the agent is working in),
 * and none only when no window shows one. A window closing or showing nothing does not blank the
 * warning of another window still on a conversation. Windows on other conversations get no
 * warning meanwhile: presence is a hint, and one socket views at most one conversation.
 */
function combinedView(session: Session): Viewing {
  let newest: { viewing: Viewing; changed: number } | undefined;
  for (const view of session.views.values()) {
    if (view.viewing.conversationId !== null && (!newest || view.changed > newest.changed)) newest = view;
  }
  return newest?.viewing ?? { conversationId: null, typing: false };
}

function reply(port: SyncPort, id: number, problem: SyncProblem | undefined, value?: unknown): void {
  port.postMessage(problem ? { kind: 'reply', id, ok: false, error: problem } : { kind: 'reply', id, ok: true, value });
}

function nearlyFull(storage: StorageState): SyncProblem | null {
  if (storage.usage === null || !storage.quota || storage.usage / storage.quota < NEARLY_FULL) return null;
  const mb = (n: number) => `${Math.round(n / 1_048_576)} MB`;
  return {
    code: 'storage_full',
    message: `Offline storage is nearly full (${mb(storage.usage)} of ${mb(storage.quota)}). Free disk space on this computer so queued work can still be saved.`,
  };
}

/** Every failure becomes a code and a sentence that says what to do; the data is never touched. */
export function problemOf(err: unknown): SyncProblem {
  if (err instanceof SyncHostError) return { code: err.code, message: err.message };
  if (err instanceof ZodError) {
    return {
      code: 'invalid_request',
      message: `That action is not valid (${err.issues[0]?.path.join('.') || 'value'}: ${err.issues[0]?.message ?? 'invalid'}). Nothing was queued.`,
    };
  }
  const e = err as { name?: string; message?: string; inner?: { name?: string } } | null;
  const names = [e?.name, e?.inner?.name];
  if (names.includes('QuotaExceededError')) {
    return {
      code: 'storage_full',
      message:
        'This computer has no room left for Switchboard’s offline data, so the action was not queued. Free some disk space, then try again; work queued before is kept.',
    };
  }
  if (names.includes('VersionError')) {
    return {
      code: 'newer_data',
      message:
        'The offline data on this computer was written by a newer version of Switchboard. Update the app to use it; nothing has been deleted.',
    };
  }
  if (names.some((n) => n && /DatabaseClosed|OpenFailed|InvalidState|Unknown|Abort/.test(n))) {
    return {
      code: 'storage_unavailable',
      message: `Switchboard cannot use its offline storage (${e?.message ?? 'unknown error'}). Restart the app; if it happens again, ask IT to check the profile folder is writable and the disk is not full.`,
    };
  }
  return { code: 'failed', message: e?.message ?? String(err) };
}
