import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmailTestApp, mime, TEST_EMAIL_TOKEN, type EmailTestApp } from './emailTestKit';

// One database for the file (opening PGlite is the slow part); every test uses its own ids.
let t: EmailTestApp;
let health: ReturnType<EmailTestApp['health']['status']>;
beforeAll(async () => {
  t = await startEmailTestApp({ EMAIL_MAX_ATTACHMENT_BYTES: 2048, EMAIL_MAX_MESSAGE_BYTES: 64 * 1024 });
}, 60_000);
afterAll(async () => {
  await t.close();
});
beforeEach(() => {
  t.batches.length = 0;
  health = t.health.status('email');
});

/** How a health counter moved during this test. */
const moved = (key: 'events' | 'authFailures' | 'malformed') => t.health.status('email')[key] - health[key];
const messageCount = async () => (await t.db.query('select id from messages')).rows.length;

const last = () => t.batches.at(-1)![0]!;

async function threadOf(providerMessageId: string): Promise<{ conversation_id: string; thread_key: string }> {
  const { rows } = await t.db.query<{ conversation_id: string; thread_key: string }>(
    `select m.conversation_id, c.thread_key from messages m join conversations c on c.id = m.conversation_id
     where m.provider = 'email' and m.provider_message_id = $1`,
    [providerMessageId],
  );
  return rows[0]!;
}

describe('POST /webhooks/email', () => {
  it('maps a multipart/alternative message: From, subject, the text part, sanitised HTML and ids in meta', async () => {
    const res = await t.post(
      mime({
        from: '"Ana Ruiz" <Ana.Ruiz@Example.com>',
        subject: 'Lost bag on SK123',
        messageId: '<root-1@mail.example.com>',
        text: 'My red suitcase did not arrive in Madrid.',
        html: '<p>My <b>red</b> suitcase did not arrive in Madrid.</p>',
      }),
    );
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ received: 1, accepted: 1, duplicates: 0 });
    expect(last()).toMatchObject({
      provider: 'email',
      providerMessageId: 'root-1@mail.example.com',
      channel: 'email',
      threadKey: 'root-1@mail.example.com',
      author: { kind: 'email', value: 'ana.ruiz@example.com', displayName: 'Ana Ruiz' },
      subject: 'Lost bag on SK123',
      text: 'My red suitcase did not arrive in Madrid.',
      meta: {
        messageId: 'root-1@mail.example.com',
        inReplyTo: null,
        references: null,
        html: '<p>My <b>red</b> suitcase did not arrive in Madrid.</p>',
      },
    });
    const { rows } = await t.db.query<{ body: string; meta: Record<string, unknown> }>(
      "select body, meta from messages where provider_message_id = 'root-1@mail.example.com'",
    );
    expect(rows[0]!.body).toBe('My red suitcase did not arrive in Madrid.');
    expect(rows[0]!.meta.messageId).toBe('root-1@mail.example.com');
    expect(moved('events')).toBe(1);
    expect(t.health.status('email').status).toBe('connected');
  });

  it('sanitises an HTML-only message: no script, no style block, no remote image, links kept with noopener', async () => {
    await t.post(
      mime({
        messageId: '<html-only@example.com>',
        html:
          '<html><head><style>body{background:url(https://tracker.example/bg.png)}</style><script>steal()</script></head>' +
          '<body onload="steal()"><p style="color: red; position: fixed">Where is my <b>refund</b>?</p>' +
          '<img src="https://tracker.example/open.gif?u=1" width="1" height="1"><img src="cid:logo@example.com" alt="logo">' +
          '<a href="https://example.com/booking/ABC123" onclick="steal()">my booking</a> <a href="javascript:steal()">x</a></body></html>',
      }),
    );
    const { text, meta } = last();
    const html = String(meta!.html);
    expect(html).not.toMatch(/script|steal|onload|onclick|<style|position|tracker\.example|javascript:/i);
    expect(html).toContain('<p style="color:red">Where is my <b>refund</b>?</p>');
    expect(html).toContain('<img alt="logo" src="cid:logo@example.com" />');
    expect(html).toContain('<a href="https://example.com/booking/ABC123" rel="noopener noreferrer">my booking</a>');
    // No text part: the HTML converted to text.
    expect(text).toContain('Where is my refund?');
    expect(text).not.toContain('steal');
  });

  it('stores attachments; one over EMAIL_MAX_ATTACHMENT_BYTES is a row without content and a reason', async () => {
    const small = Buffer.from('%PDF-1.4 boarding pass');
    const large = Buffer.alloc(5000, 7);
    const res = await t.post(
      mime({
        messageId: '<with-files@example.com>',
        text: 'Receipts attached.',
        attachments: [
          { filename: 'boarding-pass.pdf', contentType: 'application/pdf', content: small },
          { filename: '../../etc/photo.jpg', contentType: 'image/jpeg', content: large },
        ],
      }),
    );
    expect(res.statusCode).toBe(200);
    expect(last().meta).toMatchObject({
      attachmentCount: 2,
      attachments: 'boarding-pass.pdf (application/pdf, 22 B); photo.jpg (image/jpeg, 5 KB, not stored: too large)',
    });
    const { rows } = await t.db.query<{
      filename: string;
      content_type: string;
      size: string;
      sha256: string;
      content: Buffer | Uint8Array | null;
      skipped_reason: string | null;
      message_id: string;
    }>('select a.* from attachments a join messages m on m.id = a.message_id order by a.filename');
    expect(rows).toHaveLength(2);
    const [pdf, photo] = rows;
    expect(pdf).toMatchObject({ filename: 'boarding-pass.pdf', content_type: 'application/pdf', skipped_reason: null });
    expect(Number(pdf!.size)).toBe(small.length);
    expect(Buffer.from(pdf!.content!).equals(small)).toBe(true);
    expect(pdf!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(photo).toMatchObject({ filename: 'photo.jpg', content: null });
    expect(Number(photo!.size)).toBe(5000);
    expect(photo!.skipped_reason).toBe(
      'Not stored: 5 KB is over the 2 KB limit for attachments (EMAIL_MAX_ATTACHMENT_BYTES). Ask the customer to send a smaller file or a link.',
    );

    // A redelivery is a duplicate and adds no rows.
    const again = await t.post(
      mime({
        messageId: '<with-files@example.com>',
        text: 'Receipts attached.',
        attachments: [{ filename: 'boarding-pass.pdf', contentType: 'application/pdf', content: small }],
      }),
    );
    expect(again.json()).toEqual({ received: 1, accepted: 0, duplicates: 1 });
    expect((await t.db.query('select id from attachments')).rows).toHaveLength(2);
    expect(rows.every((r) => r.message_id === rows[0]!.message_id)).toBe(true);
  });

  it('a reply joins its thread by In-Reply-To', async () => {
    await t.post(mime({ messageId: '<first@example.com>' }));
    await t.post(mime({ messageId: '<second@example.com>', inReplyTo: '<first@example.com>' }));
    expect(last()).toMatchObject({ threadKey: 'first@example.com', meta: { inReplyTo: 'first@example.com' } });
    expect((await threadOf('second@example.com')).conversation_id).toBe(
      (await threadOf('first@example.com')).conversation_id,
    );
  });

  it('a reply whose In-Reply-To is unknown joins by References, newest known message first', async () => {
    await t.post(mime({ messageId: '<a1@example.com>' }));
    await t.post(
      mime({ messageId: '<a2@example.com>', inReplyTo: '<a1@example.com>', references: '<a1@example.com>' }),
    );
    // In-Reply-To names a message we never got (the customer's reply to someone in Cc).
    await t.post(
      mime({
        messageId: '<a4@example.com>',
        inReplyTo: '<a3-never-seen@example.com>',
        references: '<a1@example.com> <a2@example.com> <a3-never-seen@example.com>',
      }),
    );
    expect(last()).toMatchObject({
      threadKey: 'a1@example.com',
      meta: { references: 'a1@example.com a2@example.com a3-never-seen@example.com' },
    });
    expect((await threadOf('a4@example.com')).conversation_id).toBe((await threadOf('a1@example.com')).conversation_id);
  });

  it("a customer's reply to our sent Message-ID joins the thread", async () => {
    await t.post(mime({ messageId: '<q1@example.com>', subject: 'Refund' }));
    const { conversation_id } = await threadOf('q1@example.com');
    // The agent's reply as the dispatcher stores it: provider email, our Message-ID in normal form.
    await t.db.query(
      `insert into messages (id, conversation_id, direction, visibility, body, provider, provider_message_id, created_at)
       values ('reply-1', $1, 'outbound', 'private', 'We are on it.', 'email', 'reply-1@skywardair.example', now())`,
      [conversation_id],
    );
    // Their client quotes only our message (no References to their own).
    await t.post(mime({ messageId: '<q2@example.com>', inReplyTo: '<reply-1@skywardair.example>' }));
    expect(last().threadKey).toBe('q1@example.com');
    expect((await threadOf('q2@example.com')).conversation_id).toBe(conversation_id);
  });

  it('a first message of an unknown thread is keyed by its root: first Reference, else In-Reply-To', async () => {
    await t.post(
      mime({
        messageId: '<x3@example.com>',
        inReplyTo: '<x2@example.com>',
        references: '<x1@example.com> <x2@example.com>',
      }),
    );
    expect(last().threadKey).toBe('x1@example.com');
    await t.post(mime({ messageId: '<y2@example.com>', inReplyTo: '<y1@example.com>' }));
    expect(last().threadKey).toBe('y1@example.com');
  });

  it('a message without a Message-ID gets a stable one from its bytes: redelivered, it is a duplicate', async () => {
    const raw = mime({ messageId: null, date: 'Tue, 07 May 2024 10:00:00 +0000' });
    const first = await t.post(raw);
    const second = await t.post(raw);
    expect(first.json()).toMatchObject({ accepted: 1 });
    expect(second.json()).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(t.batches[0]![0]!.providerMessageId).toMatch(/^sha256-[0-9a-f]{40}@switchboard\.invalid$/);
    expect(t.batches[0]![0]!.meta!.sentAt).toBe('2024-05-07T10:00:00.000Z');
  });

  it('mail from our own address and automatic replies: 200, nothing stored', async () => {
    const before = await messageCount();
    const cases = [
      mime({ from: 'Skyward Air Support <SUPPORT@skywardair.example>' }),
      mime({ headers: ['Auto-Submitted: auto-replied'] }),
      mime({ headers: ['Precedence: bulk'] }),
      mime({ headers: ['X-Autoreply: yes'] }),
    ];
    for (const raw of cases) {
      const res = await t.post(raw);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ received: 1, accepted: 0 });
    }
    // Auto-Submitted: no is a person writing, and list mail is kept (a support alias may be a list).
    expect((await t.post(mime({ headers: ['Auto-Submitted: no'] }))).json()).toMatchObject({ accepted: 1 });
    expect((await t.post(mime({ headers: ['Precedence: list'] }))).json()).toMatchObject({ accepted: 1 });
    expect(t.batches).toHaveLength(2);
    expect(await messageCount()).toBe(before + 2);
  });

  it('a message without a usable From address is refused with 400 and the reason', async () => {
    for (const from of [null, 'undisclosed-recipients:;', 'Just A Name']) {
      const res = await t.post(mime({ from }));
      expect(res.statusCode).toBe(400);
      expect(res.json<{ error: { code: string; message: string } }>().error.message).toMatch(/no usable From address/);
    }
    expect(t.batches).toHaveLength(0);
    expect(moved('malformed')).toBe(3);
  });

  it('a wrong or missing token is 401, counted as an auth failure, nothing stored', async () => {
    const before = await messageCount();
    const raw = mime({});
    const wrong = await t.post(raw, { token: 'not-the-token-at-all' });
    const missing = await t.post(raw, { token: null });
    for (const res of [wrong, missing]) {
      expect(res.statusCode).toBe(401);
      expect(res.json<{ error: { code: string; message: string } }>().error.code).toBe('unauthorized');
    }
    expect(moved('authFailures')).toBe(2);
    expect(t.health.status('email').status).toBe('failing');
    expect(t.batches).toHaveLength(0);
    expect(await messageCount()).toBe(before);
  });

  it('another content type is 415 with the one it expects', async () => {
    const res = await t.post(JSON.stringify({ from: 'a@b.c' }), { contentType: 'application/json' });
    expect(res.statusCode).toBe(415);
    expect(res.json<{ error: { code: string; message: string } }>().error.message).toBe(
      'Send one raw MIME message with Content-Type: message/rfc822 (got "application/json").',
    );
    expect((await t.post(mime({}), { contentType: null })).statusCode).toBe(415);
    expect(t.batches).toHaveLength(0);
  });

  it('a message over EMAIL_MAX_MESSAGE_BYTES is 413 with the limit', async () => {
    const res = await t.post(mime({ text: 'x'.repeat(70 * 1024) }));
    expect(res.statusCode).toBe(413);
    expect(res.json<{ error: { code: string; message: string } }>().error).toEqual({
      code: 'too_large',
      message:
        'The message is larger than 64 KB (EMAIL_MAX_MESSAGE_BYTES); nothing was stored. Raise the limit or have the sender attach less.',
    });
    expect(t.batches).toHaveLength(0);
  });

  it('an empty body and a body that is no message are 400', async () => {
    expect((await t.post('')).statusCode).toBe(400);
    const res = await t.post('\u0000\u0001 not mail at all');
    expect(res.statusCode).toBe(400);
  });

  it('load shedding answers 429 with Retry-After and stores nothing', async () => {
    t.nextOutcome = { status: 'overloaded' };
    const res = await t.post(mime({}));
    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBe('1');
  });

  it('the token is checked before the content type and the size', async () => {
    const res = await t.post('x'.repeat(70 * 1024), { token: TEST_EMAIL_TOKEN.slice(1), contentType: 'text/plain' });
    expect(res.statusCode).toBe(401);
  });
});
