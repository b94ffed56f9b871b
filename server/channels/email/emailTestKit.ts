import type { LightMyRequestResponse } from 'fastify';
import type { ServerConfig } from '../../config';
import type { DbKind } from '../../testing/testDatabase';
import { startChannelTestApp, type ChannelTestApp } from '../channelTestKit';
import { registerEmailChannel } from './index';
import { EMAIL_WEBHOOK_PATH } from './webhook';

/**
 * Test support: the email webhook on a bare fastify over a fresh database, with the real
 * ingestion path (no routing) and a context that records every batch given to `ctx.ingest`.
 */

export const TEST_EMAIL_TOKEN = 'test-inbound-email-token-0123';
export const TEST_EMAIL_FROM = 'Skyward Air Support <support@skywardair.example>';

export interface EmailTestApp extends ChannelTestApp {
  post(
    raw: string | Buffer,
    options?: { token?: string | null; contentType?: string | null },
  ): Promise<LightMyRequestResponse>;
}

export async function startEmailTestApp(
  overrides: Partial<ServerConfig> = {},
  kind: DbKind = 'pglite',
): Promise<EmailTestApp> {
  const t = await startChannelTestApp({
    kind,
    config: { INBOUND_EMAIL_TOKEN: TEST_EMAIL_TOKEN, EMAIL_FROM: TEST_EMAIL_FROM, LOG_LEVEL: 'silent', ...overrides },
    register: registerEmailChannel,
  });
  return Object.assign(t, {
    post(raw: string | Buffer, options: { token?: string | null; contentType?: string | null } = {}) {
      const token = options.token === undefined ? TEST_EMAIL_TOKEN : options.token;
      const contentType = options.contentType === undefined ? 'message/rfc822' : options.contentType;
      return t.app.inject({
        method: 'POST',
        url: EMAIL_WEBHOOK_PATH,
        headers: {
          ...(contentType === null ? {} : { 'content-type': contentType }),
          ...(token === null ? {} : { authorization: `Bearer ${token}` }),
        },
        payload: raw,
      });
    },
  });
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
