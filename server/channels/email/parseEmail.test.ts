import { describe, expect, it } from 'vitest';
import { mime } from './emailTestKit';
import { messageIdFromBytes, messageIdList, normalMessageId, trimReferences } from './messageIds';
import { parseEmail } from './parseEmail';
import { htmlToPlainText, sanitizeEmailHtml } from './sanitizeHtml';

const now = new Date('2024-05-07T12:00:00Z');
const parse = (raw: string) =>
  parseEmail(Buffer.from(raw), { ourAddress: 'support@skywardair.example', receivedAt: now });

describe('Message-IDs in normal form', () => {
  it('strips angle brackets and refuses what is not one token', () => {
    expect(normalMessageId('<abc@example.com>')).toBe('abc@example.com');
    expect(normalMessageId('  abc@example.com ')).toBe('abc@example.com');
    expect(normalMessageId('<>')).toBeNull();
    expect(normalMessageId('<a b@example.com>')).toBeNull();
    expect(normalMessageId('<a\u0000b@example.com>')).toBeNull();
    expect(normalMessageId(`<${'x'.repeat(501)}>`)).toBeNull();
  });

  it('reads lists with or without brackets, once each, and keeps the root when trimming', () => {
    expect(messageIdList('<a@x> <b@x>\r\n <a@x>')).toEqual(['a@x', 'b@x']);
    expect(messageIdList(['<a@x>', '<c@x>'])).toEqual(['a@x', 'c@x']);
    expect(messageIdList('a@x b@x')).toEqual(['a@x', 'b@x']);
    const ids = Array.from({ length: 80 }, (_, i) => `r${i}@x`);
    const trimmed = trimReferences(ids);
    expect(trimmed).toHaveLength(50);
    expect(trimmed[0]).toBe('r0@x');
    expect(trimmed.at(-1)).toBe('r79@x');
  });

  it('hashes the raw bytes into a stable id when there is none', () => {
    const raw = Buffer.from('From: a@b.c\r\n\r\nhi');
    expect(messageIdFromBytes(raw)).toBe(messageIdFromBytes(Buffer.from(raw)));
    expect(messageIdFromBytes(raw)).not.toBe(messageIdFromBytes(Buffer.from('From: a@b.c\r\n\r\nhi!')));
  });
});

describe('sanitised HTML', () => {
  it('keeps inline images (cid:, data: rasters) and drops remote and SVG ones', () => {
    const { html } = sanitizeEmailHtml(
      '<img src="cid:a@b"><img src="data:image/png;base64,iVBO"><img src="data:image/svg+xml;base64,PHN2Zz4="><img src="//cdn.example/x.png"><img src="http://x/y.gif">',
    );
    expect(html).toBe('<img src="cid:a@b" /><img src="data:image/png;base64,iVBO" />');
  });

  it('drops forms, frames, event handlers and CSS that loads anything', () => {
    const { html } = sanitizeEmailHtml(
      '<form action="https://x"><input name="card"></form><iframe src="https://x"></iframe><object data="x"></object>' +
        '<div style="background-image: url(https://x/p.gif); color: #336699; font-size: 14px" onmouseover="x()">ok</div>' +
        '<table background="https://x/bg.gif"><tr><td>cell</td></tr></table>',
    );
    expect(html).toBe('<div style="color:#336699;font-size:14px">ok</div><table><tr><td>cell</td></tr></table>');
  });

  it('cuts HTML over the cap at a tag boundary and closes what the cut left open', () => {
    const long = `<div><p>${'word '.repeat(400)}</p><p><b>${'more '.repeat(400)}</b></p></div>`;
    const { html, truncated, full } = sanitizeEmailHtml(long, 1500);
    expect(truncated).toBe(true);
    expect(full.length).toBeGreaterThan(3000);
    expect(html.length).toBeLessThanOrEqual(1500);
    expect(html.startsWith('<div><p>word word')).toBe(true);
    expect(html.endsWith('</div>')).toBe(true);
  });

  it('turns HTML into readable text with link targets', () => {
    const { full } = sanitizeEmailHtml(
      '<p>Where is my <b>refund</b>? A &amp; B</p><ul><li>one</li><li>two</li></ul><a href="https://example.com/b">booking</a><div>Thanks,<br>Ana</div>',
    );
    expect(htmlToPlainText(full)).toBe(
      'Where is my refund? A & B\n\n- one\n- two\n\nbooking (https://example.com/b)Thanks,\nAna',
    );
  });
});

describe('parseEmail', () => {
  it('dates a message when we got it, and keeps a readable Date header as the sent time', async () => {
    const times = async (date: string) => {
      const parsed = await parse(mime({ date }));
      if (parsed.kind !== 'email') throw new Error(parsed.kind);
      return [parsed.email.occurredAt.toISOString(), parsed.email.sentAt?.toISOString() ?? null];
    };
    expect(await times('Tue, 07 May 2024 10:00:00 +0200')).toEqual([now.toISOString(), '2024-05-07T08:00:00.000Z']);
    expect(await times('Wed, 08 May 2024 10:00:00 +0000')).toEqual([now.toISOString(), '2024-05-08T10:00:00.000Z']);
    expect(await times('not a date')).toEqual([now.toISOString(), null]);
  });

  it('cuts text longer than an interaction holds, with a note', async () => {
    const parsed = await parse(mime({ text: 'a'.repeat(120_000) }));
    expect(parsed.kind).toBe('email');
    if (parsed.kind !== 'email') return;
    expect(parsed.email.text.length).toBeLessThanOrEqual(100_000);
    expect(parsed.email.text.endsWith('[… message cut: longer than 100,000 characters]')).toBe(true);
  });

  it('decodes encoded names and subjects, and lowercases the address', async () => {
    const parsed = await parse(
      mime({
        from: '=?UTF-8?Q?Luc=C3=ADa_Garc=C3=ADa?= <LUCIA@Example.ES>',
        subject: '=?UTF-8?B?wr9Eb25kZSBlc3TDoSBtaSBtYWxldGE/?=',
      }),
    );
    expect(parsed).toMatchObject({
      kind: 'email',
      email: { from: { address: 'lucia@example.es', name: 'Lucía García' }, subject: '¿Donde está mi maleta?' },
    });
  });

  it('a delivery report is automatic mail', async () => {
    const raw =
      'From: MAILER-DAEMON@mx.example.com\r\nTo: support@skywardair.example\r\nSubject: Undelivered\r\n' +
      'Content-Type: multipart/report; report-type=delivery-status; boundary="r"\r\n\r\n--r\r\nContent-Type: text/plain\r\n\r\nfailed\r\n--r--\r\n';
    expect(await parse(raw)).toMatchObject({ kind: 'ignored', reason: 'automatic' });
  });
});
