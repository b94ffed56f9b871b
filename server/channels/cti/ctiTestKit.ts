import type { LightMyRequestResponse } from 'fastify';
import type { DbKind } from '../../testing/testDatabase';
import { startChannelTestApp, type ChannelTestApp } from '../channelTestKit';
import { CTI_WEBHOOK_PATH, registerCtiChannel } from './index';

/**
 * Test support: the CTI webhook on a bare fastify over a fresh database, with the real ingestion
 * path (no routing: new calls wait in the queue) and a context that records what was ingested,
 * pushed and freed.
 */

export const TEST_CTI_TOKEN = 'test-cti-token-0123456789';

export interface CtiTestApp extends ChannelTestApp {
  /** Agents whose voice capacity an ended call gave back. */
  freed: string[];
  post(body: unknown, options?: { token?: string | null }): Promise<LightMyRequestResponse>;
}

export async function startCtiTestApp(kind: DbKind = 'pglite'): Promise<CtiTestApp> {
  const freed: string[] = [];
  const t = await startChannelTestApp({
    kind,
    config: { CTI_TOKEN: TEST_CTI_TOKEN },
    context: { routing: { capacityFreed: (agentId: string) => void freed.push(agentId) } },
    register: registerCtiChannel,
  });
  return Object.assign(t, {
    freed,
    post(body: unknown, options: { token?: string | null } = {}) {
      const token = options.token === undefined ? TEST_CTI_TOKEN : options.token;
      return t.app.inject({
        method: 'POST',
        url: CTI_WEBHOOK_PATH,
        headers: {
          'content-type': 'application/json',
          ...(token === null ? {} : { authorization: `Bearer ${token}` }),
        },
        payload: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
      });
    },
  });
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
