import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import type { InteractionInput } from '../../../shared/ingest';
import { serverConfig, type ServerConfig } from '../../config';
import type { Db } from '../../db/db';
import { createIngestGate } from '../channelIngest';
import { ConnectorHealth } from '../health';
import type { ChannelContext, IngestBatchOutcome } from '../types';
import { META_SIGNATURE_HEADER, metaSignature, registerMetaWebhook } from './webhook';

/**
 * Test support: the Meta webhook on a bare fastify with a context that records what would be
 * ingested, and a helper that signs bodies like Meta does.
 */

export const TEST_PAGE_ID = '104000000000001';
export const TEST_APP_SECRET = 'test-meta-app-secret';

export interface MetaTestApp {
  app: FastifyInstance;
  ctx: ChannelContext;
  health: ConnectorHealth;
  /** Every batch passed to `ctx.ingest`, in order. */
  batches: InteractionInput[][];
  /** Parent ids → thread keys the fake database knows (comments' earlier threads). */
  threads: Map<string, string>;
  /** The answer `ctx.ingest` gives next (default: stored). */
  nextOutcome: IngestBatchOutcome | null;
  post(body: unknown, options?: { signature?: string | null }): Promise<LightMyRequestResponse>;
}

export async function startMetaTestApp(overrides: Partial<ServerConfig> = {}): Promise<MetaTestApp> {
  const app = Fastify({ logger: false });
  const health = new ConnectorHealth();
  const threads = new Map<string, string>();
  const batches: InteractionInput[][] = [];
  // The real gate: what the adapter maps must pass the same schema as `POST /api/ingest`.
  const gate = createIngestGate({
    maxInFlight: 1000,
    overloaded: () => false,
    store: () => Promise.resolve({ status: 'accepted', conversationId: 'c', messageId: 'm' }),
  });
  const db = {
    query: (_sql: string, params?: readonly unknown[]) => {
      const ids = (params?.[1] ?? []) as string[];
      const rows = ids.flatMap((id) => {
        const thread = threads.get(id);
        return thread ? [{ provider_message_id: id, thread_key: thread }] : [];
      });
      return Promise.resolve({ rows, rowCount: rows.length });
    },
  } as unknown as Db;
  const t: MetaTestApp = {
    app,
    health,
    batches,
    threads,
    nextOutcome: null,
    ctx: {
      config: serverConfig({ META_PAGE_ID: TEST_PAGE_ID, META_APP_SECRET: TEST_APP_SECRET, ...overrides }),
      db,
      health,
      log: app.log,
      now: () => Date.parse('2026-03-02T10:00:00Z'),
      push: () => undefined,
      ingest: async (_connector, interactions) => {
        const outcome = t.nextOutcome;
        t.nextOutcome = null;
        if (outcome) return outcome;
        const result = await gate.ingest(interactions);
        if (result.status === 'stored') batches.push([...interactions]);
        return result;
      },
    },
    post(body, options = {}) {
      const raw = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
      const signature = options.signature === undefined ? metaSignature(TEST_APP_SECRET, raw) : options.signature;
      return app.inject({
        method: 'POST',
        url: '/webhooks/meta',
        headers: {
          'content-type': 'application/json',
          ...(signature === null ? {} : { [META_SIGNATURE_HEADER]: signature }),
        },
        payload: raw,
      });
    },
  };
  await registerMetaWebhook(app, t.ctx);
  await app.ready();
  return t;
}
