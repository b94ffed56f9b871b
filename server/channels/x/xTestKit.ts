import type { FastifyInstance } from 'fastify';
import type { InteractionInput } from '../../../shared/ingest';
import type { ServerConfig } from '../../config';
import type { Db } from '../../db/db';
import { startChannelTestApp } from '../channelTestKit';
import type { ConnectorHealth } from '../health';
import type { ChannelContext } from '../types';
import { registerXChannel } from './index';
import { X_SIGNATURE_HEADER, xSignature } from './webhook';

/**
 * For the X adapter's tests: its routes on a bare fastify with a context that records what it
 * ingests (through the real ingest gate, so every interaction is parsed as `POST /api/ingest`
 * would) and answers the thread look-up from what was recorded, plus replies we "sent".
 */

export const TEST_X_SECRET = 'test-x-consumer-secret';
export const TEST_X_ACCOUNT = '1402000000000000001';

export interface XTestBed {
  app: FastifyInstance;
  ctx: ChannelContext;
  health: ConnectorHealth;
  /** Every interaction stored, in order. */
  stored: InteractionInput[];
  /** Marks an X id as ours, sent on a thread (what the dispatcher records for an agent's reply). */
  sent(xMessageId: string, threadKey: string): void;
  /** POSTs a body signed with the test secret (or with `signature` when given; null for none). */
  post(payload: unknown, signature?: string | null): Promise<{ status: number; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

export async function startXTestBed(overrides: Partial<ServerConfig> = {}): Promise<XTestBed> {
  const stored: InteractionInput[] = [];
  const ours = new Map<string, string>();
  // No database: the one query the adapter makes (whose thread a parent tweet is on) is answered
  // from what was stored here and what we "sent".
  const db = {
    kind: 'pglite',
    query: (sql: string, params: readonly unknown[] = []) => {
      if (!/from messages m join conversations c/u.test(sql)) throw new Error(`unexpected query: ${sql}`);
      const id = params[0] as string;
      const inbound = stored.find((s) => s.provider === 'x' && s.channel === 'x_public' && s.providerMessageId === id);
      const threadKey = inbound?.threadKey ?? ours.get(id);
      return Promise.resolve({ rows: threadKey ? [{ thread_key: threadKey }] : [], rowCount: threadKey ? 1 : 0 });
    },
  } as unknown as Db;
  const t = await startChannelTestApp({
    config: { X_CONSUMER_SECRET: TEST_X_SECRET, X_ACCOUNT_ID: TEST_X_ACCOUNT, ...overrides },
    db,
    store: (interaction) => {
      const duplicate = stored.some(
        (s) => s.provider === interaction.provider && s.providerMessageId === interaction.providerMessageId,
      );
      if (!duplicate) stored.push(interaction);
      return Promise.resolve({ status: duplicate ? 'duplicate' : 'accepted', conversationId: null, messageId: null });
    },
    register: registerXChannel,
  });
  const secret = t.ctx.config.X_CONSUMER_SECRET;

  return Object.assign(t, {
    stored,
    sent: (id: string, threadKey: string) => void ours.set(id, threadKey),
    async post(payload: unknown, signature?: string | null) {
      const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
      const sig = signature === undefined ? xSignature(secret, body) : signature;
      const response = await t.app.inject({
        method: 'POST',
        url: '/webhooks/x',
        headers: { 'content-type': 'application/json', ...(sig === null ? {} : { [X_SIGNATURE_HEADER]: sig }) },
        payload: body,
      });
      return { status: response.statusCode, body: response.json<Record<string, unknown>>() };
    },
  });
}

let serial = 0;

/** A v1.1 tweet as account activity delivers it; `overrides` replace fields (user fields merge). */
export function tweet(overrides: Record<string, unknown> & { user?: Record<string, unknown> } = {}) {
  serial += 1;
  const { user, ...rest } = overrides;
  const id = String(1050118621198921700n + BigInt(serial));
  return {
    created_at: 'Wed Oct 10 20:19:24 +0000 2018',
    // As X sends it: the numeric id has lost precision, id_str is the one to read.
    id: Number(id),
    id_str: id,
    text: '@skywardair my bag is lost',
    truncated: false,
    in_reply_to_status_id: null,
    in_reply_to_status_id_str: null,
    in_reply_to_user_id_str: null,
    user: {
      id: 6253282,
      id_str: '6253282',
      name: 'Maya Lopez',
      screen_name: 'maya_l',
      followers_count: 52_000,
      ...user,
    },
    entities: { hashtags: [], urls: [], user_mentions: [], symbols: [] },
    timestamp_ms: '1539202764000',
    ...rest,
  };
}

/** A `message_create` DM from `sender` to the company account, with the users map. */
export function directMessage(
  options: { id?: string; text?: string; senderId?: string; screenName?: string; name?: string; at?: number } = {},
) {
  serial += 1;
  const senderId = options.senderId ?? '3001969357';
  return {
    for_user_id: TEST_X_ACCOUNT,
    direct_message_events: [
      {
        type: 'message_create',
        id: options.id ?? String(954491830116155000n + BigInt(serial)),
        created_timestamp: String(options.at ?? 1516403560557),
        message_create: {
          target: { recipient_id: TEST_X_ACCOUNT },
          sender_id: senderId,
          source_app_id: '13090192',
          message_data: { text: options.text ?? 'Booking ref ABC123, can you help?', entities: {} },
        },
      },
    ],
    apps: { '13090192': { id: '13090192', name: 'Some App', url: 'https://example.com' } },
    users: {
      [senderId]: {
        id: senderId,
        created_timestamp: '1422556069340',
        name: options.name ?? 'Jordan Brinks',
        screen_name: options.screenName ?? 'furiouscamper',
        followers_count: 22,
        friends_count: 45,
      },
      [TEST_X_ACCOUNT]: { id: TEST_X_ACCOUNT, name: 'Skyward Air', screen_name: 'skywardair', followers_count: 90_000 },
    },
  };
}

/** Tweets wrapped as one account-activity delivery. */
export function tweetEvents(...tweets: unknown[]) {
  return { for_user_id: TEST_X_ACCOUNT, tweet_create_events: tweets };
}
