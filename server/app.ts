import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyError } from 'fastify';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Server as SocketServer } from 'socket.io';
import { Sessions } from './auth/sessions';
import { TokenIssuer } from './auth/tokens';
import type { ServerConfig } from './config';
import type { Db } from './db/db';
import { migrate } from './db/migrate';
import { openPglite } from './db/pglite';
import { openPostgres } from './db/postgres';
import { parseListeningQuery } from './enrich/listeningQuery';
import { createIngestGate } from './channels/channelIngest';
import { createListeningMonitor } from './channels/listening/listeningMonitor';
import { startChannels, type Channels } from './channels/registry';
import { registerAttachmentRoutes } from './http/attachments';
import { registerAutoCheckRoutes } from './qa/autoCheckRoutes';
import { registerQualityRoutes } from './qa/qualityRoutes';
import { registerSamplingRoutes } from './qa/samplingRoutes';
import { registerScorecardRoutes } from './qa/scorecardRoutes';
import { startLoadGauge } from './http/loadGauge';
import { registerRoutes } from './http/routes';
import { ingestInteraction, type IngestConfig, type ListeningRule } from './ingest/ingest';
import { RoutingService } from './routing/routingService';
import { attachSyncSocket } from './socket/syncSocket';
import type { AfterCommitHooks } from './sync/opContext';
import { seedDemoQa } from './demo/qaSeed';
import { seedAdmin, seedDemoTenant } from './demo/seed';

const { version } = JSON.parse(readFileSync(path.join(import.meta.dirname, '../package.json'), 'utf8')) as {
  version: string;
};

export interface RoutingServer {
  url: string;
  db: Db;
  routing: RoutingService;
  channels: Channels;
  close(): Promise<void>;
}

export async function openDatabase(config: Pick<ServerConfig, 'DATABASE_URL' | 'SWITCHBOARD_DATA_DIR'>): Promise<Db> {
  if (config.DATABASE_URL) return openPostgres(config.DATABASE_URL);
  return openPglite(config.SWITCHBOARD_DATA_DIR === ':memory:' ? undefined : config.SWITCHBOARD_DATA_DIR);
}

/**
 * The routing backend: HTTP (sign-in, ingestion, health, lead surfaces) and the sync socket on
 * one port, over PGlite or PostgreSQL. Resolves once it listens and `/healthz` answers ok.
 */
export interface StartOptions {
  /** An open database to use (and leave open on close), for tests. */
  db?: Db;
  /** The clock routing, ingestion and ops read; tests move it to expire offers and grace periods. */
  now?: () => number;
}

export async function startRoutingServer(config: ServerConfig, options: StartOptions = {}): Promise<RoutingServer> {
  let ready = false;
  const now = options.now ?? Date.now;
  const db = options.db ?? (await openDatabase(config));
  await migrate(db);
  // PGlite has no autovacuum: fresh planner statistics (012's bucket statistics among them) keep
  // the quality-score query on its fast plan.
  if (db.kind === 'pglite') await db.query('analyze reviews');
  if (config.SWITCHBOARD_DEMO) {
    await seedDemoTenant(db);
    await seedDemoQa(db, new Date(now()));
  }
  if (config.SWITCHBOARD_ADMIN_EMAIL && config.SWITCHBOARD_ADMIN_PASSWORD) {
    await seedAdmin(db, config.SWITCHBOARD_ADMIN_EMAIL, config.SWITCHBOARD_ADMIN_PASSWORD);
  }

  const app = Fastify({
    logger: { level: config.LOG_LEVEL },
    bodyLimit: 1024 * 1024,
    // Providers retry on slow answers; a stuck request must not hold a connection forever.
    requestTimeout: 30_000,
  });
  await app.register(cors, {
    origin: config.SWITCHBOARD_CORS_ORIGINS === '*' ? true : config.SWITCHBOARD_CORS_ORIGINS.split(','),
    // The app's page is another origin (app://, the web agent's port): every method it uses must
    // pass the preflight, PUT included (a scorecard's draft).
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'],
    // The app saves exports and attachments under the name the server gives them.
    exposedHeaders: ['content-disposition'],
  });
  await app.register(rateLimit, {
    global: false,
    // The plugin throws what this returns; the error handler below turns it into { error: { code, message } }.
    errorResponseBuilder: (_req, context) =>
      Object.assign(new Error(`Too many attempts; wait ${Math.ceil(context.ttl / 1000)} s and try again.`), {
        statusCode: 429,
      }),
  });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) request.log.error({ err: error }, 'request failed');
    const code =
      status === 413
        ? 'too_large'
        : status === 415
          ? 'unsupported_media_type'
          : status === 400
            ? 'invalid_body'
            : status === 429
              ? 'rate_limited'
              : 'internal';
    const message =
      status === 500
        ? 'The server could not finish this request; it was not applied. Retry shortly.'
        : status === 400
          ? `The request body is not valid JSON (${error.message}).`
          : error.message;
    void reply.code(status).send({ error: { code, message } });
  });
  app.setNotFoundHandler((request, reply) => {
    void reply
      .code(404)
      .send({ error: { code: 'not_found', message: `No ${request.method} ${request.url.split('?')[0]} here.` } });
  });

  const gauge = startLoadGauge(config.SWITCHBOARD_INGEST_MAX_LAG_MS);
  const tokens = new TokenIssuer(config.SWITCHBOARD_TOKEN_SECRET);
  const sessions = new Sessions(db, tokens);
  const io = new SocketServer(app.server, {
    cors: { origin: config.SWITCHBOARD_CORS_ORIGINS === '*' ? true : config.SWITCHBOARD_CORS_ORIGINS.split(',') },
    maxHttpBufferSize: 1024 * 1024,
    pingInterval: 10_000,
    pingTimeout: 10_000,
  });

  let pushChanges: (changes: Parameters<ReturnType<typeof attachSyncSocket>['push']>[0]) => void = () => {};
  const routing = new RoutingService(db, {
    offerMs: config.SWITCHBOARD_OFFER_SECONDS * 1000,
    disconnectGraceMs: config.SWITCHBOARD_DISCONNECT_GRACE_SECONDS * 1000,
    publish: (changes) => pushChanges(changes),
    log: app.log,
    now,
  });

  let rules: ListeningRule[] = [];
  const reloadRules = async () => {
    const { rows } = await db.query<{
      id: string;
      name: string;
      query: string;
      skills: string[];
      priority_boost: number;
      alert: boolean;
      create_conversation: boolean;
    }>('select * from listening_rules where enabled');
    rules = rows.flatMap((r) => {
      const parsed = parseListeningQuery(r.query);
      if (!parsed.ok) {
        app.log.warn({ rule: r.name, error: parsed.error }, 'listening rule skipped: its query does not parse');
        return [];
      }
      return [
        {
          id: r.id,
          name: r.name,
          query: parsed.query,
          skills: r.skills,
          priorityBoost: r.priority_boost,
          alert: r.alert,
          createConversation: r.create_conversation,
        },
      ];
    });
  };
  await reloadRules();
  // Listening-rule matches over time: a spike raises a company alert for leads and the webhook.
  const listening = createListeningMonitor({ db, push: (changes) => pushChanges(changes), now, config, log: app.log });
  const ingestConfig: IngestConfig = {
    stickyWindowMs: config.SWITCHBOARD_STICKY_WINDOW_HOURS * 3600_000,
    stickyWaitMs: config.SWITCHBOARD_STICKY_WAIT_SECONDS * 1000,
    rules: () => rules,
    claim: (tx, item) => routing.claimOnIngest(tx, item),
    listened: (matched, interaction, at) => listening.listened(matched, interaction, at),
  };

  const socket = attachSyncSocket({
    io,
    db,
    tokens,
    now,
    onCommitted: (committed) => {
      socket.push(committed.changes);
      for (const effect of committed.effects) effect(hooks);
    },
    // A failed routing step is logged by routing itself; it must not become an unhandled rejection.
    onConnect: (viewer) => void routing.agentConnected(viewer.agentId).catch(() => undefined),
    onDisconnect: (viewer) => void routing.agentDisconnected(viewer.agentId).catch(() => undefined),
    log: app.log,
  });
  pushChanges = (changes) => socket.push(changes);

  // Every way in (POST /api/ingest and each channel's webhook) shares one in-flight budget.
  const gate = createIngestGate({
    maxInFlight: config.SWITCHBOARD_INGEST_MAX_IN_FLIGHT,
    overloaded: () => gauge.overloaded(),
    store: async (interaction) => {
      const outcome = await ingestInteraction(db, interaction, ingestConfig, new Date(now()));
      if (outcome.status === 'duplicate') return outcome;
      socket.push(outcome.changes);
      if (outcome.route && outcome.conversation) routing.routeNew(outcome.conversation);
      return { status: 'accepted', conversationId: outcome.conversationId, messageId: outcome.messageId };
    },
  });
  const channels = await startChannels({
    app,
    io,
    config,
    db,
    log: app.log,
    now,
    push: (changes) => socket.push(changes),
    gate,
    routing: { capacityFreed: (agentId, channel) => routing.capacityFreed(agentId, channel) },
  });
  // What an op's commit sets off: routing steps, and sending a queued reply out.
  const hooks: AfterCommitHooks = {
    presenceChanged: (agentId, presence) => routing.presenceChanged(agentId, presence),
    capacityFreed: (agentId, channel) => routing.capacityFreed(agentId, channel),
    enqueue: (conversationId, excludeAgentId) => routing.enqueue(conversationId, excludeAgentId),
    assigned: (agentId, channel) => routing.assigned(agentId, channel),
    deliveryQueued: () => channels.dispatcher.kick(),
  };

  registerRoutes(app, {
    db,
    sessions,
    tokens,
    ingestKey: config.SWITCHBOARD_INGEST_KEY,
    version,
    gate,
    connectors: () => channels.health.all(),
    queueSnapshot: () => routing.router.snapshot(),
    reloadRules,
    ready: () => ready,
  });

  registerAttachmentRoutes(app, { db, tokens });
  registerScorecardRoutes(app, { db, tokens, push: (changes) => socket.push(changes), now });
  registerQualityRoutes(app, { db, tokens });
  registerAutoCheckRoutes(app, { db, tokens, now });
  const sampling = registerSamplingRoutes(app, { db, tokens, push: (changes) => socket.push(changes), now });

  await routing.boot();
  await app.listen({ host: config.HOST, port: config.PORT });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  ready = true;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${config.HOST}:${port}`,
    db,
    routing,
    channels,
    close: () =>
      (closing ??= (async () => {
        ready = false;
        routing.stop();
        gauge.stop();
        sampling.stop();
        await channels.close();
        // Stop taking work, let in-flight ops finish, then close the database.
        await io.close();
        await app.close();
        await routing.idle();
        await listening.close();
        if (!options.db) await db.close();
      })()),
  };
}
