import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALL_EVENT_TYPES } from './callEvent';
import { startCtiTestApp, TEST_CTI_TOKEN, type CtiTestApp } from './ctiTestKit';

let t: CtiTestApp;
beforeAll(async () => {
  t = await startCtiTestApp();
}, 60_000);
afterAll(async () => {
  await t.close();
});

const validEvent = fc.record({
  eventId: fc.stringMatching(/^[A-Za-z0-9:_-]{1,40}$/),
  callId: fc.constantFrom('CA-1', 'CA-2', 'CA-3', 'CA-4'),
  type: fc.constantFrom(...CALL_EVENT_TYPES),
  occurredAt: fc
    .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
    .map((d) => d.toISOString()),
  from: fc.stringMatching(/^\+[1-9]\d{6,14}$/),
  callerName: fc.option(fc.string({ unit: 'binary', maxLength: 60 }), { nil: undefined }),
  transferTarget: fc.option(fc.string({ unit: 'binary', maxLength: 60 }), { nil: undefined }),
  segment: fc.record({
    speaker: fc.constantFrom('customer', 'agent', 'system'),
    text: fc.string({ unit: 'binary', maxLength: 200 }),
    startMs: fc.nat(100_000),
    endMs: fc.nat(200_000),
  }),
});

/** A call event with one field broken: removed, of another type, or out of range. */
const brokenEvent = fc
  .tuple(
    validEvent,
    fc.constantFrom('eventId', 'callId', 'type', 'occurredAt', 'from', 'segment', 'to', 'callerName', 'extra'),
    fc.oneof(
      fc.constant(undefined),
      fc.jsonValue({ maxDepth: 2 }),
      fc.constantFrom('', ' ', '\u0000', 'call.OFFERED', '0000-01-01T00:00:00Z', '+0123', 'x'.repeat(300), -1, 1e308),
    ),
  )
  .map(([event, field, value]) => {
    const copy: Record<string, unknown> = { ...event };
    if (value === undefined) delete copy[field];
    else copy[field] = value;
    return copy;
  });

const body = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)) },
  { weight: 5, arbitrary: brokenEvent.map((e) => JSON.stringify(e)) },
  {
    weight: 1,
    arbitrary: validEvent.map((e) =>
      JSON.stringify(e.type === 'transcript.segment' ? e : { ...e, segment: undefined }),
    ),
  },
);

const token = fc.oneof(
  { weight: 8, arbitrary: fc.constant(TEST_CTI_TOKEN) },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
);

describe('CTI webhook under 10,000 malformed or hostile requests', () => {
  it('never answers 5xx: a clear 4xx for what it cannot take, 200 for real events', { timeout: 120_000 }, async () => {
    const tally = new Map<number, number>();
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(
        body,
        token,
        fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded'),
        async (payload, bearer, contentType) => {
          const response = await t.app.inject({
            method: 'POST',
            url: '/webhooks/cti',
            headers: { 'content-type': contentType, ...(bearer === null ? {} : { authorization: `Bearer ${bearer}` }) },
            payload,
          });
          tally.set(response.statusCode, (tally.get(response.statusCode) ?? 0) + 1);
          expect(response.statusCode).toBeLessThan(500);
          if (response.statusCode >= 400) {
            const answer = response.json<{ error: { code: string; message: string } }>();
            expect(answer.error.code).toMatch(/^[a-z_]+$/);
            expect(answer.error.message.length).toBeGreaterThan(10);
          } else {
            expect(response.statusCode).toBe(200);
          }
        },
      ),
      { numRuns: 10_000, seed: 6006 },
    );
    const ms = Math.round(performance.now() - started);
    const figures = [...tally]
      .sort(([a], [b]) => a - b)
      .map(([status, n]) => `${status}=${n}`)
      .join(' ');
    console.log(`cti fuzz: runs=10000 ${figures} ms=${ms}`);
    expect([...tally.keys()].every((status) => [200, 400, 401].includes(status))).toBe(true);
    // The mix reaches the parser and the store, not only the token check.
    expect(tally.get(200) ?? 0).toBeGreaterThan(300);
    expect(tally.get(400) ?? 0).toBeGreaterThan(5000);
    const health = t.health.status('cti');
    expect(health.malformed).toBe(tally.get(400));
    expect(health.authFailures).toBe(tally.get(401));
  });
});
