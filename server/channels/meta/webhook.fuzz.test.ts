import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMetaTestApp, TEST_PAGE_ID, type MetaTestApp } from './metaTestKit';
import { MetaWebhookSchema } from './webhookSchemas';

/**
 * 10,000 malformed Meta webhooks: correctly signed so they reach the parser (and some forged or
 * unsigned), each must get a 4xx with a reason, never a crash or a 5xx, and nothing is stored.
 */

const POST_ID = `${TEST_PAGE_ID}_771000000000101`;
const templates = {
  comment: () => ({
    field: 'feed',
    value: {
      from: { id: '1020000000001', name: 'Lucía García' },
      message: 'Broken bag',
      post_id: POST_ID,
      comment_id: '771000000000101_900000001',
      parent_id: POST_ID,
      created_time: 1772445600,
      item: 'comment',
      verb: 'add',
    },
  }),
  post: () => ({
    field: 'feed',
    value: {
      from: { id: '1020000000002' },
      message: 'Hello',
      post_id: `${TEST_PAGE_ID}_1`,
      item: 'status',
      verb: 'add',
    },
  }),
  message: () => ({
    sender: { id: '6100000000000042' },
    recipient: { id: TEST_PAGE_ID },
    timestamp: 1772445600123,
    message: { mid: 'm_1', text: 'Hi' },
  }),
};

/** Fields each stored event needs, as paths; breaking one must refuse the whole delivery. */
const REQUIRED: Record<keyof typeof templates, string[][]> = {
  comment: [
    ['value'],
    ['value', 'item'],
    ['value', 'verb'],
    ['value', 'from'],
    ['value', 'from', 'id'],
    ['value', 'post_id'],
    ['value', 'comment_id'],
  ],
  post: [['value'], ['value', 'item'], ['value', 'from'], ['value', 'from', 'id'], ['value', 'post_id']],
  message: [['sender'], ['sender', 'id'], ['recipient'], ['recipient', 'id'], ['timestamp'], ['message', 'mid']],
};

/** Values no required field accepts (ids are non-blank strings, times bounded integers, the rest objects). */
const invalidValue = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.constant(''),
  fc.constant('   '),
  fc.boolean(),
  fc.double({ min: -1e20, max: -1 }),
  fc.constant(1e300),
  fc.array(fc.jsonValue(), { maxLength: 3 }),
  fc.integer({ min: 201, max: 260 }).map((n) => '9'.repeat(n)),
);

function withBroken(event: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(event);
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  const last = path.at(-1)!;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

const brokenEvent = fc
  .constantFrom(...(Object.keys(templates) as (keyof typeof templates)[]))
  .chain((kind) =>
    fc.record({
      kind: fc.constant(kind),
      path: fc.constantFrom(...REQUIRED[kind]),
      value: invalidValue,
      // Good events around the broken one: the whole delivery is refused, none of it is stored.
      before: fc.integer({ min: 0, max: 2 }),
    }),
  )
  .filter(
    // An unknown item or verb is a feed change we ignore, not a malformed one.
    ({ path, value }) =>
      !((path.at(-1) === 'item' || path.at(-1) === 'verb') && typeof value === 'string' && value.length <= 100),
  )
  .map(({ kind, path, value, before }) => {
    const good = Array.from({ length: before }, () => (kind === 'message' ? templates.message() : templates.comment()));
    const broken = withBroken(templates[kind](), path, value);
    const entry =
      kind === 'message'
        ? { id: TEST_PAGE_ID, time: 1, messaging: [...good, broken] }
        : { id: TEST_PAGE_ID, time: 1, changes: [...good, broken] };
    return JSON.stringify({ object: 'page', entry: [entry] });
  });

/** Any JSON that is not a page envelope with an entry array. */
const badEnvelope = fc
  .oneof(
    fc.jsonValue(),
    fc.record({ object: fc.oneof(fc.string(), fc.jsonValue()), entry: fc.jsonValue() }),
    fc.record({
      object: fc.constant('page'),
      entry: fc.oneof(fc.jsonValue(), fc.array(fc.jsonValue(), { minLength: 1, maxLength: 3 })),
    }),
  )
  // A well-formed envelope is not malformed (its events are tested above).
  .filter((value) => {
    const parsed = MetaWebhookSchema.safeParse(value);
    return !(parsed.success && parsed.data.object === 'page');
  })
  .map((value) => JSON.stringify(value) ?? 'undefined');

const notJson = fc.oneof(
  fc.string({ maxLength: 200 }).filter((s) => {
    try {
      JSON.parse(s);
      return false;
    } catch {
      return true;
    }
  }),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('latin1') + '\u0000{'),
);

type Case = { body: string; signed: 'good' | 'forged' | 'missing' };
const cases: fc.Arbitrary<Case> = fc.oneof(
  { weight: 4, arbitrary: brokenEvent.map((body) => ({ body, signed: 'good' as const })) },
  { weight: 3, arbitrary: badEnvelope.map((body) => ({ body, signed: 'good' as const })) },
  { weight: 2, arbitrary: notJson.map((body) => ({ body, signed: 'good' as const })) },
  {
    weight: 1,
    arbitrary: fc.record({
      body: fc.oneof(
        brokenEvent,
        fc.constant(
          JSON.stringify({ object: 'page', entry: [{ id: TEST_PAGE_ID, messaging: [templates.message()] }] }),
        ),
      ),
      signed: fc.constantFrom('forged' as const, 'missing' as const),
    }),
  },
);

/** Every path of a JSON value (objects and arrays), to mutate anywhere. */
function paths(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return [prefix, ...Object.entries(value).flatMap(([key, v]) => paths(v, [...prefix, key]))];
}

const richEvents = {
  comment: { ...templates.comment(), value: { ...templates.comment().value, photo: 'p.jpg', post: { id: POST_ID } } },
  message: {
    ...templates.message(),
    message: { mid: 'm_2', text: 'Hi', is_echo: false, attachments: [{ type: 'image', payload: { url: 'u' } }] },
  },
};

/** Anything at any path of a valid delivery: valid or not, the answer is 200 or 4xx. */
const mutated = fc
  .constantFrom('comment' as const, 'message' as const)
  .chain((kind) =>
    fc.record({
      kind: fc.constant(kind),
      path: fc.constantFrom(...paths(richEvents[kind]).filter((p) => p.length > 0)),
      value: fc.oneof(
        fc.jsonValue(),
        fc.constantFrom(
          1e308,
          -1,
          2 ** 53,
          253_402_300_800,
          '9999-12-31T23:59:59+00:00',
          '0000-01-01T00:00:00Z',
          '\u0000',
          'x'.repeat(100_001),
        ),
      ),
    }),
  )
  .map(({ kind, path, value }) => {
    const event = withBroken(richEvents[kind], path, value);
    const entry =
      kind === 'message'
        ? { id: TEST_PAGE_ID, time: 1, messaging: [event] }
        : { id: TEST_PAGE_ID, time: 1, changes: [event] };
    return JSON.stringify({ object: 'page', entry: [entry] });
  });

describe('Meta webhook under 10,000 malformed payloads', () => {
  let t: MetaTestApp;
  beforeAll(async () => {
    t = await startMetaTestApp();
  });
  afterAll(async () => {
    await t.app.close();
  });

  it(
    'answers each with a 4xx and a reason, stores nothing and counts every refusal',
    { timeout: 120_000 },
    async () => {
      const statuses = new Map<number, number>();
      let runs = 0;
      const started = performance.now();
      await fc.assert(
        fc.asyncProperty(cases, async ({ body, signed }) => {
          runs += 1;
          const res = await t.post(body, {
            signature: signed === 'good' ? undefined : signed === 'missing' ? null : `sha256=${'f'.repeat(64)}`,
          });
          statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
          expect(res.statusCode, body.slice(0, 300)).toBe(signed === 'good' ? 400 : 401);
          const answer = res.json<{ error: { code: string; message: string } }>();
          expect(answer.error.message.length).toBeGreaterThan(5);
        }),
        { numRuns: 10_000 },
      );
      const health = t.health.status('meta');
      console.log(
        `meta fuzz: ${runs} payloads in ${Math.round(performance.now() - started)} ms; answers ${JSON.stringify(Object.fromEntries(statuses))}; counted malformed ${health.malformed}, bad signatures ${health.badSignatures}; stored ${t.batches.length}`,
      );
      expect(t.batches).toEqual([]);
      expect(health.malformed + health.badSignatures).toBe(runs);
      expect(health.malformed).toBe(statuses.get(400));
      expect(health.badSignatures).toBe(statuses.get(401));
    },
  );

  it('answers any mutation of a valid delivery with 200 or a 4xx, never a 5xx', { timeout: 120_000 }, async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(mutated, async (body) => {
        const res = await t.post(body);
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        expect([200, 400], body.slice(0, 300)).toContain(res.statusCode);
      }),
      { numRuns: 3000 },
    );
    console.log(`meta mutations: 3000 payloads; answers ${JSON.stringify(Object.fromEntries(statuses))}`);
  });
});
