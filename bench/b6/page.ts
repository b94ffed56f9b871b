/**
 * The B6 page, bundled by bench/b6-enqueue-chromium.ts: the renderer's SyncDb and SyncEngine on
 * Chromium's real IndexedDB, with a socket that never connects (the ops stay queued, as offline),
 * and a plain IndexedDB database for the raw primitive.
 */
import { io } from 'socket.io-client';
import { SyncDb } from '../../renderer/sync/db';
import { SyncEngine } from '../../renderer/sync/engine';
import { B6_WINDOW_KEY, type B6Api, type B6Setup } from './api';

const CONVERSATION_ID = 'c-b6-0001';
const BODY = 'Ground handling confirms the bag is in Frankfurt, next flight tomorrow 09:40; customer informed.';
const RAW_DB = 'switchboard:bench:b6:raw';
const RAW_STORE = 'rows';

let engine: SyncEngine | undefined;
let raw: IDBDatabase | undefined;
/** One outbox row as the engine writes it: the raw primitive puts rows of the same shape and size. */
let template: Record<string, unknown> | undefined;
let rawSeq = 0;

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

async function deleteDatabase(name: string): Promise<void> {
  await request(indexedDB.deleteDatabase(name) as IDBRequest<unknown>);
}

async function openRaw(): Promise<IDBDatabase> {
  const open = indexedDB.open(RAW_DB, 1);
  open.onupgradeneeded = () => open.result.createObjectStore(RAW_STORE, { keyPath: 'seq' });
  return request(open);
}

const api: B6Api = {
  async setup(): Promise<B6Setup> {
    const name = `switchboard:bench:b6:${crypto.randomUUID()}`;
    await deleteDatabase(RAW_DB);
    const db = new SyncDb(name);
    engine = await SyncEngine.open({
      db,
      agentId: 'ann',
      connect: (clientId) => io('http://127.0.0.1:9', { autoConnect: false, auth: { token: 'offline', clientId } }),
    });
    // Her conversation is in the mirror, as it would be when she writes a note on it.
    await db.conversations.put({ id: CONVERSATION_ID, status: 'assigned', assignedAgentId: 'ann', channel: 'email' });
    await engine.enqueue('conversation.note', {
      conversationId: CONVERSATION_ID,
      messageId: crypto.randomUUID(),
      body: BODY,
    });
    template = (await db.outbox.orderBy('seq').first()) as unknown as Record<string, unknown>;
    raw = await openRaw();
    const rawRow = { ...template, seq: 0 };
    return {
      outboxRowBytes: JSON.stringify(template).length,
      rawRowBytes: JSON.stringify(rawRow).length,
      crossOriginIsolated: self.crossOriginIsolated,
      userAgent: navigator.userAgent,
    };
  },

  async runEnqueue(n) {
    if (!engine) throw new Error('call setup() first');
    const times: number[] = [];
    for (let i = 0; i < n; i += 1) {
      const payload = { conversationId: CONVERSATION_ID, messageId: crypto.randomUUID(), body: BODY };
      const started = performance.now();
      await engine.enqueue('conversation.note', payload);
      times.push(performance.now() - started);
    }
    return times;
  },

  async runRawPut(n) {
    if (!raw || !template) throw new Error('call setup() first');
    const db = raw;
    const times: number[] = [];
    for (let i = 0; i < n; i += 1) {
      // A row like the engine's outbox row (new ids, same sizes), built outside the timed span.
      const row = { ...template, seq: ++rawSeq, opId: crypto.randomUUID() };
      const started = performance.now();
      await new Promise<void>((resolve, reject) => {
        const tx = db.transaction(RAW_STORE, 'readwrite', { durability: 'strict' });
        tx.objectStore(RAW_STORE).put(row);
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error ?? new Error('raw put failed'));
        tx.onabort = () => reject(tx.error ?? new Error('raw put aborted'));
      });
      times.push(performance.now() - started);
    }
    return times;
  },
};

(window as unknown as Record<string, B6Api>)[B6_WINDOW_KEY] = api;
