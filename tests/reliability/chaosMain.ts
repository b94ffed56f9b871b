import { chaosLine, invariantsHeld, runChaos } from './chaos';

/**
 * `npm run test:chaos`: the long chaos run of RELIABILITY.md. Knobs: SWITCHBOARD_CHAOS_SEED,
 * _CLIENTS (8), _OPS per client (2,500: 20,000 in all), _OP_GAP_MS (35), _FAULTS_PER_SECOND per device
 * (14; with the gap, over 500 of every fault kind take effect),
 * _STORAGE (pglite | postgres). Exits 1 when an invariant fails; the seed replays the run.
 */
const env = (name: string, fallback: number) => Number(process.env[`SWITCHBOARD_CHAOS_${name}`] ?? fallback);
const seed = env('SEED', Date.now() % 2 ** 31);
console.log(`chaos: seed ${seed} (replay with SWITCHBOARD_CHAOS_SEED=${seed})`);
const summary = await runChaos({
  seed,
  clients: env('CLIENTS', 8),
  opsPerClient: env('OPS', 2500),
  opGapMs: env('OP_GAP_MS', 35),
  faultsPerSecond: env('FAULTS_PER_SECOND', 14),
  storage: process.env.SWITCHBOARD_CHAOS_STORAGE === 'postgres' ? 'postgres' : 'pglite',
  log: (line) => console.log(line),
});
console.log(`faults by kind: ${JSON.stringify(summary.faultsByKind)}`);
for (const line of summary.divergence) console.log(`divergence: ${line}`);
console.log(chaosLine(summary));
process.exit(invariantsHeld(summary) ? 0 : 1);
