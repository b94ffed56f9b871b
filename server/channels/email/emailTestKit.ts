import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import type { InteractionInput } from '../../../shared/ingest';
import { serverConfig, type ServerConfig } from '../../config';
import type { Db } from '../../db/db';
import { migrate } from '../../db/migrate';
import { ingestInteraction, type IngestConfig } from '../../ingest/ingest';
import { openTestDatabase, type DbKind } from '../../testing/testDatabase';
import { createIngestGate } from '../channelIngest';
import { ConnectorHealth } from '../health';
import type { ChannelContext, IngestBatchOutcome } from '../types';
import { registerEmailChannel } from './index';
import { EMAIL_WEBHOOK_PATH } from './webhook';

/**
 * Test support: the email webhook on a bare fastify over a fresh database, with the real
 * ingestion path (no routing) and a context that records every batch given to `ctx.ingest`.
 */

export const TEST_EMAIL_TOKEN = 'test-inbound-email-token-0123';
export const TEST_EMAIL_FROM = 'Skyward Air Support <support@skywardair.example>';

export interface EmailTestApp {
  app: FastifyInstance;
  ctx: ChannelContext;
  db: Db;
  health: ConnectorHealth;
  batches: InteractionInput[][];
  /** The answer `ctx.ingest` gives next instead of storing (load shedding). */
  nextOutcome: IngestBatchOutcome | null;
  post(
    raw: string | Buffer,
    options?: { token?: string | null; contentType?: string | null },
  ): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export async function startEmailTestApp(
  overrides: Partial<ServerConfig> = {},
  kind: DbKind = 'pglite',
): Promise<EmailTestApp> {
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
      return { status: 'accepted', conversationId: outcome.conversationId, messageId: outcome.messageId };
    },
  });
  const ctx: ChannelContext = {
    config: serverConfig({
      INBOUND_EMAIL_TOKEN: TEST_EMAIL_TOKEN,
      EMAIL_FROM: TEST_EMAIL_FROM,
      LOG_LEVEL: 'silent',
      ...overrides,
    }),
    db,
    health,
    log: app.log,
    now: () => Date.now(),
    push: () => undefined,
    ingest: (_connector, interactions) => {
      const outcome = t.nextOutcome;
      t.nextOutcome = null;
      if (outcome) return Promise.resolve(outcome);
      t.batches.push([...interactions]);
      return gate.ingest(interactions);
    },
  };
  await registerEmailChannel(app, ctx);
  const t: EmailTestApp = {
    app,
    ctx,
    db,
    health,
    batches: [],
    nextOutcome: null,
    post(raw, options = {}) {
      const token = options.token === undefined ? TEST_EMAIL_TOKEN : options.token;
      const contentType = options.contentType === undefined ? 'message/rfc822' : options.contentType;
      return app.inject({
        method: 'POST',
        url: EMAIL_WEBHOOK_PATH,
        headers: {
          ...(contentType === null ? {} : { 'content-type': contentType }),
          ...(token === null ? {} : { authorization: `Bearer ${token}` }),
        },
        payload: raw,
      });
    },
    async close() {
      await app.close();
      await drop();
    },
  };
  return t;
}

export interface MimeSpec {
  from?: string | null;
  to?: string;
  subject?: string;
  messageId?: string | null;
  inReplyTo?: string;
  references?: string;
  date?: string;
  /** Extra header lines, e.g. 'Auto-Submitted: auto-replied'. */
  headers?: string[];
  text?: string;
  html?: string;
  attachments?: { filename: string; contentType: string; content: Buffer; cid?: string }[];
}

let serial = 0;

/** A raw RFC 5322 message written by hand, so tests control every header byte. */
export function mime(spec: MimeSpec): string {
  const lines: string[] = [];
  const from = spec.from === undefined ? 'Ana Ruiz <Ana.Ruiz@Example.com>' : spec.from;
  if (from !== null) lines.push(`From: ${from}`);
  lines.push(`To: ${spec.to ?? 'support@skywardair.example'}`);
  lines.push(`Subject: ${spec.subject ?? 'Lost bag on SK123'}`);
  lines.push(`Date: ${spec.date ?? new Date().toUTCString()}`);
  const messageId = spec.messageId === undefined ? `<m${++serial}.${Date.now()}@example.com>` : spec.messageId;
  if (messageId !== null) lines.push(`Message-ID: ${messageId}`);
  if (spec.inReplyTo) lines.push(`In-Reply-To: ${spec.inReplyTo}`);
  if (spec.references) lines.push(`References: ${spec.references}`);
  lines.push(...(spec.headers ?? []), 'MIME-Version: 1.0');

  const parts: string[] = [];
  const text = spec.text ?? (spec.html === undefined ? 'My bag did not arrive.' : undefined);
  if (text !== undefined) parts.push(`Content-Type: text/plain; charset=utf-8\r\n\r\n${text}`);
  if (spec.html !== undefined) parts.push(`Content-Type: text/html; charset=utf-8\r\n\r\n${spec.html}`);
  let body = parts.length === 1 ? parts[0]! : multipart('alternative', parts);
  if (spec.attachments?.length) {
    body = multipart('mixed', [
      body,
      ...spec.attachments.map(
        (a) =>
          `Content-Type: ${a.contentType}; name="${a.filename}"\r\nContent-Disposition: ${a.cid ? 'inline' : 'attachment'}; filename="${a.filename}"\r\n` +
          `${a.cid ? `Content-ID: <${a.cid}>\r\n` : ''}Content-Transfer-Encoding: base64\r\n\r\n${a.content.toString('base64').replace(/.{76}/g, '$&\r\n')}`,
      ),
    ]);
  }
  return `${lines.join('\r\n')}\r\n${body}\r\n`;
}

function multipart(subtype: string, parts: string[]): string {
  const boundary = `b${++serial}x${Math.random().toString(36).slice(2)}`;
  return `Content-Type: multipart/${subtype}; boundary="${boundary}"\r\n\r\n${parts.map((p) => `--${boundary}\r\n${p}\r\n`).join('')}--${boundary}--`;
}
