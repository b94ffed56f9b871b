/**
 * B7's raw primitive for the server's memory: a bare Node process with a socket.io server on
 * node:http and nothing else (no database, no routing, no HTTP framework). It answers `pull` with
 * an empty page and `ops` with nothing applied, so the clients can do what they do with the real
 * backend. Started by bench/b7-memory.ts the same way as the backend (`node --import tsx`), so the
 * loader's share of memory is the same in both; prints `listening <port>` when ready.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';

const server = http.createServer((_req, res) => res.writeHead(404).end());
const io = new Server(server, { maxHttpBufferSize: 1024 * 1024, pingInterval: 10_000, pingTimeout: 10_000 });
io.on('connection', (socket) => {
  socket.on('pull', (_request: unknown, ack: unknown) => {
    if (typeof ack === 'function') (ack as (answer: unknown) => void)({ changes: [], cursor: 0, more: false });
  });
  socket.on('ops', (batch: unknown, ack: unknown) => {
    if (typeof ack === 'function')
      (ack as (answer: unknown) => void)(Array.isArray(batch) ? batch.map(() => ({ status: 'applied' })) : []);
  });
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`listening ${(server.address() as AddressInfo).port}`);
});
const stop = () => void io.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
