import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Server } from 'socket.io';
import type { ServerConfig } from '../config';
import type { Db } from '../db/db';
import type { PendingChange } from '../sync/changeLog';
import type { IngestGate } from './channelIngest';
import { attachChatChannel } from './chat';
import { registerCtiChannel, type CallRouting } from './cti';
import { createEmailSender, registerEmailChannel, startImapPolling } from './email';
import { ConnectorHealth } from './health';
import { createMetaSender, registerMetaChannel } from './meta';
import { startDispatcher, type Dispatcher } from './outbound/dispatcher';
import type { ChannelContext } from './types';
import { createXSender, registerXChannel } from './x';

export interface Channels {
  health: ConnectorHealth;
  dispatcher: Dispatcher;
  close(): Promise<void>;
}

export interface ChannelsOptions {
  app: FastifyInstance;
  io: Server;
  config: ServerConfig;
  db: Db;
  log: FastifyBaseLogger;
  now: () => number;
  push: (changes: PendingChange[]) => void;
  gate: IngestGate;
  /** Routing hears when a call ends: the agent's line is free for the next call. */
  routing: CallRouting;
}

/**
 * Every channel adapter on the backend: their webhooks on the HTTP server, web chat on its socket
 * namespace, IMAP polling, and the dispatcher that sends agents' replies out through them.
 */
export async function startChannels(options: ChannelsOptions): Promise<Channels> {
  const { app, io, config, db, log, now, push, gate, routing } = options;
  const health = new ConnectorHealth(now);
  const ctx: ChannelContext = {
    config,
    db,
    health,
    log,
    now,
    push,
    ingest: (_connector, interactions) => gate.ingest(interactions),
  };
  await registerXChannel(app, ctx);
  await registerMetaChannel(app, ctx);
  await registerEmailChannel(app, ctx);
  await registerCtiChannel(app, { ...ctx, routing });
  const chat = await attachChatChannel(app, io, ctx);
  const dispatcher = startDispatcher({
    db,
    senders: [createXSender(ctx), createMetaSender(ctx), createEmailSender(ctx), chat.sender],
    health,
    push,
    now,
    log,
  });
  const imap = startImapPolling(ctx);
  return {
    health,
    dispatcher,
    async close() {
      await imap?.stop();
      await dispatcher.stop();
      await chat.close();
    },
  };
}
