import Fastify, { type FastifyInstance } from 'fastify';
import type { Interaction, InteractionInput } from '../../shared/ingest';
import { serverConfig, type ServerConfig } from '../config';
import type { Db } from '../db/db';
import { migrate } from '../db/migrate';
import { ingestInteraction, type IngestConfig } from '../ingest/ingest';
import type { PendingChange } from '../sync/changeLog';
import { openTestDatabase, type DbKind } from '../testing/testDatabase';
import { createIngestGate } from './channelIngest';
import { ConnectorHealth } from './health';
import type { ChannelContext, IngestBatchOutcome, IngestResult } from './types';

/**
 * Test support shared by the channel adapters' kits: an adapter's routes on a bare fastify (no
 * auth, routing or sync sockets) with a ChannelContext whose `ingest` goes through the real ingest
 * gate, so every interaction an adapter maps is parsed as `POST /api/ingest` would parse it, and
 * which records what was stored and pushed. Each adapter's kit adds its provider's way of posting.
 */

/** No routing and no stickiness: a new conversation waits in the queue, where a test finds it. */
const INGEST_CONFIG: IngestConfig = { stickyWindowMs: 0, stickyWaitMs: 0, rules: () => [] };

export interface ChannelTestAppOptions<Extra extends object> {
  /** Configuration on top of the defaults: the adapter's secrets and limits. */
  config?: Partial<ServerConfig>;
  /** A fresh, migrated database of this kind (default PGlite), dropped on close… */
  kind?: DbKind;
  /** …or this one, which the caller owns: a fake answering the adapter's look-ups, or another app's. */
  db?: Db;
  /** Stores one interaction the gate let through; default: the real ingestion path on the database. */
  store?: (interaction: Interaction) => Promise<IngestResult>;
  now?: () => number;
  /** What the adapter takes beyond ChannelContext (CTI's routing hooks). */
  context?: Extra;
  /** Puts the adapter on the app; the app is made ready after it. */
  register(app: FastifyInstance, ctx: ChannelContext & Extra): Promise<unknown>;
}

export interface ChannelTestApp {
  app: FastifyInstance;
  ctx: ChannelContext;
  db: Db;
  health: ConnectorHealth;
  /** Every batch the gate stored, in order. */
  batches: InteractionInput[][];
  /** The change-log rows stored interactions produced and those the adapter pushed itself. */
  pushed: PendingChange[];
  /** The answer `ctx.ingest` gives next instead of storing (load shedding, an invalid batch). */
  nextOutcome: IngestBatchOutcome | null;
  close(): Promise<void>;
}

export async function startChannelTestApp<Extra extends object = object>(
  options: ChannelTestAppOptions<Extra>,
): Promise<ChannelTestApp> {
  const opened = options.db
    ? { db: options.db, drop: () => Promise.resolve() }
    : await openTestDatabase(options.kind ?? 'pglite');
  const { db } = opened;
  if (!options.db) await migrate(db);
  const now = options.now ?? Date.now;
  const app = Fastify({ logger: false });
  const health = new ConnectorHealth();
  const pushed: PendingChange[] = [];
  const store =
    options.store ??
    (async (interaction: Interaction): Promise<IngestResult> => {
      const outcome = await ingestInteraction(db, interaction, INGEST_CONFIG, new Date(now()));
      if (outcome.status === 'duplicate') return outcome;
      pushed.push(...outcome.changes);
      return { status: 'accepted', conversationId: outcome.conversationId, messageId: outcome.messageId };
    });
  // Load shedding is tested through `nextOutcome`: the in-flight budget never binds here.
  const gate = createIngestGate({ maxInFlight: 10_000, overloaded: () => false, store });
  const channelContext: ChannelContext = {
    config: serverConfig(options.config),
    db,
    health,
    log: app.log,
    now,
    push: (changes) => void pushed.push(...changes),
    async ingest(_connector, interactions) {
      const next = t.nextOutcome;
      t.nextOutcome = null;
      if (next) return next;
      const outcome = await gate.ingest(interactions);
      if (outcome.status === 'stored') t.batches.push([...interactions]);
      return outcome;
    },
  };
  const ctx = { ...channelContext, ...options.context } as ChannelContext & Extra;
  const t: ChannelTestApp = {
    app,
    ctx,
    db,
    health,
    batches: [],
    pushed,
    nextOutcome: null,
    async close() {
      await app.close();
      await opened.drop();
    },
  };
  await options.register(app, ctx);
  await app.ready();
  return t;
}
