import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InteractionInput } from '../../../shared/ingest';
import { startEmailTestApp, type EmailTestApp } from '../../channels/email/emailTestKit';
import { createTrafficGenerator } from '../traffic';
import { encodeEmailInteraction } from './email';

let t: EmailTestApp;
beforeAll(async () => {
  t = await startEmailTestApp({ INBOUND_EMAIL_TOKEN: 'demo-inbound-email-token-0001' });
}, 60_000);
afterAll(async () => {
  await t.close();
});

/** The generator's email interactions (first messages and follow-ups) from its first `events` events. */
function generatedEmails(seed: number, events: number): InteractionInput[] {
  const generator = createTrafficGenerator(seed);
  const start = Date.parse('2024-05-07T09:00:00Z');
  const out: InteractionInput[] = [];
  for (let i = 0; i < events; i++) {
    out.push(...generator.next(new Date(start + i * 20_000)).filter((x) => x.channel === 'email'));
  }
  return out;
}

describe('demo email through the real webhook', () => {
  it('other channels are not encoded', async () => {
    const generator = createTrafficGenerator(7);
    const chat = Array.from({ length: 40 }, () => generator.next(new Date()))
      .flat()
      .find((x) => x.channel !== 'email')!;
    expect(await encodeEmailInteraction(chat, { token: 'x' })).toBeNull();
  });

  it('generator → MIME → adapter: same author, subject and text, and the same threads as the generator', async () => {
    const generated = generatedEmails(20240507, 400);
    const followUps = generated.filter((g) => g.threadKey !== g.providerMessageId);
    expect(generated.length).toBeGreaterThan(40);
    expect(followUps.length).toBeGreaterThan(5);

    for (const interaction of generated) {
      const request = await encodeEmailInteraction(interaction, { token: 'demo-inbound-email-token-0001' });
      expect(request).toMatchObject({
        method: 'POST',
        path: '/webhooks/email',
        headers: { 'content-type': 'message/rfc822', authorization: 'Bearer demo-inbound-email-token-0001' },
      });
      const { method, path, headers, body } = request!;
      const res = await t.app.inject({ method, url: path, headers, payload: body });
      expect(res.json()).toEqual({ received: 1, accepted: 1, duplicates: 0 });
    }

    const received = t.batches.map((b) => b[0]!);
    expect(received).toHaveLength(generated.length);
    const threadOf = new Map<string, string>();
    for (const [i, g] of generated.entries()) {
      const r = received[i]!;
      expect(r).toMatchObject({
        channel: 'email',
        author: { kind: 'email', value: g.author.value.toLowerCase(), displayName: g.author.displayName },
        subject: g.subject,
        text: g.text,
        meta: { sentAt: g.occurredAt },
        providerMessageId: g.providerMessageId.replace(/^<|>$/g, ''),
      });
      // One adapter thread per generator thread, and never two generator threads in one.
      const known = threadOf.get(g.threadKey);
      if (known === undefined) {
        expect([...threadOf.values()]).not.toContain(r.threadKey);
        threadOf.set(g.threadKey, r.threadKey);
      } else expect(r.threadKey).toBe(known);
    }

    // Follow-ups landed in their first message's conversation.
    const { rows } = await t.db.query<{ threads: string; conversations: string }>(
      "select count(distinct c.thread_key) as threads, count(distinct c.id) as conversations from conversations c where c.channel = 'email'",
    );
    expect(Number(rows[0]!.conversations)).toBe(threadOf.size);
    expect(Number(rows[0]!.threads)).toBe(threadOf.size);
    expect(threadOf.size).toBe(generated.length - followUps.length);
    console.log(
      `demo email round trip: ${generated.length} emails (${followUps.length} follow-ups) in ${threadOf.size} threads`,
    );
  }, 120_000);
});
