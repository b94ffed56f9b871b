import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { recordWaiter } from './recordWaiter';

/**
 * A local SMTP server standing in for the company's outgoing mail server: it accepts any login,
 * records each message's envelope and parsed headers, and can be told to refuse the next ones
 * (451 try later, 550 mailbox unavailable). Listens on 127.0.0.1 only, on a free port; plain SMTP
 * without STARTTLS, so `smtp://127.0.0.1:port` works without certificates.
 */

export interface RecordedMail {
  envelope: { from: string | null; to: string[] };
  /** The login the client used, if it logged in. */
  username: string | null;
  /** Message-ID, In-Reply-To and References as sent, angle brackets included. */
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  from: string | null;
  to: string | null;
  subject: string | null;
  text: string;
  /** Every header as sent (lowercase names; repeated headers joined with ", "). */
  headers: Record<string, string>;
  raw: string;
  at: number;
}

export interface SmtpStandin {
  /** `smtp://user:pass@127.0.0.1:port` for SMTP_URL. */
  url: string;
  readonly messages: RecordedMail[];
  /** The next `count` messages are refused with this SMTP reply (e.g. 451 or 550) after DATA. */
  failNext(code: number, text?: string, count?: number): void;
  waitFor(filter: (m: RecordedMail) => boolean, count?: number, timeoutMs?: number): Promise<RecordedMail[]>;
  close(): Promise<void>;
}

export interface SmtpStandinOptions {
  /** Messages kept, oldest dropped first (the demo runs for hours). Default 1000. */
  keep?: number;
}

export async function startSmtpStandin(options: SmtpStandinOptions = {}): Promise<SmtpStandin> {
  const keep = options.keep ?? 1000;
  const messages: RecordedMail[] = [];
  const failures: { code: number; text: string }[] = [];
  const waiter = recordWaiter(messages, 'SMTP stand-in', 'messages');

  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    allowInsecureAuth: true,
    logger: false,
    banner: 'Switchboard SMTP stand-in',
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username ?? 'anonymous' });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', (err) => callback(err));
      stream.on('end', () => {
        const failure = failures.shift();
        if (failure) {
          callback(Object.assign(new Error(failure.text), { responseCode: failure.code }));
          return;
        }
        const raw = Buffer.concat(chunks);
        void record(raw, session).then(
          () => callback(null, 'Queued'),
          (err: Error) => callback(err),
        );
      });
    },
  });

  async function record(raw: Buffer, session: Parameters<NonNullable<SMTPServer['onData']>>[1]): Promise<void> {
    const mail = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true });
    const headers: Record<string, string> = {};
    for (const { key, line } of mail.headerLines) {
      const value = line
        .slice(line.indexOf(':') + 1)
        .replace(/\r?\n[ \t]+/g, ' ')
        .trim();
      headers[key] = headers[key] === undefined ? value : `${headers[key]}, ${value}`;
    }
    const mailFrom = session.envelope.mailFrom;
    messages.push({
      envelope: {
        from: mailFrom ? mailFrom.address : null,
        to: session.envelope.rcptTo.map((r) => r.address),
      },
      username: typeof session.user === 'string' ? session.user : null,
      messageId: headers['message-id'] ?? null,
      inReplyTo: headers['in-reply-to'] ?? null,
      references: (headers.references ?? '').split(/\s+/).filter(Boolean),
      from: mail.from?.text ?? null,
      to: (Array.isArray(mail.to) ? mail.to[0] : mail.to)?.text ?? null,
      subject: mail.subject ?? null,
      text: (mail.text ?? '').trim(),
      headers,
      raw: raw.toString('utf8'),
      at: Date.now(),
    });
    if (messages.length > keep) messages.splice(0, messages.length - keep);
    waiter.recorded();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  // Keeps running through client errors (a test that drops a connection mid-message).
  server.on('error', () => undefined);
  server.server.unref();
  const { port } = server.server.address() as AddressInfo;

  return {
    url: `smtp://standin:standin@127.0.0.1:${port}`,
    messages,
    failNext(code, text = code >= 500 ? 'Mailbox unavailable' : 'Try again later', count = 1) {
      for (let i = 0; i < count; i++) failures.push({ code, text });
    },
    waitFor: waiter.waitFor,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
