import { describe, expect, it } from 'vitest';
import { chaosLine, FAULT_KINDS, runChaos } from './chaos';
import { HELD } from './invariants';

/**
 * A short seeded chaos run, part of `npm test` (`npm run test:chaos` runs the long one). The seed
 * is printed; SWITCHBOARD_CHAOS_SEED replays a failing run.
 */
describe('chaos (short, seeded)', () => {
  it(
    'loses nothing, duplicates nothing, keeps order and converges under every fault kind',
    { timeout: 180_000 },
    async () => {
      const seed = Number(process.env.SWITCHBOARD_CHAOS_SEED ?? 20261125);
      const summary = await runChaos({ seed, clients: 4, opsPerClient: 120, opGapMs: 15, faultsPerSecond: 4 });
      console.log(chaosLine(summary));
      expect(summary.divergence).toEqual([]);
      expect(summary).toMatchObject(HELD);
      expect(summary.ops).toBe(4 * 120);
      expect(summary.applied + summary.rejected).toBe(summary.ops);
      expect(summary.rejected).toBeGreaterThan(0);
      for (const kind of FAULT_KINDS) expect(summary.faultsByKind[kind], kind).toBeGreaterThan(0);
    },
  );
});
