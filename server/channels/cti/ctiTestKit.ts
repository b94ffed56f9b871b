import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import type { InteractionInput } from '../../../shared/ingest';
import { serverConfig } from '../../config';
import type { Db } from '../../db/db';
import { migrate } from '../../db/migrate';
import { ingestInteraction, type IngestConfig } from '../../ingest/ingest';
import type { PendingChange } from '../../sync/changeLog';
import { openTestDatabase, type DbKind } from '../../testing/testDatabase';
import { createIngestGate } from '../channelIngest';
import { ConnectorHealth } from '../health';
import type { ChannelContext, IngestBatchOutcome } from '../types';
import { CTI_WEBHOOK_PATH, registerCtiChannel } from './index';

/**
 * Test support: the CTI webhook on a bare fastify over a fresh database, with the real ingestion
 * path (no routing: new calls wait in the queue) and a context that records what was ingested,
 * pushed and freed.
 */

export const TEST_CTI_TOKEN = 'test-cti-token-0123456789';

export interface CtiTestApp {
  app: FastifyInstance;
  db: Db;
  health: ConnectorHealth;
  /** Every batch passed to `ctx.ingest`, in order. */
  batches: InteractionInput[][];
  pushed: PendingChange[];
  /** Agents whose voice capacity an ended call gave back. */
  freed: string[];
  /** The answer `ctx.ingest` gives next instead of storing (load shedding). */
  nextOutcome: IngestBatchOutcome | null;
  post(body: unknown, options?: { token?: string | null }): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export async function startCtiTestApp(kind: DbKind = 'pglite'): Promise<CtiTestApp> {
  const { db, drop } = await openTestDatabase(kind);
  await migrate(db);
  const app = Fastify({ logger: false });
  const health = new ConnectorHealth();
  const ingestConfig: IngestConfig = { stickyWindowMs: 0, stickyWaitMs: 0, rules: () => [] };
  const gate = createIngestGate({
    maxInFlight: 10_000,
    overloaded: () => false,
    store: async (interaction) => {
      const outcome = await ingestInteraction(db, interaction, ingestConfig);
      if (outcome.status === 'duplicate') return outcome;
      t.pushed.push(...outcome.changes);
      return { status: 'accepted', conversationId: outcome.conversationId, messageId: outcome.messageId };
    },
  });
  const ctx: ChannelContext & { routing: { capacityFreed(agentId: string): void } } = {
    config: serverConfig({ CTI_TOKEN: TEST_CTI_TOKEN }),
    db,
    health,
    log: app.log,
    now: () => Date.now(),
    push: (changes) => t.pushed.push(...changes),
    ingest: (_connector, interactions) => {
      const outcome = t.nextOutcome;
      t.nextOutcome = null;
      if (outcome) return Promise.resolve(outcome);
      t.batches.push([...interactions]);
      return gate.ingest(interactions);
    },
    routing: { capacityFreed: (agentId) => t.freed.push(agentId) },
  };
  await registerCtiChannel(app, ctx);
  const t: CtiTestApp = {
    app,
    db,
    health,
    batches: [],
    pushed: [],
    freed: [],
    nextOutcome: null,
    post(body, options = {}) {
      const token = options.token === undefined ? TEST_CTI_TOKEN : options.token;
      return app.inject({
        method: 'POST',
        url: CTI_WEBHOOK_PATH,
        headers: {
          'content-type': 'application/json',
          ...(token === null ? {} : { authorization: `Bearer ${token}` }),
        },
        payload: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
      });
    },
    async close() {
      await app.close();
      await drop();
    },
  };
  return t;
}

let serial = 0;

/** A well-formed call event; `overrides` replace fields. */
export function callEvent(callId: string, type: string, overrides: Record<string, unknown> = {}) {
  serial += 1;
  return {
    eventId: `${callId}-ev${serial}`,
    callId,
    type,
    occurredAt: new Date(Date.parse('2026-03-02T10:00:00Z') + serial * 1000).toISOString(),
    from: '+14155550123',
    ...overrides,
  };
}
