import { describe, expect, it } from 'vitest';
import type { Collision } from '../../shared/protocol';
import { SyncConnection, type WorkerPortLike } from './syncConnection';
import type { WorkerMessage, WorkerRequest } from './workerProtocol';

/** The worker's side of the port: answers every request, `start` only once started. */
class FakeWorker implements WorkerPortLike {
  readonly sent: WorkerRequest[] = [];
  started = false;
  private listener: ((event: MessageEvent) => void) | undefined;
  postMessage(request: WorkerRequest): void {
    this.sent.push(request);
    if (request.kind === 'start') this.started = true;
    const answer: WorkerMessage =
      request.kind !== 'start' && !this.started
        ? { kind: 'reply', id: request.id, ok: false, error: { code: 'not_started', message: 'sign in first' } }
        : { kind: 'reply', id: request.id, ok: true, value: request.kind === 'start' ? { clientId: 'c1' } : null };
    queueMicrotask(() => this.emit(answer));
  }
  addEventListener(_type: 'message', listener: (event: MessageEvent) => void): void {
    this.listener = listener;
  }
  emit(message: WorkerMessage): void {
    this.listener?.({ data: message } as MessageEvent);
  }
  views() {
    return this.sent.flatMap((r) =>
      r.kind === 'view' ? [{ conversationId: r.conversationId, typing: r.typing }] : [],
    );
  }
}

const lee = { agentId: 'lee', name: 'Lee', typing: true };

describe('collision presence in a window', () => {
  it('hears only about the conversation it shows, and clears the one it leaves', async () => {
    const worker = new FakeWorker();
    const connection = new SyncConnection(worker);
    await connection.start({ serverUrl: 'https://switchboard.test', token: 't', agentId: 'dana' });
    const heard: Collision[] = [];
    connection.onCollision((c) => heard.push(c));

    await connection.view('c1', false);
    worker.emit({ kind: 'collision', collision: { conversationId: 'c2', others: [lee] } });
    worker.emit({ kind: 'collision', collision: { conversationId: 'c1', others: [lee] } });
    await connection.view('c1', true);
    await connection.view('c3', false);
    expect(heard).toEqual([
      { conversationId: 'c1', others: [lee] },
      { conversationId: 'c1', others: [] },
    ]);
    expect(worker.views()).toEqual([
      { conversationId: 'c1', typing: false },
      { conversationId: 'c1', typing: true },
      { conversationId: 'c3', typing: false },
    ]);
  });

  it('never fails the caller: a view before sign-in is kept and sent once sync starts', async () => {
    const worker = new FakeWorker();
    const connection = new SyncConnection(worker);
    await expect(connection.view('c1', true)).resolves.toBeUndefined();
    await connection.start({ serverUrl: 'https://switchboard.test', token: 't', agentId: 'dana' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(worker.views()).toEqual([
      { conversationId: 'c1', typing: true },
      { conversationId: 'c1', typing: true },
    ]);
  });

  it('unsubscribes', async () => {
    const worker = new FakeWorker();
    const connection = new SyncConnection(worker);
    await connection.start({ serverUrl: 'https://switchboard.test', token: 't', agentId: 'dana' });
    const heard: Collision[] = [];
    const off = connection.onCollision((c) => heard.push(c));
    await connection.view('c1', false);
    off();
    worker.emit({ kind: 'collision', collision: { conversationId: 'c1', others: [lee] } });
    expect(heard).toEqual([]);
  });
});
