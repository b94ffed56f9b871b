import { afterEach, describe, expect, it } from 'vitest';
import { startSmtpStandin, type SmtpStandin } from '../../standins/smtp';
import { DB_KINDS } from '../../testing/testDatabase';
import { startTestServer, type TestClient, type TestServer } from '../../testing/testServer';
import { connectorStatus, conversationOfMessage, deliverWebhook, deliveryOf } from '../channelIntegrationKit';
import { mime } from './emailTestKit';

const TOKEN = 'integration-inbound-email-token';
const FROM = 'Skyward Air Support <support@skywardair.example>';

/**
 * Email end to end on the real backend: raw MIME in through `POST /webhooks/email` with the
 * token, routed to an available agent, threaded by Message-ID, In-Reply-To and References both
 * ways, and the agent's replies out through the SMTP stand-in with threading headers.
 */
describe.each(DB_KINDS)('the email channel on %s', (kind) => {
  let t: TestServer;
  let smtp: SmtpStandin;
  afterEach(async () => {
    await t?.close();
    await smtp?.close();
  });

  const deliver = (raw: string, token = TOKEN) =>
    deliverWebhook(t, '/webhooks/email', raw, { 'content-type': 'message/rfc822', authorization: `Bearer ${token}` });

  const conversationOf = (id: string) => conversationOfMessage(t, 'email', id);

  async function reply(agent: TestClient, conversationId: string, body: string) {
    const messageId = crypto.randomUUID();
    const result = await agent.op('conversation.reply', { conversationId, messageId, body, visibility: 'private' });
    expect(result.status, JSON.stringify(result)).toBe('applied');
    return messageId;
  }

  it(
    'routes an authorised email, threads both ways, sends replies with In-Reply-To and References, retries a 451',
    { timeout: 60_000 },
    async () => {
      smtp = await startSmtpStandin();
      t = await startTestServer(kind, { SMTP_URL: smtp.url, INBOUND_EMAIL_TOKEN: TOKEN, EMAIL_FROM: FROM });
      await t.addAgent({ id: 'dana', name: 'Dana' });
      await t.addAgent({ id: 'lee', role: 'admin', team: null });
      const dana = await t.connect('dana');
      await dana.op('presence.set', { presence: 'available' });
      await t.settle();

      // Ana writes in, with her boarding pass: an email conversation assigned to Dana.
      const first = await deliver(
        mime({
          from: 'Ana Ruiz <ana.ruiz@example.com>',
          subject: 'Lost bag on SK123',
          messageId: '<root@mail.example.com>',
          text: 'My red suitcase did not arrive in Madrid. File MADSK12345.',
          attachments: [
            { filename: 'boarding-pass.pdf', contentType: 'application/pdf', content: Buffer.from('%PDF-1.4') },
          ],
        }),
      );
      expect(first).toMatchObject({ status: 200, body: { accepted: 1 } });
      const opened = await conversationOf('root@mail.example.com');
      expect(opened).toMatchObject({
        thread_key: 'root@mail.example.com',
        assigned_agent_id: 'dana',
        status: 'assigned',
      });
      const conversationId = opened!.id;
      const { rows: files } = await t.db.query('select filename, size from attachments');
      expect(files).toEqual([{ filename: 'boarding-pass.pdf', size: expect.anything() as unknown }]);

      // Her follow-up answers her first mail: same conversation.
      t.clock.advance(60_000);
      await deliver(
        mime({
          from: 'Ana Ruiz <ana.ruiz@example.com>',
          subject: 'Re: Lost bag on SK123',
          messageId: '<second@mail.example.com>',
          inReplyTo: '<root@mail.example.com>',
          references: '<root@mail.example.com>',
          text: 'Any news?',
        }),
      );
      expect((await conversationOf('second@mail.example.com'))?.id).toBe(conversationId);

      // Dana answers: the SMTP stand-in gets it threaded under Ana's newest mail.
      t.clock.advance(60_000);
      const firstReply = await reply(dana, conversationId, 'Hello Ana, your bag is on the 14:05 to Madrid.');
      const sent = await deliveryOf(t, firstReply);
      expect(sent).toMatchObject({ status: 'sent', provider_message_id: `${firstReply}@skywardair.example` });
      const [mail] = await smtp.waitFor((m) => m.messageId === `<${firstReply}@skywardair.example>`);
      expect(mail).toMatchObject({
        envelope: { from: 'support@skywardair.example', to: ['ana.ruiz@example.com'] },
        subject: 'Re: Lost bag on SK123',
        inReplyTo: '<second@mail.example.com>',
        references: ['<root@mail.example.com>', '<second@mail.example.com>'],
        text: 'Hello Ana, your bag is on the 14:05 to Madrid.',
      });

      // Ana answers OUR mail (her client names only it): same conversation.
      t.clock.advance(60_000);
      await deliver(
        mime({
          from: 'Ana Ruiz <ana.ruiz@example.com>',
          subject: 'Re: Lost bag on SK123',
          messageId: '<third@mail.example.com>',
          inReplyTo: `<${firstReply}@skywardair.example>`,
          text: 'Thank you! Will it be delivered to my hotel?',
        }),
      );
      expect((await conversationOf('third@mail.example.com'))?.id).toBe(conversationId);

      // The mail server greylists the next reply (451): retried with the same Message-ID.
      t.clock.advance(60_000);
      smtp.failNext(451, 'Greylisted, try again later');
      const secondReply = await reply(dana, conversationId, 'Yes, to the Hotel Prado by 18:00.');
      const deferred = await deliveryOf(t, secondReply, (d) => d.attempts > 0);
      expect(deferred).toMatchObject({ status: 'pending' });
      expect(deferred.last_error).toMatch(/^The mail server deferred the reply: 451 Greylisted/);
      t.clock.advance(2_000);
      t.server.channels.dispatcher.kick();
      expect(await deliveryOf(t, secondReply)).toMatchObject({ status: 'sent' });
      const [again] = await smtp.waitFor((m) => m.messageId === `<${secondReply}@skywardair.example>`);
      expect(again).toMatchObject({
        inReplyTo: '<third@mail.example.com>',
        references: [
          '<root@mail.example.com>',
          '<second@mail.example.com>',
          `<${firstReply}@skywardair.example>`,
          '<third@mail.example.com>',
        ],
        subject: 'Re: Lost bag on SK123',
      });

      // A wrong token: 401, nothing stored, counted for the admins.
      const forged = await deliver(mime({ messageId: '<forged@mail.example.com>' }), 'not-the-inbound-token');
      expect(forged).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
      expect(await conversationOf('forged@mail.example.com')).toBeUndefined();
      expect(await connectorStatus(t, 'lee', 'email')).toMatchObject({
        events: 3,
        authFailures: 1,
        sent: 2,
        sendFailures: 1,
      });
    },
  );
});
