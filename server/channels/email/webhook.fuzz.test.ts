import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChannelTestApp } from '../channelTestKit';
import { startEmailTestApp, TEST_EMAIL_FROM, TEST_EMAIL_TOKEN, type EmailTestApp } from './emailTestKit';
import { registerEmailChannel } from './index';
import { EMAIL_WEBHOOK_PATH } from './webhook';

/**
 * Whatever arrives at POST /webhooks/email (random bytes, random header combinations, broken
 * MIME structure, charsets and encodings), signed or not, is answered 2xx or a clear 4xx: never a
 * 5xx, never a crash, and never a mapped interaction that the ingestion schema refuses.
 */

const ID_POOL = [
  '<fuzz-1@x.example>',
  '<fuzz-2@x.example>',
  '<fuzz-3@x.example>',
  '<a@x.example>',
  '<b@x.example>',
  'c@x.example',
  '<>',
  '<d e@x>',
  '<\u0000@x>',
  `<${'l'.repeat(600)}@x>`,
];
const text = fc.string({ maxLength: 60, unit: 'binary' });
const header = (name: string, value: fc.Arbitrary<string>) =>
  fc.option(
    value.map((v) => `${name}: ${v}`),
    { nil: undefined },
  );
const anyOf = (...values: string[]) => fc.constantFrom(...values);

const fromHeader = fc.oneof(
  anyOf('Ana <ana@example.com>', 'ana@example.com', '"Ruiz, Ana" <ANA@EXAMPLE.COM>', '=?UTF-8?B?THVjw61h?= <l@e.es>'),
  anyOf('undisclosed-recipients:;', 'Group: a@b.c, d@e.f;', '<>', '@', 'a@', '@b', 'Name Only', ''),
  anyOf(`x@${'d'.repeat(400)}.com`, 'support@skywardair.example', 'Sup <SUPPORT@skywardair.example>'),
  text,
);
const contentType = fc.oneof(
  anyOf('text/plain; charset=utf-8', 'text/html', 'text/plain; charset=utf-7', 'text/plain; charset=x-unknown'),
  anyOf(
    'multipart/alternative; boundary="B"',
    'multipart/mixed; boundary=B',
    'multipart/mixed',
    'multipart/report; boundary=B',
  ),
  anyOf('image/png; name="a.png"', 'application/octet-stream', 'message/rfc822', '', ';;;'),
  text,
);
const body = fc.oneof(
  text,
  fc.string({ maxLength: 300 }),
  anyOf(
    '--B\r\nContent-Type: text/plain\r\n\r\nhello\r\n--B\r\nContent-Type: text/html\r\n\r\n<p>hi<script>x()</script><img src=http://t/p.gif></p>\r\n--B--',
    '--B\r\nContent-Type: application/pdf; name="../../x.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--B--',
    '--B\r\nContent-Type: multipart/alternative; boundary=C\r\n\r\n--C\r\n\r\nnested\r\n--C--\r\n--B--',
    '--B\r\n\r\nunterminated',
    '<html><body onload=x()><style>*{}</style><a href="javascript:x()">y</a></body></html>',
    '=?UTF-8?Q?=E2=82?= =C3=28 =\r\n',
    '\u0000\u0000\u0000',
  ),
);

/** Random messages; `storable` ones have a real From and no automatic-mail headers, so they reach the database. */
const messages = (storable: boolean) =>
  fc
    .record({
      headers: fc.tuple(
        storable
          ? fc
              .tuple(
                fc.string({ maxLength: 40 }),
                fc.constantFrom('ana@example.com', 'B.Ruiz@Example.ES', 'x@y.example'),
              )
              .map(([name, address]) => `From: "${name.replace(/["\\\r\n]/g, '')}" <${address}>`)
          : header('From', fromHeader),
        header('Message-ID', fc.oneof(fc.constantFrom(...ID_POOL), text)),
        header('In-Reply-To', fc.oneof(fc.constantFrom(...ID_POOL), text)),
        header(
          'References',
          fc.array(fc.constantFrom(...ID_POOL), { maxLength: 6 }).map((ids) => ids.join(' ')),
        ),
        header('Subject', fc.oneof(text, anyOf('=?UTF-8?B?wr9Eb25kZT8=?=', 'Re: Re: x', '=?x?Q?broken'))),
        header(
          'Date',
          fc.oneof(anyOf('Tue, 07 May 2024 10:00:00 +0000', 'Fri, 31 Dec 9999 23:59:59 +0000', '0'), text),
        ),
        storable
          ? fc.constant(undefined)
          : header('Auto-Submitted', anyOf('no', 'auto-replied', 'auto-generated; x=y', '')),
        storable
          ? fc.constant(undefined)
          : header('Precedence', anyOf('bulk', 'list', 'junk', 'auto_reply', 'first-class')),
        header('Content-Type', contentType),
        header('Content-Transfer-Encoding', anyOf('base64', 'quoted-printable', '8bit', 'x-uuencode', 'bogus')),
        header('MIME-Version', anyOf('1.0', '2')),
        fc.option(text, { nil: undefined }),
      ),
      body,
      lineEnd: anyOf('\r\n', '\n', '\r'),
    })
    .map(({ headers, body: content, lineEnd }) => {
      const lines = headers.filter((h): h is string => h !== undefined);
      return Buffer.from(`${lines.join(lineEnd)}${lineEnd}${lineEnd}${content}`, 'utf8');
    });
const message = messages(false);

const randomBytes = fc.uint8Array({ maxLength: 2048 }).map((bytes) => Buffer.from(bytes));

type Auth = 'signed' | 'wrong' | 'missing';
const request = fc.record({
  payload: fc.oneof({ weight: 3, arbitrary: message }, { weight: 1, arbitrary: randomBytes }),
  auth: fc.constantFrom<Auth>(
    'signed',
    'signed',
    'signed',
    'signed',
    'signed',
    'signed',
    'signed',
    'signed',
    'wrong',
    'missing',
  ),
  contentType: fc.constantFrom(
    'message/rfc822',
    'message/rfc822',
    'message/rfc822',
    'MESSAGE/RFC822; x=1',
    'text/plain',
  ),
});

interface FuzzRequest {
  payload: Buffer;
  auth: Auth;
  contentType: string;
}

function inject(app: FastifyInstance, r: FuzzRequest) {
  return app.inject({
    method: 'POST',
    url: EMAIL_WEBHOOK_PATH,
    headers: {
      'content-type': r.contentType,
      ...(r.auth === 'missing'
        ? {}
        : { authorization: `Bearer ${r.auth === 'signed' ? TEST_EMAIL_TOKEN : 'forged-token-0000000000'}` }),
    },
    payload: r.payload,
  });
}

describe('POST /webhooks/email under fuzzing', () => {
  let db: EmailTestApp;
  beforeAll(async () => {
    db = await startEmailTestApp({ EMAIL_MAX_MESSAGE_BYTES: 16 * 1024, EMAIL_MAX_ATTACHMENT_BYTES: 64 });
  }, 60_000);
  afterAll(async () => {
    await db.close();
  });

  it('10,000 random payloads: 2xx or a clear 4xx, never a 5xx, every mapped interaction valid', async () => {
    // The ingestion gate checks each mapped interaction with InteractionSchema and stores nothing;
    // the database answers the threading look-ups.
    const fake = await startChannelTestApp({
      config: {
        INBOUND_EMAIL_TOKEN: TEST_EMAIL_TOKEN,
        EMAIL_FROM: TEST_EMAIL_FROM,
        EMAIL_MAX_MESSAGE_BYTES: 16 * 1024,
        EMAIL_MAX_ATTACHMENT_BYTES: 64,
      },
      db: db.db,
      store: () => Promise.resolve({ status: 'accepted', conversationId: 'c', messageId: 'not-a-stored-message' }),
      register: registerEmailChannel,
    });
    const statuses = new Map<number, number>();
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const res = await inject(fake.app, r);
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        if (res.statusCode === 200) return;
        expect([400, 401, 413, 415]).toContain(res.statusCode);
        const { error } = res.json<{ error: { code: string; message: string } }>();
        expect(error.message.length).toBeGreaterThan(10);
        expect(error.message).not.toMatch(/^The event cannot be stored/);
        if (r.auth !== 'signed') expect(res.statusCode).toBe(401);
      }),
      { numRuns: 10_000 },
    );
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`email fuzz: 10000 requests in ${seconds} s, statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
    expect(statuses.get(200)).toBeGreaterThan(1000);
    expect(statuses.get(401)).toBeGreaterThan(500);
    await fake.close();
  }, 120_000);

  it('300 random messages stored for real (threading, identities, attachments): never a 5xx', async () => {
    let serial = 0;
    const outcomes = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(messages(true), async (raw) => {
        // Mostly new messages (the first Message-ID counts), some of which later ones refer to.
        const id = `Message-ID: <fuzz-${++serial}@x.example>\r\n`;
        const res = await db.post(serial % 4 === 0 ? raw : Buffer.concat([Buffer.from(id), raw]));
        expect(res.statusCode === 200 || res.statusCode === 400 || res.statusCode === 413).toBe(true);
        outcomes.set(res.statusCode, (outcomes.get(res.statusCode) ?? 0) + 1);
      }),
      { numRuns: 300 },
    );
    console.log(`email fuzz, stored for real: statuses ${JSON.stringify(Object.fromEntries(outcomes))}`);
    const { rows } = await db.db.query<{ n: string }>("select count(*) as n from messages where provider = 'email'");
    expect(Number(rows[0]!.n)).toBeGreaterThan(50);
  }, 120_000);
});
