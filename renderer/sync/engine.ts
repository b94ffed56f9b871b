import type { Socket } from 'socket.io-client';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import {
  CollisionSchema,
  CustomerTypingSchema,
  OpResultSchema,
  OpSchema,
  PullResponseSchema,
  PushSchema,
  ViewingSchema,
  type Change,
  type Collision,
  type Op,
  type OpResult,
  type OpType,
  type Viewing,
} from '../../shared/protocol';
import { oneAtATime } from '../../shared/oneAtATime';
import type { MetaRow, OutboxRow, SyncDb, SyncIssueRow } from './db';
import { Mirror } from './mirror';

export type OpPayload<T extends OpType> = Extract<Op, { type: T }>['payload'];

export interface SyncStatus {
  connection: 'online' | 'offline' | 'syncing';
  /** Ops not yet known to be applied by the server. */
  pending: number;
  /** When the oldest of them was queued (ms since epoch), or null. */
  oldestPendingAt: number | null;
  /** When the client last heard the server's state in full (ms since epoch), or null. */
  lastSyncedAt: number | null;
  issues: number;
  /** The oldest pending op has waited longer than `stuckAfterMs`: the user is told (RELIABILITY 16). */
  stuck: boolean;
}

export interface SyncEngineOptions {
  db: SyncDb;
  agentId: string;
  /** Opens the sync socket for this client id (handshake `auth: { token, clientId }`). */
  connect: (clientId: string) => Socket;
  /** An op batch without an answer within this is "outcome unknown": resent as is. */
  ackTimeoutMs?: number;
  pullLimit?: number;
  maxBatchOps?: number;
  /** Backoff after a failed send: full jitter between 0 and min(max, base × 2^attempt). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** How long an op may stay pending before the status says the queue is stuck (default 5 min). */
  stuckAfterMs?: number;
  /** Serialises senders across windows (Web Locks); omitted where one engine owns the database. */
  senderLock?: <T>(fn: () => Promise<T>) => Promise<T>;
  now?: () => number;
  random?: () => number;
}

const ResultsSchema = z.array(OpResultSchema);
/** Batches stay well under 1 MB (DESIGN.md). */
const MAX_BATCH_BYTES = 256 * 1024;

/**
 * The client half of the sync protocol (DESIGN.md, RELIABILITY.md): commands write their effect
 * and an op in one transaction; one sender drains the outbox in seq order with acks and timeouts;
 * changes are applied by server seq with gap detection and pull by cursor.
 */
export class SyncEngine {
  readonly db: SyncDb;
  readonly clientId: string;
  private readonly mirror: Mirror;
  private readonly socket: Socket;
  private readonly o: Required<Omit<SyncEngineOptions, 'senderLock' | 'connect' | 'db' | 'agentId'>> &
    Pick<SyncEngineOptions, 'senderLock'>;
  private readonly step = oneAtATime();
  private sending = false;
  /** A kick came while a drain was running: it may have read the outbox before that op committed. */
  private kickAgain = false;
  private syncing = false;
  private failures = 0;
  /**
   * Ops in the next batch: halved after a batch without an answer, doubled back after one with, so
   * on a link that drops faster than the server gets through a full batch (flapping, RELIABILITY.md
   * 5) smaller batches still come back acknowledged instead of the same prefix being resent forever.
   */
  private batchLimit = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private pullTimer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private readonly listeners = new Set<(status: SyncStatus) => void>();
  /** Collision presence: what this device shows now, sent again after every reconnect. */
  private viewing: Viewing = { conversationId: null, typing: false };
  private readonly collisionListeners = new Set<(collision: Collision) => void>();
  /** What the server last said about the viewed conversation: other agents, the visitor typing. */
  private viewed: { others: Collision['others']; customerTyping: boolean } = { others: [], customerTyping: false };

  private constructor(options: SyncEngineOptions, clientId: string) {
    this.db = options.db;
    this.clientId = clientId;
    this.o = {
      ackTimeoutMs: options.ackTimeoutMs ?? 10_000,
      pullLimit: options.pullLimit ?? 1000,
      maxBatchOps: options.maxBatchOps ?? 200,
      backoffBaseMs: options.backoffBaseMs ?? 500,
      backoffMaxMs: options.backoffMaxMs ?? 30_000,
      stuckAfterMs: options.stuckAfterMs ?? 5 * 60_000,
      senderLock: options.senderLock,
      now: options.now ?? Date.now,
      random: options.random ?? Math.random,
    };
    this.mirror = new Mirror(this.db, { agentId: options.agentId });
    this.socket = options.connect(clientId);
    this.socket.on('connect', () => {
      this.failures = 0;
      void this.catchUp().then(() => this.kick());
      // The server forgot this socket's view with the old connection.
      if (this.viewing.conversationId !== null) void this.sendViewing();
      this.notify();
    });
    this.socket.on('disconnect', () => {
      // Offline, nobody can be seen: a warning kept on screen would be a guess.
      this.viewed = { others: [], customerTyping: false };
      if (this.viewing.conversationId !== null) this.emitCollision(this.viewing.conversationId, []);
      this.notify();
    });
    this.socket.on('collision', (raw: unknown) => {
      const parsed = CollisionSchema.safeParse(raw);
      // One that crossed a newer view on the wire is about a conversation no longer shown.
      if (parsed.success && parsed.data.conversationId === this.viewing.conversationId) {
        this.viewed = { ...this.viewed, others: parsed.data.others };
        this.emitCollision(parsed.data.conversationId, parsed.data.others);
      }
    });
    // A web chat visitor typing: shown where the agents' collision presence is, in the same view.
    this.socket.on('customer_typing', (raw: unknown) => {
      const parsed = CustomerTypingSchema.safeParse(raw);
      if (parsed.success && parsed.data.conversationId === this.viewing.conversationId) {
        this.viewed = { ...this.viewed, customerTyping: parsed.data.typing };
        this.emitCollision(parsed.data.conversationId, this.viewed.others);
      }
    });
    // A push that cannot be applied now (a pull timed out, the database is closing) is not lost:
    // the next connect or pull starts from the cursor, which only moves with what was applied.
    this.socket.on('changes', (push: unknown) => void this.onPush(push).catch(() => this.schedulePull()));
  }

  /** Opens (or creates) the client's identity in the database, then connects. */
  static async open(options: SyncEngineOptions): Promise<SyncEngine> {
    const clientId = await options.db.transaction('rw', options.db.meta, async () => {
      const existing = await options.db.meta.get('clientId');
      if (existing) return String(existing.value);
      const id = crypto.randomUUID();
      await options.db.meta.bulkPut([
        { key: 'clientId', value: id },
        { key: 'nextSeq', value: 1 },
        { key: 'cursor', value: 0 },
      ]);
      return id;
    });
    return new SyncEngine(options, clientId);
  }

  // --- Commands (the UI's only way to write) ---

  /**
   * Writes the op's optimistic effect and the op in one transaction, then wakes the sender. When
   * this resolves the op is durable; it reaches the server exactly once or comes back as an issue.
   */
  async enqueue<T extends OpType>(type: T, payload: OpPayload<T>, baseVersion?: number): Promise<Op> {
    // Checked before the transaction, so an invalid command never opens one; the seq is set inside.
    const op = OpSchema.parse({
      opId: uuidv7(),
      clientId: this.clientId,
      seq: 1,
      type,
      payload,
      createdAt: new Date(this.o.now()).toISOString(),
      ...(baseVersion === undefined ? {} : { baseVersion }),
    });
    await this.db.transaction('rw', [...this.mirror.tablesFor(op), this.db.meta], async () => {
      op.seq = Number((await this.db.meta.get('nextSeq'))?.value ?? 1);
      const keyIds = await this.mirror.applyOp(op);
      await this.db.outbox.add({
        seq: op.seq,
        opId: op.opId,
        op,
        keyIds,
        state: 'pending',
        attempts: 0,
        enqueuedAt: this.o.now(),
      });
      await this.db.meta.put({ key: 'nextSeq', value: op.seq + 1 });
    });
    this.notify();
    this.kick();
    return op;
  }

  // --- Collision presence: ephemeral, never an op nor in the outbox ---

  /**
   * Tells the server which conversation this device shows and whether the agent types in it.
   * Only the newest view matters, so offline it is kept (not queued) and sent once connected.
   * Resolves when the server answered, or at once offline; a refusal or a lost answer is not an
   * error: the warning is a hint, and the next reconnect sends the view again.
   */
  async view(viewing: Viewing): Promise<void> {
    const next = ViewingSchema.parse(viewing);
    const previous = this.viewing;
    if (previous.conversationId === next.conversationId && previous.typing === next.typing) return;
    this.viewing = next;
    if (previous.conversationId !== next.conversationId) this.viewed = { others: [], customerTyping: false };
    // The windows still showing the conversation left behind must not keep a warning about it.
    if (previous.conversationId !== null && previous.conversationId !== next.conversationId) {
      this.emitCollision(previous.conversationId, []);
    }
    if (this.socket.connected) await this.sendViewing();
  }

  onCollision(listener: (collision: Collision) => void): () => void {
    this.collisionListeners.add(listener);
    return () => this.collisionListeners.delete(listener);
  }

  private async sendViewing(): Promise<void> {
    try {
      await this.socket.timeout(this.o.ackTimeoutMs).emitWithAck('viewing', this.viewing);
    } catch {
      // No answer in time: the link is going down, and the reconnect sends the view again.
    }
  }

  private emitCollision(conversationId: string, others: Collision['others']): void {
    const customerTyping = conversationId === this.viewing.conversationId && this.viewed.customerTyping;
    const collision = { conversationId, others, ...(customerTyping ? { customerTyping } : {}) };
    this.collisionListeners.forEach((l) => l(collision));
  }

  // --- Sync issues and their recovery actions ---

  /** Sends the refused op again as a new op (new id and seq), and closes the issue. */
  async retryIssue(id: string): Promise<void> {
    const issue = await this.takeIssue(id);
    await this.enqueue(issue.op.type, issue.op.payload, issue.op.baseVersion);
  }

  /**
   * A review another lead changed first: this lead keeps their version. It is sent again on top of
   * the version the mirror now holds (theirs), so it replaces it knowingly, exactly once.
   */
  async keepMineIssue(id: string): Promise<void> {
    const issue = await this.db.syncIssues.get(id);
    const op = issue?.op;
    if (!op || (op.type !== 'review.save' && op.type !== 'review.submit') || issue.reason !== 'version_conflict')
      throw new Error('Only a review changed by someone else first can be kept as yours.');
    const theirs = await this.db.reviews.get(op.payload.reviewId);
    const version = typeof theirs?.version === 'number' ? theirs.version : undefined;
    await this.takeIssue(id);
    await this.enqueue(op.type, op.payload, version);
  }

  async discardIssue(id: string): Promise<void> {
    await this.takeIssue(id);
    this.notify();
  }

  /** A refused reply or note becomes a draft on its conversation, with the reason. */
  async issueToDraft(id: string): Promise<void> {
    await this.db.transaction('rw', this.db.syncIssues, this.db.drafts, async () => {
      const issue = await this.takeIssue(id);
      const op = issue.op;
      if (op.type !== 'conversation.reply' && op.type !== 'conversation.note')
        throw new Error('Only a reply or a note can become a draft.');
      await this.db.drafts.put({
        id: op.payload.messageId,
        conversationId: op.payload.conversationId,
        body: op.payload.body,
        visibility: op.type === 'conversation.reply' ? op.payload.visibility : 'private',
        reason: issue.reason,
        createdAt: this.o.now(),
      });
    });
    this.notify();
  }

  /** A refused reply is sent on another conversation (for example the customer's newer one). */
  async forwardIssue(id: string, conversationId: string): Promise<void> {
    const issue = await this.db.syncIssues.get(id);
    if (issue?.op.type !== 'conversation.reply') throw new Error('Only a reply can be forwarded.');
    const { body, visibility, templateId } = issue.op.payload;
    await this.enqueue('conversation.reply', {
      conversationId,
      messageId: crypto.randomUUID(),
      body,
      visibility,
      ...(templateId ? { templateId } : {}),
    });
    await this.takeIssue(id);
    this.notify();
  }

  private async takeIssue(id: string): Promise<SyncIssueRow> {
    return this.db.transaction('rw', this.db.syncIssues, async () => {
      const issue = await this.db.syncIssues.get(id);
      if (!issue) throw new Error('That sync issue is already closed.');
      await this.db.syncIssues.delete(id);
      return issue;
    });
  }

  // --- Status ---

  async status(): Promise<SyncStatus> {
    const [pending, oldest, lastSynced, issues] = await Promise.all([
      this.db.outbox.where('state').equals('pending').count(),
      // An index orders equal keys by primary key: this is the lowest pending seq.
      this.db.outbox.where('state').equals('pending').first(),
      this.db.meta.get('lastSyncedAt'),
      this.db.syncIssues.count(),
    ]);
    const oldestPendingAt = oldest?.enqueuedAt ?? null;
    return {
      connection: !this.socket.connected ? 'offline' : this.syncing || pending > 0 ? 'syncing' : 'online',
      pending,
      oldestPendingAt,
      lastSyncedAt: lastSynced ? Number(lastSynced.value) : null,
      issues,
      stuck: oldestPendingAt !== null && this.o.now() - oldestPendingAt > this.o.stuckAfterMs,
    };
  }

  subscribe(listener: (status: SyncStatus) => void): () => void {
    this.listeners.add(listener);
    void this.status()
      .then(listener)
      .catch(() => undefined);
    return () => this.listeners.delete(listener);
  }

  private notify(): void {
    if (this.listeners.size === 0 || this.closed) return;
    void this.status()
      .then((s) => this.listeners.forEach((l) => l(s)))
      .catch(() => undefined); // the database closed under us (sign-out, restart): nothing to show
  }

  /** The host says the network is back or the machine woke: retry now, not after the backoff. */
  nudge(): void {
    this.failures = 0;
    clearTimeout(this.retryTimer);
    if (!this.socket.connected) this.socket.connect();
    else this.kick();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.pullTimer);
    this.socket.disconnect();
    await this.settled();
  }

  /** Resolves once every queued inbound step has run (tests). */
  settled(): Promise<void> {
    return this.step.idle();
  }

  // --- Inbound: pushes and pulls, one step at a time ---

  private async cursor(): Promise<number> {
    return Number((await this.db.meta.get('cursor'))?.value ?? 0);
  }

  private async onPush(raw: unknown): Promise<void> {
    const parsed = PushSchema.safeParse(raw);
    if (!parsed.success) return;
    await this.step(async () => {
      const cursor = await this.cursor();
      const { changes, prev } = parsed.data;
      const fresh = changes.filter((c) => c.seq > cursor);
      if (fresh.length === 0) return; // already held (pulled first): ignored by seq
      // The push continues exactly where we are: apply it. Otherwise something was missed: pull.
      if (prev === cursor) await this.applyChanges(fresh, fresh.at(-1)!.seq, false);
      else await this.pullAll();
    });
  }

  /** On every (re)connect: everything missed, by cursor. */
  private catchUp(): Promise<void> {
    return this.step(() => this.pullAll()).catch(() => this.scheduleRetry());
  }

  private async pullAll(): Promise<void> {
    this.syncing = true;
    const ask = (cursor: number) => {
      const answer = this.socket
        .timeout(this.o.ackTimeoutMs)
        .emitWithAck('pull', { cursor, limit: this.o.pullLimit })
        .then((raw: unknown) => PullResponseSchema.parse(raw));
      answer.catch(() => undefined); // awaited below, or dropped when applying the page before failed
      return answer;
    };
    try {
      let next = ask(await this.cursor());
      for (;;) {
        const answer = await next;
        if ('reset_required' in answer) {
          await this.db.transaction('rw', [...this.mirror.tables, this.db.meta], async () => {
            await this.mirror.reset();
            await this.db.meta.put({ key: 'cursor', value: 0 });
          });
          next = ask(0);
          continue;
        }
        // The next page is asked for before this one is applied, so the server's time and ours
        // overlap (B2: a catch-up after a long offline spell is many pages).
        if (answer.more) next = ask(answer.cursor);
        await this.applyChanges(answer.changes, answer.cursor, !answer.more);
        if (!answer.more) break;
      }
    } finally {
      this.syncing = false;
      this.notify();
    }
  }

  /** Applies changes in seq order and moves the cursor; ops whose effect arrived leave the outbox. */
  private async applyChanges(changes: readonly Change[], cursor: number, complete: boolean): Promise<void> {
    await this.db.transaction('rw', [...this.mirror.tables, this.db.meta], async () => {
      const current = await this.cursor();
      await this.mirror.applyChanges(changes.filter((change) => change.seq > current));
      const next = Math.max(current, cursor);
      const meta: MetaRow[] = [{ key: 'cursor', value: next }];
      if (complete) meta.push({ key: 'lastSyncedAt', value: this.o.now() });
      await this.db.meta.bulkPut(meta);
      const arrived = await this.db.outbox
        .where('state')
        .equals('applied')
        .filter((row) => (row.serverSeq ?? 0) <= next)
        .toArray();
      await this.finish(arrived);
    });
    this.notify();
  }

  /** Ops done with (applied and arrived, or rejected): out of the outbox, their rows rebuilt. */
  private async finish(rows: readonly OutboxRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db.outbox.bulkDelete(rows.map((r) => r.seq));
    await this.mirror.rebuild([...new Set(rows.flatMap((r) => r.keyIds))]);
  }

  // --- Outbound: one sender, one batch in flight ---

  private kick(): void {
    if (this.closed || !this.socket.connected) return;
    if (this.sending) {
      // Not lost: an op committed after the drain's last read would otherwise wait for the next kick.
      this.kickAgain = true;
      return;
    }
    this.sending = true;
    const run = () => {
      this.kickAgain = false;
      return this.drain();
    };
    void (this.o.senderLock ? this.o.senderLock(run) : run())
      .catch(() => this.scheduleRetry())
      .finally(() => {
        this.sending = false;
        if (this.kickAgain) {
          this.kickAgain = false;
          this.kick();
        }
      });
  }

  private async drain(): Promise<void> {
    while (!this.closed && this.socket.connected) {
      const batch = await this.nextBatch();
      if (batch.length === 0) return;
      let results: OpResult[];
      try {
        const answer: unknown = await this.socket.timeout(this.o.ackTimeoutMs).emitWithAck(
          'ops',
          batch.map((row) => row.op),
        );
        results = ResultsSchema.parse(answer);
      } catch (err) {
        // Timeout, a dropped link or an answer we cannot read: the outcome is unknown. The same
        // ops (same ids, same seqs) go again after a backoff; the server's dedupe makes that safe.
        await this.markAttempt(batch, err);
        this.batchLimit = Math.max(1, Math.floor(batch.length / 2));
        this.scheduleRetry();
        return;
      }
      if (this.batchLimit) this.batchLimit = Math.min(this.o.maxBatchOps, this.batchLimit * 2);
      const progressed = await this.step(() => this.handleResults(batch, results));
      if (!progressed) {
        this.scheduleRetry();
        return;
      }
      this.failures = 0;
    }
  }

  private async nextBatch(): Promise<OutboxRow[]> {
    const limit = this.batchLimit || this.o.maxBatchOps;
    const rows = await this.db.outbox.where('state').equals('pending').limit(limit).sortBy('seq');
    const batch: OutboxRow[] = [];
    let bytes = 0;
    for (const row of rows) {
      bytes += JSON.stringify(row.op).length;
      if (batch.length > 0 && bytes > MAX_BATCH_BYTES) break;
      batch.push(row);
    }
    return batch;
  }

  private async markAttempt(batch: readonly OutboxRow[], err: unknown): Promise<void> {
    const message = err instanceof Error ? err.message : String(err);
    await this.db.outbox.bulkUpdate(
      batch.map((row) => ({ key: row.seq, changes: { attempts: row.attempts + 1, lastError: message } })),
    );
    this.notify();
  }

  /** Returns whether every op of the batch got a final answer. */
  private async handleResults(batch: readonly OutboxRow[], results: readonly OpResult[]): Promise<boolean> {
    const byOp = new Map(results.map((r) => [r.opId, r]));
    let complete = true;
    await this.db.transaction('rw', [...this.mirror.tables, this.db.meta, this.db.syncIssues], async () => {
      const cursor = await this.cursor();
      const done: OutboxRow[] = [];
      for (const row of batch) {
        const result = byOp.get(row.opId);
        // Left out: the server hit an infrastructure error here; this op and the rest stay pending.
        if (!result || result.status === 'out_of_order') {
          complete = false;
          break;
        }
        const final = result.status === 'already_processed' ? (result.original ?? { status: 'applied' }) : result;
        if (final.status === 'applied') {
          if (final.seq === undefined || final.seq <= cursor) done.push(row);
          else await this.db.outbox.update(row.seq, { state: 'applied', serverSeq: final.seq });
        } else {
          done.push(row);
          await this.db.syncIssues.put({
            id: row.opId,
            op: row.op,
            reason: final.reason ?? 'unknown',
            ...(final.detail ? { detail: final.detail } : {}),
            createdAt: this.o.now(),
          });
        }
      }
      await this.finish(done);
    });
    this.notify();
    // Applied ops wait for their change; if it is not pushed to us soon, a pull brings the cursor.
    if (await this.db.outbox.where('state').equals('applied').count()) this.schedulePull();
    return complete;
  }

  private scheduleRetry(): void {
    if (this.closed) return;
    // The retry sends whatever is pending then; an earlier send must not skip the backoff.
    this.kickAgain = false;
    clearTimeout(this.retryTimer);
    const ceiling = Math.min(this.o.backoffMaxMs, this.o.backoffBaseMs * 2 ** this.failures);
    this.failures = Math.min(this.failures + 1, 20);
    this.retryTimer = setTimeout(() => this.kick(), this.o.random() * ceiling);
  }

  private schedulePull(): void {
    if (this.closed || this.pullTimer) return;
    this.pullTimer = setTimeout(() => {
      this.pullTimer = undefined;
      if (this.socket.connected) void this.step(() => this.pullAll()).catch(() => this.schedulePull());
    }, 250);
  }
}
