import { ImapFlow } from 'imapflow';
import type { ChannelContext } from '../types';
import { createEmailReceiver, type EmailReceiver } from './receiveEmail';

/**
 * Inbound mail from a mailbox (IMAP_URL) every IMAP_POLL_SECONDS: each unseen message's raw
 * source goes through the same path as the webhook, and is marked \Seen only once it was stored
 * (or needs nothing stored), so a crash between the two means a duplicate next time, never a loss.
 * One connection per poll: a server that went away is simply tried again at the next poll.
 */

export interface ImapSettings {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  pass: string;
  mailbox: string;
}

/** `imap://user:pass@host:143/INBOX` or `imaps://user:pass@host:993/Support` (mailbox defaults to INBOX). */
export function parseImapUrl(value: string): ImapSettings {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error('IMAP_URL is not a URL: write it as imaps://user:password@imap.example.com:993/INBOX.');
  }
  if (url.protocol !== 'imap:' && url.protocol !== 'imaps:') {
    throw new Error(`IMAP_URL must start with imap:// or imaps:// (got ${url.protocol}//).`);
  }
  if (!url.hostname || !url.username) {
    throw new Error('IMAP_URL needs a user and a host: imaps://user:password@imap.example.com:993/INBOX.');
  }
  const secure = url.protocol === 'imaps:';
  const mailbox = decodeURIComponent(url.pathname.replace(/^\/+/, '')) || 'INBOX';
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : secure ? 993 : 143,
    secure,
    user: decodeURIComponent(url.username),
    pass: decodeURIComponent(url.password),
    mailbox,
  };
}

/** Messages taken per poll: a backlog drains over several polls, and stop() never waits long. */
const MAX_PER_POLL = 100;

export interface ImapPolling {
  /** Runs one poll now (tests); resolves when it is done. Never overlaps a running one. */
  pollNow(): Promise<void>;
  stop(): Promise<void>;
}

export function startImapPolling(ctx: ChannelContext): ImapPolling | null {
  if (!ctx.config.IMAP_URL) return null;
  const settings = parseImapUrl(ctx.config.IMAP_URL);
  const receive = createEmailReceiver(ctx);
  const intervalMs = ctx.config.IMAP_POLL_SECONDS * 1000;
  let stopped = false;
  // Unread messages that cannot be stored (too large, no From): skipped until the process restarts.
  const passedOver = new Set<string>();
  let running: Promise<void> | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const poll = (): Promise<void> => {
    running ??= pollOnce(ctx, settings, receive, passedOver, () => stopped)
      .catch((err: unknown) => {
        const reason = err instanceof Error ? err.message : String(err);
        const message = `IMAP polling of ${settings.host}:${settings.port} failed: ${reason}`;
        ctx.health.failed('email', message, false);
        ctx.log.warn({ err }, message);
      })
      .finally(() => {
        running = null;
      });
    return running;
  };

  // The next poll is scheduled when this one ends, so a slow mailbox never stacks polls.
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => void poll().finally(schedule), intervalMs);
    timer.unref();
  };
  timer = setTimeout(() => void poll().finally(schedule), 0);
  timer.unref();

  return {
    pollNow: () => (stopped ? Promise.resolve() : poll()),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

async function pollOnce(
  ctx: ChannelContext,
  settings: ImapSettings,
  receive: EmailReceiver,
  passedOver: Set<string>,
  stopped: () => boolean,
): Promise<void> {
  const maxBytes = ctx.config.EMAIL_MAX_MESSAGE_BYTES;
  const client = new ImapFlow({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    auth: { user: settings.user, pass: settings.pass },
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
    maxLiteralSize: maxBytes + 64 * 1024,
  });
  // A dropped connection is reported here as well as by the command that was waiting on it.
  client.on('error', () => undefined);
  await client.connect();
  try {
    const lock = await client.getMailboxLock(settings.mailbox);
    try {
      const box = client.mailbox;
      const validity = box ? String(box.uidValidity) : '';
      const unseen = ((await client.search({ seen: false }, { uid: true })) || []).filter(
        (uid) => !passedOver.has(`${validity}:${uid}`),
      );
      const sizes = new Map<number, { size: number; receivedAt: Date | undefined }>();
      if (unseen.length > 0) {
        const batch = unseen.sort((a, b) => a - b).slice(0, MAX_PER_POLL);
        for await (const message of client.fetch(batch, { uid: true, size: true, internalDate: true }, { uid: true })) {
          const internal = message.internalDate;
          const receivedAt = internal instanceof Date && !Number.isNaN(internal.getTime()) ? internal : undefined;
          sizes.set(message.uid, { size: message.size ?? 0, receivedAt });
        }
      }
      for (const [uid, { size, receivedAt }] of [...sizes].sort(([a], [b]) => a - b)) {
        if (stopped()) break;
        // What cannot be stored stays unread for a person to see, and is not read again here.
        const passOver = (reason: string) => {
          passedOver.add(`${validity}:${uid}`);
          ctx.health.refused('email', 'malformed', `IMAP message ${uid}: ${reason}`);
          ctx.log.warn({ uid, reason }, 'IMAP message not stored; left unread in the mailbox');
        };
        if (size > maxBytes) {
          passOver(`larger than EMAIL_MAX_MESSAGE_BYTES (${size} bytes)`);
          continue;
        }
        const fetched = await client.fetchOne(String(uid), { source: true }, { uid: true });
        if (!fetched || !fetched.source) continue;
        const received = await receive(fetched.source, receivedAt);
        if (received.status === 'refused') {
          passOver(received.reason);
          continue;
        }
        if (received.status === 'ingested') {
          // Shedding load: leave the rest unread for the next poll.
          if (received.outcome.status === 'overloaded') break;
          if (received.outcome.status === 'invalid') {
            passOver(received.outcome.reason);
            continue;
          }
        }
        ctx.health.event('email', false);
        // Stored (or a duplicate, our own or an automatic mail): done with it.
        await client.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
      }
    } finally {
      lock.release();
    }
    ctx.health.ok('email');
  } finally {
    await client.logout().catch(() => client.close());
  }
}
