import { Server } from 'socket.io';
import { io as connectClient, type Socket as ClientSocket } from 'socket.io-client';
import type { Viewer } from '../../sync/audience';
import { startChannelTestApp, type ChannelTestApp } from '../channelTestKit';
import type { ChannelSender } from '../types';
import { attachChatChannel } from './index';
import type { VisitorLimits } from './visitorSockets';

/**
 * Test support until the backend wires web chat: fastify + socket.io on loopback over a fresh
 * PGlite, the chat channel attached, the real ingestion path (no routing: a test assigns), and
 * agents on the default namespace joined to their `agent:<id>` room as the sync socket does.
 */

export interface ChatTestApp extends ChannelTestApp {
  url: string;
  io: Server;
  sender: ChannelSender;
  clock: { ms: number };
  visitor(auth: Record<string, unknown>): Promise<ClientSocket>;
  /** An agent's socket on the default namespace (the sync socket's rooms, no sync protocol). */
  agent(agentId: string): Promise<ClientSocket>;
  addAgent(id: string, name: string): Promise<void>;
}

export async function startChatTestApp(limits?: VisitorLimits): Promise<ChatTestApp> {
  const clock = { ms: Date.parse('2026-03-02T10:00:00Z') };
  let io!: Server;
  let chat!: Awaited<ReturnType<typeof attachChatChannel>>;
  const t = await startChannelTestApp({
    now: () => clock.ms,
    async register(app, ctx) {
      io = new Server(app.server);
      io.use((socket, next) => {
        const agentId = (socket.handshake.auth as { agentId?: string }).agentId ?? 'nobody';
        (socket.data as { viewer: Viewer }).viewer = { agentId, role: 'agent', teamId: null };
        void socket.join(`agent:${agentId}`);
        next();
      });
      chat = await attachChatChannel(app, io, ctx, limits);
    },
  });
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const address = t.app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const sockets: ClientSocket[] = [];
  const open = (path: string, auth: Record<string, unknown>) => {
    const socket = connectClient(`${url}${path}`, {
      auth,
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    });
    sockets.push(socket);
    return new Promise<ClientSocket>((resolve, reject) => {
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
    });
  };
  // Sockets and socket.io first; the shared kit's close (the app, then the database) last.
  const closeAppAndDatabase = t.close.bind(t);
  return Object.assign(t, {
    url,
    io,
    sender: chat.sender,
    clock,
    visitor: (auth: Record<string, unknown>) => open('/chat', auth),
    agent: (agentId: string) => open('/', { agentId }),
    async addAgent(id: string, name: string) {
      await t.db.query(
        `insert into agents (id, email, name, role, team_id, password_hash, skills, capacity, idle_since)
         values ($1, $2, $3, 'agent', null, 'x', '{"chat":3}', '{"voice":1,"chat":3,"social":3,"email":5}', now())`,
        [id, `${id}@test.example`, name],
      );
    },
    async close() {
      for (const socket of sockets) socket.close();
      await chat.close();
      await io.close();
      await closeAppAndDatabase();
    },
  });
}

/** Resolves with the next `event` the socket receives. */
export function nextEvent<T>(socket: ClientSocket, event: string, timeoutMs = 5000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    socket.once(event, (payload: T) => {
      clearTimeout(timer);
      resolve(payload);
    });
  });
}
