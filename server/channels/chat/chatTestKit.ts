import Fastify, { type FastifyInstance } from 'fastify';
import { Server } from 'socket.io';
import { io as connectClient, type Socket as ClientSocket } from 'socket.io-client';
import type { InteractionInput } from '../../../shared/ingest';
import { serverConfig } from '../../config';
import type { Db } from '../../db/db';
import { migrate } from '../../db/migrate';
import { ingestInteraction, type IngestConfig } from '../../ingest/ingest';
import type { Viewer } from '../../sync/audience';
import type { PendingChange } from '../../sync/changeLog';
import { openTestDatabase } from '../../testing/testDatabase';
import { createIngestGate } from '../channelIngest';
import { ConnectorHealth } from '../health';
import type { ChannelContext, ChannelSender } from '../types';
import { attachChatChannel } from './index';
import type { VisitorLimits } from './visitorSockets';

/**
 * Test support until the backend wires web chat: fastify + socket.io on loopback over a fresh
 * PGlite, the chat channel attached, the real ingestion path (no routing: a test assigns), and
 * agents on the default namespace joined to their `agent:<id>` room as the sync socket does.
 */

export interface ChatTestApp {
  url: string;
  app: FastifyInstance;
  io: Server;
  db: Db;
  health: ConnectorHealth;
  sender: ChannelSender;
  batches: InteractionInput[][];
  pushed: PendingChange[];
  clock: { ms: number };
  visitor(auth: Record<string, unknown>): Promise<ClientSocket>;
  /** An agent's socket on the default namespace (the sync socket's rooms, no sync protocol). */
  agent(agentId: string): Promise<ClientSocket>;
  addAgent(id: string, name: string): Promise<void>;
  close(): Promise<void>;
}

export async function startChatTestApp(limits?: VisitorLimits): Promise<ChatTestApp> {
  const { db, drop } = await openTestDatabase('pglite');
  await migrate(db);
  const app = Fastify({ logger: false });
  const io = new Server(app.server);
  const health = new ConnectorHealth();
  const clock = { ms: Date.parse('2026-03-02T10:00:00Z') };
  const batches: InteractionInput[][] = [];
  const pushed: PendingChange[] = [];
  const ingestConfig: IngestConfig = { stickyWindowMs: 0, stickyWaitMs: 0, rules: () => [] };
  const gate = createIngestGate({
    maxInFlight: 10_000,
    overloaded: () => false,
    store: async (interaction) => {
      const outcome = await ingestInteraction(db, interaction, ingestConfig, new Date(clock.ms));
      if (outcome.status === 'duplicate') return outcome;
      pushed.push(...outcome.changes);
      return { status: 'accepted', conversationId: outcome.conversationId, messageId: outcome.messageId };
    },
  });
  const ctx: ChannelContext = {
    config: serverConfig(),
    db,
    health,
    log: app.log,
    now: () => clock.ms,
    push: (changes) => pushed.push(...changes),
    ingest: (_connector, interactions) => {
      batches.push([...interactions]);
      return gate.ingest(interactions);
    },
  };
  io.use((socket, next) => {
    const agentId = (socket.handshake.auth as { agentId?: string }).agentId ?? 'nobody';
    (socket.data as { viewer: Viewer }).viewer = { agentId, role: 'agent', teamId: null };
    void socket.join(`agent:${agentId}`);
    next();
  });
  const chat = await attachChatChannel(app, io, ctx, limits);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
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
  return {
    url,
    app,
    io,
    db,
    health,
    sender: chat.sender,
    batches,
    pushed,
    clock,
    visitor: (auth) => open('/chat', auth),
    agent: (agentId) => open('/', { agentId }),
    async addAgent(id, name) {
      await db.query(
        `insert into agents (id, email, name, role, team_id, password_hash, skills, capacity, idle_since)
         values ($1, $2, $3, 'agent', null, 'x', '{"chat":3}', '{"voice":1,"chat":3,"social":3,"email":5}', now())`,
        [id, `${id}@test.example`, name],
      );
    },
    async close() {
      for (const socket of sockets) socket.close();
      await chat.close();
      await io.close();
      await app.close();
      await drop();
    },
  };
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
