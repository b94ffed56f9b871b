import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerConfig } from '../../config';
import { startSmtpStandin, type SmtpStandin } from '../../standins/smtp';
import { refusal, senderContext } from '../senderTestKit';
import type { ChannelContext, OutboundReply } from '../types';
import { freshSubject, replySubject } from './smtpSender';
import { createEmailSender } from './index';

let smtp: SmtpStandin;
beforeAll(async () => {
  smtp = await startSmtpStandin();
});
afterAll(async () => {
  await smtp.close();
});

function context(overrides: Partial<ServerConfig>): ChannelContext {
  return senderContext({ EMAIL_FROM: 'Skyward Air <support@skywardair.example>', ...overrides });
}

let replies = 0;
function reply(overrides: Partial<OutboundReply> = {}): OutboundReply {
  const id = `0b6c1f2e-0000-4000-8000-${String(++replies).padStart(12, '0')}`;
  return {
    deliveryId: id,
    messageId: id,
    conversationId: 'conv-1',
    conversationChannel: 'email',
    channel: 'email',
    visibility: 'private',
    body: 'Hello Ana,\n\nYour bag is on its way to Madrid.\n\nDana',
    threadKey: 'root@mail.example.com',
    subject: 'Re: RE: Lost bag on SK123',
    recipient: { kind: 'email', value: 'ana.ruiz@example.com', displayName: 'Ana Ruiz' },
    inReplyTo: {
      providerMessageId: 'second@mail.example.com',
      meta: { messageId: 'second@mail.example.com', references: 'root@mail.example.com' },
    },
    threadMessageIds: ['root@mail.example.com', 'earlier-reply@skywardair.example', 'second@mail.example.com'],
    lastInboundAt: new Date(),
    agent: { id: 'dana', name: 'Dana' },
    attempt: 0,
    ...overrides,
  };
}

describe('email replies over SMTP', () => {
  it('threads the reply: our Message-ID, In-Reply-To their newest mail, References the thread, one "Re:"', async () => {
    const sender = createEmailSender(context({ SMTP_URL: smtp.url }));
    const outbound = reply();
    const result = await sender.send(outbound);
    expect(result.providerMessageId).toBe(`${outbound.messageId}@skywardair.example`);

    const [mail] = await smtp.waitFor((m) => m.messageId === `<${outbound.messageId}@skywardair.example>`);
    expect(mail).toMatchObject({
      envelope: { from: 'support@skywardair.example', to: ['ana.ruiz@example.com'] },
      username: 'standin',
      inReplyTo: '<second@mail.example.com>',
      references: ['<root@mail.example.com>', '<earlier-reply@skywardair.example>', '<second@mail.example.com>'],
      subject: 'Re: Lost bag on SK123',
      from: '"Skyward Air" <support@skywardair.example>',
      to: '"Ana Ruiz" <ana.ruiz@example.com>',
      text: 'Hello Ana,\n\nYour bag is on its way to Madrid.\n\nDana',
    });
    await sender.close?.();
  });

  it('a resend of the same reply carries the same Message-ID', async () => {
    const sender = createEmailSender(context({ SMTP_URL: smtp.url }));
    const outbound = reply();
    await sender.send(outbound);
    await sender.send({ ...outbound, attempt: 1 });
    const sent = await smtp.waitFor((m) => m.messageId === `<${outbound.messageId}@skywardair.example>`, 2);
    expect(sent).toHaveLength(2);
    await sender.close?.();
  });

  it('In-Reply-To falls back to the provider id when meta has no messageId', async () => {
    const sender = createEmailSender(context({ SMTP_URL: smtp.url }));
    const outbound = reply({ inReplyTo: { providerMessageId: 'only-id@mail.example.com', meta: {} } });
    await sender.send(outbound);
    const [mail] = await smtp.waitFor((m) => m.messageId === `<${outbound.messageId}@skywardair.example>`);
    expect(mail!.inReplyTo).toBe('<only-id@mail.example.com>');
    await sender.close?.();
  });

  it('ids we made up for mail without a Message-ID are never sent in the headers', async () => {
    const sender = createEmailSender(context({ SMTP_URL: smtp.url }));
    const madeUp = `sha256-${'ab'.repeat(20)}@switchboard.invalid`;
    const outbound = reply({
      inReplyTo: { providerMessageId: madeUp, meta: { messageId: madeUp } },
      threadMessageIds: ['root@mail.example.com', madeUp],
    });
    await sender.send(outbound);
    const [mail] = await smtp.waitFor((m) => m.messageId === `<${outbound.messageId}@skywardair.example>`);
    expect(mail).toMatchObject({ inReplyTo: null, references: ['<root@mail.example.com>'] });
    await sender.close?.();
  });

  it('a social thread answered by email is a fresh email: no In-Reply-To or References, a subject naming where it came from', async () => {
    const sender = createEmailSender(context({ SMTP_URL: smtp.url }));
    const outbound = reply({
      conversationChannel: 'x_dm',
      subject: null,
      body: 'Hi Ana, following up on your DM by email as you asked.',
      inReplyTo: { providerMessageId: '1790000000000000001', meta: { senderId: '42' } },
      threadMessageIds: ['1790000000000000001'],
    });
    await sender.send(outbound);
    const [mail] = await smtp.waitFor((m) => m.messageId === `<${outbound.messageId}@skywardair.example>`);
    expect(mail).toMatchObject({
      inReplyTo: null,
      references: [],
      subject: 'Your message to Skyward Air on X',
      text: 'Hi Ana, following up on your DM by email as you asked.',
    });
    expect(mail!.headers['in-reply-to']).toBeUndefined();
    await sender.close?.();
  });

  it('451 is retryable; 550 is not, with the server text', async () => {
    const sender = createEmailSender(context({ SMTP_URL: smtp.url }));
    smtp.failNext(451, 'Greylisted, try again in 5 minutes');
    const deferred = await refusal(sender.send(reply()));
    expect(deferred.retryable).toBe(true);
    expect(deferred.message).toMatch(/^The mail server deferred the reply: 451 Greylisted, try again in 5 minutes/);

    smtp.failNext(550, 'No such user here');
    const refused = await refusal(sender.send(reply()));
    expect(refused.retryable).toBe(false);
    expect(refused.message).toMatch(/^The mail server refused the reply: 550 No such user here/);
    await sender.close?.();
  });

  it('a refused connection and a server that never greets are retryable', async () => {
    // A port that was just free: nothing listens there.
    const probe: Server = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const freePort = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const refusedConn = await refusal(
      createEmailSender(context({ SMTP_URL: `smtp://127.0.0.1:${freePort}` })).send(reply()),
    );
    expect(refusedConn.retryable).toBe(true);
    expect(refusedConn.message).toMatch(/^The mail server could not be reached: .*ECONNREFUSED/);

    // Accepts the connection and says nothing: the greeting timeout gives up.
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const silentPort = (silent.address() as AddressInfo).port;
    const started = Date.now();
    const timedOut = await refusal(
      createEmailSender(context({ SMTP_URL: `smtp://127.0.0.1:${silentPort}` }), {
        connectMs: 1000,
        greetingMs: 500,
        idleMs: 1000,
      }).send(reply()),
    );
    expect(timedOut.retryable).toBe(true);
    expect(timedOut.message).toMatch(/^The mail server could not be reached: .*greeting/i);
    expect(Date.now() - started).toBeLessThan(3000);
    silent.close();
  });

  it('without SMTP_URL nothing is sent and the agent is told how to fix it', async () => {
    const err = await refusal(createEmailSender(context({ SMTP_URL: undefined })).send(reply()));
    expect(err).toMatchObject({ retryable: false, message: 'Email sending is not configured: set SMTP_URL.' });
  });

  it('a reply subject gets one "Re:" whatever prefixes it had', () => {
    expect(replySubject('Lost bag')).toBe('Re: Lost bag');
    expect(replySubject('Re: Re: RE: Lost bag')).toBe('Re: Lost bag');
    expect(replySubject('AW: Fwd: Re[2]: Lost bag')).toBe('Re: Lost bag');
    expect(replySubject(null)).toBe('Re: Your message');
  });

  it('a thread from another channel gets a subject saying where it started', () => {
    expect(freshSubject('Skyward Air', 'messenger')).toBe('Your message to Skyward Air on Messenger');
    expect(freshSubject('Skyward Air', 'chat')).toBe('Your chat with Skyward Air');
    expect(freshSubject('Skyward Air', 'voice')).toBe('Your call with Skyward Air');
    expect(freshSubject(null, 'x_public')).toBe('Your message on X');
  });
});
