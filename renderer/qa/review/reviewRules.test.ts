import { describe, expect, it } from 'vitest';
import type { Message } from '../../conversation/rows';
import { SCORECARD } from '../qaTestKit';
import { anchoredMessageIds, formatOffset, ratingForKey, spanOf, transcriptSpans } from './reviewRules';

const line = (id: string, second: number, extra: Record<string, unknown> = {}) =>
  ({
    id,
    conversationId: 'c',
    direction: 'transcript',
    visibility: 'private',
    body: id,
    createdAt: new Date(Date.UTC(2026, 10, 20, 10, 0, second)).toISOString(),
    ...extra,
  }) as unknown as Message;

const [greeting, empathy, pii, script] = SCORECARD.sections.flatMap((s) => s.criteria);

describe('review rules', () => {
  it('places call lines by the platform’s offsets when every line has them', () => {
    const spans = transcriptSpans([
      line('a', 0, { startMs: 0, endMs: 9_000 }),
      line('b', 30, { startMs: 10_000, endMs: 25_000 }),
    ]);
    expect([...spans]).toEqual([
      ['a', { startMs: 0, endMs: 9_000 }],
      ['b', { startMs: 10_000, endMs: 25_000 }],
    ]);
  });

  it('falls back to one clock for every line when some have no offsets, each lasting until the next', () => {
    // "Call answered" (a system line) has none: mixing it with segment offsets would reorder the call.
    const spans = transcriptSpans([
      line('offered', 0),
      line('answered', 12),
      line('hello', 13, { startMs: 1_000, endMs: 4_000 }),
    ]);
    expect([...spans]).toEqual([
      ['offered', { startMs: 0, endMs: 12_000 }],
      ['answered', { startMs: 12_000, endMs: 13_000 }],
      ['hello', { startMs: 13_000, endMs: 14_000 }],
    ]);
    expect(spanOf(['answered', 'hello'], spans)).toEqual({ startMs: 12_000, endMs: 14_000 });
    expect(anchoredMessageIds({ kind: 'time', startMs: 12_500, endMs: 13_500 }, spans)).toEqual(['answered', 'hello']);
  });

  it('maps keys to the focused criterion’s scale, and refuses what does not fit', () => {
    expect(ratingForKey(greeting!, 'y')).toBe('yes');
    expect(ratingForKey(greeting!, '1')).toBe('no');
    expect(ratingForKey(greeting!, '2')).toBe('yes');
    expect(ratingForKey(greeting!, '3')).toBeNull();
    expect(ratingForKey(empathy!, '5')).toBe(5);
    expect(ratingForKey(empathy!, '0')).toBeNull(); // N/A not allowed
    expect(ratingForKey(pii!, '0')).toBe('na');
    expect(ratingForKey(script!, '4')).toBeNull();
    expect(ratingForKey(script!, 'y')).toBeNull();
  });

  it('writes call offsets as m:ss, and h:mm:ss past an hour', () => {
    expect(formatOffset(57_000)).toBe('0:57');
    expect(formatOffset(3_725_000)).toBe('1:02:05');
  });
});
