import Dexie from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { io } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SyncDb, syncDbName } from '../../renderer/sync/db';
import { SyncConnection, SyncRequestError, type WorkerPortLike } from '../../renderer/sync/syncConnection';
import { SyncHost, problemOf, type SyncHostDeps, type SyncPort } from '../../renderer/sync/syncHost';
import type { WorkerStatus } from '../../renderer/sync/workerProtocol';
import { CollisionSchema, type Collision } from '../../shared/protocol';
import { startTestServer, type TestServer } from '../../server/testing/testServer';
import { FaultProxy } from './faultProxy';

/**
 * The sync worker's host (renderer/sync/syncHost.ts) with windows talking to it over real
 * MessageChannels (structured clone, like a SharedWorker's ports), against the real backend.
 */
describe('sync worker host', { timeout: 30_000 }, () => {
  let t: TestServer;
  const cleanups: (() => Promise<void> | void)[] = [];
  // PGlite's first start compiles its WebAssembly: well over 10 s on a loaded machine.
  beforeAll(async () => {
    t = await startTestServer('pglite');
  }, 60_000);
  afterAll(() => t.close());
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  const idb = new IDBFactory();
  const makeHost = (overrides: Partial<SyncHostDeps> = {}) => {
    const host = new SyncHost({
      openDb: (name) => new SyncDb(name, { indexedDB: idb, IDBKeyRange }),
      connect: (url, auth) =>
        io(url, { auth, transports: ['websocket'], forceNew: true, reconnectionDelay: 50, reconnectionDelayMax: 200 }),
      engine: { ackTimeoutMs: 2000, backoffBaseMs: 50, backoffMaxMs: 300 },
      statusEveryMs: 200,
      ...overrides,
    });
    cleanups.push(() => host.close());
    return host;
  };

  /** A window: a MessageChannel whose far end the host serves. */
  const openWindow = (host: SyncHost) => {
    const { port1, port2 } = new MessageChannel();
    const hostPort = port1 as MessagePort & SyncPort;
    port1.on('message', (data: unknown) => void host.receive(hostPort, data));
    const connection = new SyncConnection(port2 as unknown as WorkerPortLike);
    cleanups.push(() => {
      port1.close();
      port2.close();
    });
    return connection;
  };

  const statusWhere = (connection: SyncConnection, test: (s: WorkerStatus) => boolean) =>
    new Promise<WorkerStatus>((resolve) => {
      let done = false;
      const off = connection.onStatus((s) => {
        if (done || !test(s)) return;
        done = true;
        resolve(s);
        queueMicrotask(() => off());
      });
    });

  it('two windows share one engine: one client id, unique gapless seqs, every op applied once, status to both', async () => {
    await t.addAgent({ id: 'ann', skills: { social: 3 } });
    const token = await t.signIn('ann');
    const host = makeHost();
    const a = openWindow(host);
    const b = openWindow(host);
    const session = { serverUrl: t.url, token, agentId: 'ann' };
    const [ida, idb2] = await Promise.all([a.start(session), b.start(session)]);
    expect(ida.clientId).toBe(idb2.clientId);

    const queued = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? a : b).enqueue('presence.set', { presence: i % 3 ? 'available' : 'away' }),
      ),
    );
    expect(queued.map((q) => q.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));

    const drained = (s: WorkerStatus) => s.pending === 0 && s.connection === 'online';
    await Promise.all([statusWhere(a, drained), statusWhere(b, drained)]);
    const { rows } = await t.db.query<{ n: number; max: number }>(
      'select count(*)::int as n, max(seq)::int as max from op_results where client_id = $1',
      [ida.clientId],
    );
    expect(rows[0]).toEqual({ n: 20, max: 20 });
  });

  it('a refused token asks the window for a new one; the fresh token connects and the queue drains', async () => {
    await t.addAgent({ id: 'bo', skills: { social: 3 } });
    const host = makeHost();
    const w = openWindow(host);
    const asked: string[] = [];
    w.onTokenNeeded((reason) => asked.push(reason));
    await w.start({ serverUrl: t.url, token: 'not-a-token', agentId: 'bo' });
    await w.enqueue('presence.set', { presence: 'away' });
    const stuck = await statusWhere(w, (s) => s.needsToken && s.pending === 1);
    expect(stuck).toMatchObject({ connection: 'offline', pending: 1 });
    expect(asked).toContain('unauthorized');

    await w.setToken(await t.signIn('bo'));
    await statusWhere(w, (s) => !s.needsToken && s.pending === 0 && s.connection === 'online');
    const { rows } = await t.db.query<{ presence: string }>("select presence from agents where id = 'bo'");
    expect(rows[0]!.presence).toBe('away');
  });

  it('bad requests are answered with a code and a sentence; nothing is queued and the host keeps serving', async () => {
    await t.addAgent({ id: 'cy', skills: { social: 3 } });
    const host = makeHost();
    const w = openWindow(host);
    await expect(w.enqueue('presence.set', { presence: 'away' })).rejects.toMatchObject({ code: 'not_started' });
    await w.start({ serverUrl: t.url, token: await t.signIn('cy'), agentId: 'cy' });
    const bad = await w.enqueue('presence.set', { presence: 'sleeping' } as never).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(SyncRequestError);
    expect(bad).toMatchObject({ code: 'invalid_request' });
    expect((bad as Error).message).toContain('Nothing was queued');
    await expect(w.issue('discard', 'no-such-issue')).rejects.toThrow('already closed');

    const db = new SyncDb(syncDbName(t.url, 'cy'), { indexedDB: idb, IDBKeyRange });
    cleanups.push(() => db.close());
    expect(await db.outbox.count()).toBe(0);
    expect(await w.enqueue('presence.set', { presence: 'busy' })).toMatchObject({ seq: 1 });
  });

  it('storage that will not open says what to do, and the next start tries again', async () => {
    await t.addAgent({ id: 'di', skills: { social: 3 } });
    let failures = 1;
    const host = makeHost({
      openDb: (name) => {
        const db = new SyncDb(name, { indexedDB: idb, IDBKeyRange });
        if (failures-- > 0) {
          db.open = () =>
            Dexie.Promise.reject(Object.assign(new Error('version 1 is lower than 2'), { name: 'VersionError' }));
        }
        return db;
      },
    });
    const w = openWindow(host);
    const session = { serverUrl: t.url, token: await t.signIn('di'), agentId: 'di' };
    const refused = await w.start(session).catch((e: unknown) => e as SyncRequestError);
    expect(refused).toMatchObject({ code: 'newer_data' });
    expect((refused as Error).message).toContain('Update the app');
    expect((await w.start(session)).clientId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('the last window to stop closes the engine; the queue stays on disk and drains on the next start', async () => {
    await t.addAgent({ id: 'ed', skills: { social: 3 } });
    const proxy = await FaultProxy.start({ host: '127.0.0.1', port: Number(new URL(t.url).port) });
    cleanups.push(() => proxy.close());
    proxy.refuse(true); // the server cannot be reached
    const session = { serverUrl: proxy.url, token: await t.signIn('ed'), agentId: 'ed' };
    const host = makeHost();
    const w = openWindow(host);
    await w.start(session);
    await w.enqueue('presence.set', { presence: 'after_call_work' });
    await w.stop();
    await expect(w.nudge()).rejects.toMatchObject({ code: 'not_started' });
    const db = new SyncDb(syncDbName(session.serverUrl, 'ed'), { indexedDB: idb, IDBKeyRange });
    cleanups.push(() => db.close());
    expect(await db.outbox.count()).toBe(1);

    // The window let go of its worker; the next start (a new window, a new sign-in) opens a new one.
    proxy.heal();
    const again = openWindow(host);
    await again.start(session);
    await statusWhere(again, (s) => s.pending === 0 && s.connection === 'online');
    const { rows } = await t.db.query<{ presence: string }>("select presence from agents where id = 'ed'");
    expect(rows[0]!.presence).toBe('after_call_work');
  });

  it('collision presence: a window’s view reaches the server, the other agent reaches that window, and the view survives a reconnect', async () => {
    await t.addAgent({ id: 'fay', name: 'Fay', skills: { email: 3 } });
    await t.addAgent({ id: 'lia', name: 'Lia', role: 'lead', team: 't1' });
    const proxy = await FaultProxy.start({ host: '127.0.0.1', port: Number(new URL(t.url).port) });
    cleanups.push(() => proxy.close());
    const host = makeHost();
    const a = openWindow(host);
    const b = openWindow(host);
    const session = { serverUrl: proxy.url, token: await t.signIn('fay'), agentId: 'fay' };
    await Promise.all([a.start(session), b.start(session)]);
    await a.enqueue('presence.set', { presence: 'available' });
    await statusWhere(a, (s) => s.pending === 0 && s.connection === 'online');
    await t.settle();
    // Email: only Fay has the skill, whoever else earlier tests left connected.
    const { body } = await t.ingest({
      channel: 'email',
      author: { kind: 'email', value: 'tess@example.com' },
      text: 'Where is my refund?',
    });
    const conversationId = body.conversationId as string;
    expect((await t.conversation(conversationId)).assigned_agent_id).toBe('fay');

    const lead = await t.connect('lia');
    const leadSees: Collision[] = [];
    lead.socket.on('collision', (c: unknown) => leadSees.push(CollisionSchema.parse(c)));
    const aSees: Collision[] = [];
    const bSees: Collision[] = [];
    a.onCollision((c) => aSees.push(c));
    b.onCollision((c) => bSees.push(c));
    const fay = (typing: boolean) => [{ agentId: 'fay', name: 'Fay', typing }];

    await a.view(conversationId, false);
    expect(await lead.socket.timeout(5000).emitWithAck('viewing', { conversationId, typing: true })).toEqual({
      ok: true,
    });
    await expect.poll(() => leadSees.at(-1)).toEqual({ conversationId, others: fay(false) });
    await expect
      .poll(() => aSees.at(-1))
      .toEqual({ conversationId, others: [{ agentId: 'lia', name: 'Lia', typing: true }] });
    await a.view(conversationId, true);
    await expect.poll(() => leadSees.at(-1)?.others).toEqual(fay(true));

    // A second window showing nothing does not take Fay off the thread the first one shows.
    await b.view(null, false);
    await a.view(conversationId, false);
    await expect.poll(() => leadSees.at(-1)?.others).toEqual(fay(false));
    expect(leadSees.map((c) => c.others.length)).toEqual([1, 1, 1]);
    expect(bSees).toEqual([]);

    // Offline: the warning clears on both ends; a view changed meanwhile is sent on reconnect.
    proxy.refuse(true);
    proxy.cut();
    await expect.poll(() => aSees.at(-1)).toEqual({ conversationId, others: [] });
    await expect.poll(() => leadSees.at(-1)).toEqual({ conversationId, others: [] });
    await a.view(conversationId, true);
    proxy.heal();
    await expect.poll(() => leadSees.at(-1)?.others, { timeout: 10_000 }).toEqual(fay(true));
    await expect.poll(() => aSees.at(-1)?.others).toEqual([{ agentId: 'lia', name: 'Lia', typing: true }]);

    // The window on the thread closes; the one left shows nothing, so the server hears nothing.
    await a.stop();
    await expect.poll(() => leadSees.at(-1)).toEqual({ conversationId, others: [] });
    expect(bSees).toEqual([]);
  });

  it('maps storage failures to what the user should do', () => {
    expect(problemOf(Object.assign(new Error('full'), { name: 'QuotaExceededError' })).code).toBe('storage_full');
    expect(problemOf({ name: 'AbortError', message: 'x', inner: { name: 'QuotaExceededError' } }).code).toBe(
      'storage_full',
    );
    const closed = problemOf(Object.assign(new Error('closed'), { name: 'DatabaseClosedError' }));
    expect(closed.code).toBe('storage_unavailable');
    expect(closed.message).toContain('Restart the app');
    expect(problemOf(new Error('boom'))).toEqual({ code: 'failed', message: 'boom' });
  });
});
