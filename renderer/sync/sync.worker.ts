import { io } from 'socket.io-client';
import { SyncDb } from './db';
import { SyncHost, type SyncPort } from './syncHost';

/**
 * The sync worker's entry. As a SharedWorker it serves every window of the app through their
 * ports; as a dedicated worker (no SharedWorker in this browser) it serves its own window, and
 * Web Locks keep one sender per database across windows.
 */
const host = new SyncHost({
  openDb: (name) => new SyncDb(name),
  // Default transports (long-polling, then upgrade): it passes proxies that refuse WebSocket.
  connect: (serverUrl, auth) => io(serverUrl, { auth, reconnectionDelay: 500, reconnectionDelayMax: 15_000 }),
  ...(typeof navigator !== 'undefined' && 'locks' in navigator
    ? { locks: { request: (name, callback) => navigator.locks.request(name, () => callback()) } }
    : {}),
  ...(typeof navigator !== 'undefined' && 'storage' in navigator ? { storage: navigator.storage } : {}),
});

interface Listener {
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  start?(): void;
}

function serve(port: SyncPort & Listener): void {
  port.addEventListener('message', (event) => void host.receive(port, event.data));
  port.start?.();
}

const scope = globalThis as unknown as SyncPort & Listener & { onconnect?: (event: MessageEvent) => void };
if ('onconnect' in scope) scope.onconnect = (event) => event.ports.forEach((port) => serve(port));
else serve(scope);
