import type { LightMyRequestResponse } from 'fastify';
import type { ServerConfig } from '../../config';
import type { Db } from '../../db/db';
import { startChannelTestApp, type ChannelTestApp } from '../channelTestKit';
import { META_SIGNATURE_HEADER, metaSignature, registerMetaWebhook } from './webhook';

/**
 * Test support: the Meta webhook on a bare fastify with a context that records what would be
 * ingested, and a helper that signs bodies like Meta does.
 */

export const TEST_PAGE_ID = '104000000000001';
export const TEST_APP_SECRET = 'test-meta-app-secret';

export interface MetaTestApp extends ChannelTestApp {
  /** Parent ids → thread keys the fake database knows (comments' earlier threads). */
  threads: Map<string, string>;
  post(body: unknown, options?: { signature?: string | null }): Promise<LightMyRequestResponse>;
}

export async function startMetaTestApp(overrides: Partial<ServerConfig> = {}): Promise<MetaTestApp> {
  const threads = new Map<string, string>();
  // No database: the adapter's one look-up (which threads comments' parents are on) reads `threads`.
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
  const t = await startChannelTestApp({
    config: { META_PAGE_ID: TEST_PAGE_ID, META_APP_SECRET: TEST_APP_SECRET, ...overrides },
    db,
    // What the adapter maps must still pass the gate's schema; nothing needs to be stored.
    store: () => Promise.resolve({ status: 'accepted', conversationId: 'c', messageId: 'm' }),
    now: () => Date.parse('2026-03-02T10:00:00Z'),
    register: registerMetaWebhook,
  });
  return Object.assign(t, {
    threads,
    post(body: unknown, options: { signature?: string | null } = {}) {
      const raw = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
      const signature = options.signature === undefined ? metaSignature(TEST_APP_SECRET, raw) : options.signature;
      return t.app.inject({
        method: 'POST',
        url: '/webhooks/meta',
        headers: {
          'content-type': 'application/json',
          ...(signature === null ? {} : { [META_SIGNATURE_HEADER]: signature }),
        },
        payload: raw,
      });
    },
  });
}
