import type { Channel } from '../../../shared/domain';
import type { InteractionInput } from '../../../shared/ingest';
import { createTrafficGenerator } from '../traffic';

/**
 * For the encoders' tests: the interactions on `channel` that the seeded generator makes from 09:00
 * on, 30 s apart, up to the point where they span `threads` threads (whole calls or chat sessions).
 */
export function generatedThreads(seed: number, channel: Channel, threads: number): InteractionInput[] {
  const generator = createTrafficGenerator(seed);
  const generated: InteractionInput[] = [];
  let now = Date.parse('2026-03-02T09:00:00Z');
  while (new Set(generated.map((i) => i.threadKey)).size < threads) {
    now += 30_000;
    generated.push(...generator.next(new Date(now)).filter((i) => i.channel === channel));
  }
  return generated;
}
