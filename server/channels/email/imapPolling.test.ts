import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { serverConfig } from '../../config';
import { startImapStandin, type ImapStandin } from '../../standins/imap';
import type { ChannelContext } from '../types';
import { startEmailTestApp, mime, type EmailTestApp } from './emailTestKit';
import { parseImapUrl, startImapPolling, type ImapPolling } from './imapPolling';

let imap: ImapStandin;
let t: EmailTestApp;
beforeAll(async () => {
  imap = await startImapStandin();
  // Polls run when the tests say (pollNow); the timer would only add one every hour.
  t = await startEmailTestApp({ IMAP_URL: imap.url, IMAP_POLL_SECONDS: 3600, EMAIL_MAX_MESSAGE_BYTES: 8 * 1024 });
}, 60_000);
afterAll(async () => {
  await imap.close();
  await t.close();
});
beforeEach(() => {
  t.batches.length = 0;
});

const ingestedIds = () => t.batches.flat().map((i) => i.providerMessageId);

function start(ctx: ChannelContext = t.ctx): ImapPolling {
  const polling = startImapPolling(ctx);
  if (!polling) throw new Error('IMAP_URL is set: polling should start');
  return polling;
}

describe('IMAP polling', () => {
  it('is off without IMAP_URL', () => {
    expect(startImapPolling({ ...t.ctx, config: serverConfig({ IMAP_URL: undefined }) })).toBeNull();
  });

  it('reads IMAP_URL: scheme, credentials, port defaults and the mailbox', () => {
    expect(parseImapUrl('imaps://support%40skyward.example:p%40ss@imap.example.com/Support%20Inbox')).toEqual({
      host: 'imap.example.com',
      port: 993,
      secure: true,
      user: 'support@skyward.example',
      pass: 'p@ss',
      mailbox: 'Support Inbox',
    });
    expect(parseImapUrl('imap://u:p@127.0.0.1:1143')).toMatchObject({ port: 1143, secure: false, mailbox: 'INBOX' });
    expect(() => parseImapUrl('https://u:p@example.com')).toThrow('IMAP_URL must start with imap:// or imaps://');
    expect(() => parseImapUrl('imap://example.com')).toThrow('IMAP_URL needs a user and a host');
  });

  it('picks up two unseen messages once each and marks them seen after storing them', async () => {
    const already = imap.deliver(mime({ messageId: '<read-before@example.com>' }), ['\\Seen']);
    const one = imap.deliver(mime({ messageId: '<imap-1@example.com>', subject: 'Refund' }));
    const two = imap.deliver(mime({ messageId: '<imap-2@example.com>', inReplyTo: '<imap-1@example.com>' }));
    const polling = start();
    await polling.pollNow();
    expect(ingestedIds()).toEqual(['imap-1@example.com', 'imap-2@example.com']);
    expect(t.batches[1]![0]!.threadKey).toBe('imap-1@example.com');
    expect(imap.flags(one)).toContain('\\Seen');
    expect(imap.flags(two)).toContain('\\Seen');
    expect(imap.flags(already)).toEqual(['\\Seen']);
    const { rows } = await t.db.query(
      "select id from messages where provider = 'email' and provider_message_id in ('imap-1@example.com', 'imap-2@example.com')",
    );
    expect(rows).toHaveLength(2);

    await polling.pollNow();
    expect(t.batches).toHaveLength(2);
    expect(t.health.status('email').status).toBe('connected');
    await polling.stop();
  });

  it('never runs two polls at once: a poll asked for while one runs is that poll', async () => {
    imap.deliver(mime({ messageId: '<overlap@example.com>' }));
    const polling = start();
    const before = imap.connections;
    const [a, b] = [polling.pollNow(), polling.pollNow()];
    expect(a).toBe(b);
    await a;
    expect(imap.connections - before).toBe(1);
    expect(ingestedIds()).toEqual(['overlap@example.com']);
    await polling.stop();
  });

  it('survives the server going away: the failure is in connector health, the next poll catches up', async () => {
    const polling = start();
    await polling.pollNow();
    await imap.goAway();
    const waiting = imap.deliver(mime({ messageId: '<while-away@example.com>' }));
    await polling.pollNow();
    const failing = t.health.status('email');
    expect(failing.status).toBe('failing');
    expect(failing.lastError?.message).toMatch(/^IMAP polling of 127\.0\.0\.1:\d+ failed: /);
    expect(failing.sendFailures).toBe(0);
    expect(t.batches).toHaveLength(0);

    await imap.comeBack();
    await polling.pollNow();
    expect(ingestedIds()).toEqual(['while-away@example.com']);
    expect(imap.flags(waiting)).toContain('\\Seen');
    expect(t.health.status('email').status).toBe('connected');
    await polling.stop();
  });

  it('stop() waits for the poll in flight, which stops between messages; nothing is marked seen unstored', async () => {
    const uid = imap.deliver(mime({ messageId: '<at-stop@example.com>' }));
    const polling = start();
    let pollDone = false;
    void polling.pollNow().then(() => (pollDone = true));
    await polling.stop();
    expect(pollDone).toBe(true);
    const stored = ingestedIds().includes('at-stop@example.com');
    expect(imap.flags(uid).includes('\\Seen')).toBe(stored);
    const after = imap.connections;
    await polling.pollNow();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(imap.connections).toBe(after);

    // What the stopped poll left unread, the next one takes.
    const next = start();
    await next.pollNow();
    await next.stop();
    expect(ingestedIds()).toEqual(['at-stop@example.com']);
    expect(imap.flags(uid)).toContain('\\Seen');
  });

  it('leaves what it cannot store unread, reports it once, and goes on with the rest', async () => {
    const tooLarge = imap.deliver(mime({ messageId: '<too-large@example.com>', text: 'x'.repeat(9000) }));
    const noFrom = imap.deliver(mime({ messageId: '<no-from@example.com>', from: null }));
    const auto = imap.deliver(mime({ messageId: '<ooo@example.com>', headers: ['Auto-Submitted: auto-replied'] }));
    const good = imap.deliver(mime({ messageId: '<after-bad@example.com>' }));
    const malformed = t.health.status('email').malformed;
    const polling = start();
    await polling.pollNow();
    expect(ingestedIds()).toEqual(['after-bad@example.com']);
    expect(imap.flags(tooLarge)).not.toContain('\\Seen');
    expect(imap.flags(noFrom)).not.toContain('\\Seen');
    // Nothing to store in an out-of-office reply, and nothing to read again.
    expect(imap.flags(auto)).toContain('\\Seen');
    expect(imap.flags(good)).toContain('\\Seen');
    expect(t.health.status('email').malformed - malformed).toBe(2);

    await polling.pollNow();
    expect(t.health.status('email').malformed - malformed).toBe(2);
    await polling.stop();
  });
});
