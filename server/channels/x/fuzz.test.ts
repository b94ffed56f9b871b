import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InteractionSchema } from '../../../shared/ingest';
import { directMessage, startXTestBed, tweet, tweetEvents, type XTestBed } from './xTestKit';

/**
 * 10,000 malformed or mangled account-activity deliveries, most signed correctly so they reach the
 * parser: none crashes the server or gets a 5xx, each refusal is a 4xx with a code and a reason,
 * every unsigned one is a 401, and whatever is stored is a valid interaction.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const VALID: Json[] = [
  tweetEvents(tweet()) as Json,
  tweetEvents(
    tweet({ in_reply_to_status_id_str: '1050118621198921001', extended_tweet: { full_text: 'long text' } }),
  ) as Json,
  directMessage() as Json,
  { for_user_id: '1402000000000000001', favorite_events: [{ id: 'x', favorited_status: tweet() }] },
];

/** Every path into a JSON value, the root included. */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const out = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  }
  return out;
}

/** A copy of `value` with the thing at `path` replaced (or removed when `replacement` is undefined). */
function mutate(value: Json, path: (string | number)[], replacement: Json | undefined): Json | undefined {
  if (path.length === 0) return replacement;
  const copy = structuredClone(value) as Record<string | number, Json>;
  let at: Record<string | number, Json> = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, Json>;
  const last = path[path.length - 1]!;
  if (replacement === undefined) {
    if (Array.isArray(at)) at.splice(last as number, 1);
    else delete at[last];
  } else at[last] = replacement;
  return copy;
}

const hostile = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(
    '',
    '0',
    '-1',
    '１２３',
    '1e400',
    'null',
    '\u0000',
    'a'.repeat(30_000),
    'Wed Feb 31 99:99:99 +9999 0000',
  ),
  fc.constantFrom(-1, 0, 1.5, 1e300, Number.MAX_SAFE_INTEGER, 2 ** 64),
  fc.constant(undefined),
);

const mangled = fc
  .tuple(fc.constantFrom(...VALID), fc.nat(), hostile, fc.nat({ max: 2 }))
  .map(([base, pick, replacement, extraMutations]) => {
    let value: Json | undefined = base;
    for (let i = 0; i <= extraMutations && value !== undefined; i++) {
      const all = paths(value);
      value = mutate(value, all[(pick + i * 7) % all.length]!, replacement as Json | undefined);
    }
    return value === undefined ? '' : JSON.stringify(value);
  });

const body = fc.oneof(
  { arbitrary: mangled, weight: 6 },
  { arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)), weight: 2 },
  { arbitrary: fc.string({ maxLength: 200 }), weight: 1 },
  {
    arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
    weight: 1,
  },
);

const signing = fc.constantFrom<'signed' | 'unsigned' | 'forged'>(
  ...Array<'signed'>(8).fill('signed'),
  'unsigned',
  'forged',
);

describe('the X webhook under 10,000 malformed deliveries', () => {
  let bed: XTestBed;
  beforeAll(async () => {
    bed = await startXTestBed();
  });
  afterAll(async () => {
    await bed.close();
  });

  it(
    'never crashes or answers 5xx, refuses with a clear 4xx, and stores only valid interactions',
    { timeout: 120_000 },
    async () => {
      const counts: Record<string, number> = {};
      const started = performance.now();
      await fc.assert(
        fc.asyncProperty(body, signing, async (payload, how) => {
          const signature = how === 'signed' ? undefined : how === 'unsigned' ? null : 'sha256=Zm9yZ2Vk';
          const { status, body: answer } = await bed.post(payload, signature);
          counts[`${how} ${status}`] = (counts[`${how} ${status}`] ?? 0) + 1;
          expect([200, 400, 401]).toContain(status);
          if (how !== 'signed') expect(status).toBe(401);
          if (status !== 200) {
            const error = (answer as { error?: { code?: unknown; message?: unknown } }).error;
            expect(typeof error?.code).toBe('string');
            expect(typeof error?.message === 'string' && error.message.length > 10).toBe(true);
          }
        }),
        { numRuns: 10_000 },
      );
      const seconds = (performance.now() - started) / 1000;
      console.info(
        `X webhook fuzz: 10,000 deliveries in ${seconds.toFixed(1)} s; ${JSON.stringify(counts)}; stored ${bed.stored.length}`,
      );
      for (const stored of bed.stored) expect(InteractionSchema.safeParse(stored).success).toBe(true);
      const health = bed.health.status('x');
      expect(health.badSignatures).toBe((counts['unsigned 401'] ?? 0) + (counts['forged 401'] ?? 0));
      expect(health.malformed).toBe(counts['signed 400'] ?? 0);
      // Most deliveries reached the parser and were refused by it.
      expect(counts['signed 400'] ?? 0).toBeGreaterThan(5_000);
      // Still serving: a good delivery after all that is stored.
      expect((await bed.post(tweetEvents(tweet()))).status).toBe(200);
    },
  );
});
