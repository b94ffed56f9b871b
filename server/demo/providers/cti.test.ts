import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InteractionInput } from '../../../shared/ingest';
import { CallEventSchema } from '../../channels/cti/callEvent';
import { startCtiTestApp, TEST_CTI_TOKEN, type CtiTestApp } from '../../channels/cti/ctiTestKit';
import { encodeCtiCalls } from './cti';
import { generatedThreads } from './generatedThreads';

let t: CtiTestApp;
beforeAll(async () => {
  t = await startCtiTestApp();
}, 60_000);
afterAll(async () => {
  await t.close();
});

/** The generator's voice interactions of its first `calls` calls. */
const generatedCalls = (calls: number) => generatedThreads(42, 'voice', calls);

describe('CTI simulator encoder', () => {
  it('turns each generated call into offered, answered, one segment per turn and ended, in order', () => {
    const voice = generatedCalls(3);
    const requests = encodeCtiCalls(voice, { token: TEST_CTI_TOKEN, line: '+18005550100' });
    const events = requests.map((r) => CallEventSchema.parse(JSON.parse(r.body)));
    expect(
      requests.every((r) => r.path === '/webhooks/cti' && r.headers.authorization === `Bearer ${TEST_CTI_TOKEN}`),
    ).toBe(true);
    expect(events).toHaveLength(voice.length + 3 * new Set(voice.map((i) => i.threadKey)).size);
    for (const callId of new Set(voice.map((i) => i.threadKey))) {
      const ofCall = events.filter((e) => e.callId === callId);
      const turns = voice.filter((i) => i.threadKey === callId);
      expect(ofCall.map((e) => e.type)).toEqual([
        'call.offered',
        'call.answered',
        ...turns.map(() => 'transcript.segment'),
        'call.ended',
      ]);
      const times = ofCall.map((e) => Date.parse(e.occurredAt));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      const segments = ofCall.filter((e) => e.segment).map((e) => e.segment!);
      for (const [i, s] of segments.entries()) {
        expect(s.endMs).toBeGreaterThanOrEqual(s.startMs);
        if (i > 0) expect(s.startMs).toBeGreaterThanOrEqual(segments[i - 1]!.endMs);
      }
    }
  });

  it(
    'round trip: generator → encoder → webhook gives the same calls, speakers and lines',
    { timeout: 60_000 },
    async () => {
      const voice = generatedCalls(4);
      const calls = new Set(voice.map((i) => i.threadKey));
      for (const request of encodeCtiCalls(voice, { token: TEST_CTI_TOKEN })) {
        const response = await t.app.inject({
          method: request.method,
          url: request.path,
          headers: request.headers,
          payload: request.body,
        });
        expect(response.statusCode, response.body).toBe(200);
      }
      const ingested = t.batches.flat();
      const segments = ingested.filter((i) => i.meta?.event === 'transcript.segment');
      const shape = (i: InteractionInput) => ({
        channel: i.channel,
        kind: i.kind,
        author: { kind: i.author.kind, value: i.author.value },
        speaker: i.speaker,
        text: i.text,
        threadKey: i.threadKey,
        providerMessageId: i.providerMessageId,
      });
      expect(segments.map(shape)).toEqual(voice.map(shape));
      // Besides the turns, each call has its own ring, pick-up and hang-up lines, on the same thread.
      const control = ingested.filter((i) => i.meta?.event !== 'transcript.segment');
      expect(control).toHaveLength(calls.size * 3);
      expect(new Set(control.map((i) => i.threadKey))).toEqual(calls);
      expect(control.filter((i) => i.text.startsWith('Call ended after '))).toHaveLength(calls.size);

      // One conversation per call, holding exactly that call's lines.
      const { rows } = await t.db.query<{ thread_key: string; n: number }>(
        `select c.thread_key, count(m.id)::int as n from conversations c join messages m on m.conversation_id = c.id
       where c.channel = 'voice' group by c.thread_key`,
      );
      const perCall = new Map(rows.map((r) => [r.thread_key, r.n]));
      expect(perCall.size).toBe(calls.size);
      for (const callId of calls) {
        expect(perCall.get(callId)).toBe(voice.filter((i) => i.threadKey === callId).length + 3);
      }
    },
  );
});
