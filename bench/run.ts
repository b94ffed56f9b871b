/**
 * `npm run bench` runs every benchmark; `npm run bench -- B1 B5` only those. Prints a table,
 * writes bench/results.json (DESIGN.md, Performance budgets) and exits non-zero only when a
 * benchmark crashed: a missed budget shows as `pass: false` and a closing line, not as a failure.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** One figure of one benchmark, as bench/results.json holds it. */
export interface BenchEntry {
  id: string;
  metric: string;
  value: number;
  budget?: number;
  ratio?: number;
  ratio_to?: string;
  pass?: boolean;
}

type Run = () => Promise<BenchEntry[]>;

/** Loaded lazily: running one benchmark loads only its module. */
const benchmarks: Record<string, { what: string; load: () => Promise<Run> }> = {
  B1: {
    what: 'webhook accepted → agent client has `assigned` (500/s, 1,000 agents) vs a bare relay',
    load: async () => (await import('./b1-ingest-to-assigned')).runB1,
  },
  B2: {
    what: 'catch-up after offline: 10,000 missed changes → mirror converged, vs a raw Dexie bulkPut',
    load: async () => (await import('./b2-catch-up')).runB2,
  },
  B3: {
    what: 'outbox drain: 10,000 queued ops → all acked (ops/s), vs a raw batched emitWithAck',
    load: async () => (await import('./b3-outbox-drain')).runB3,
  },
  B4: {
    what: 'inbox with 100,000 conversations in Chromium: first render, filter switch, long tasks while scrolling',
    load: async () => (await import('./b4-inbox-chromium')).runB4,
  },
  B5: {
    what: 'routing decision vs queue size, 1k → 1M queued',
    load: async () => (await import('./b5-routing')).runB5,
  },
  B6: {
    what: 'enqueue of one op (effect + outbox row, strict durability) in Chromium, vs one raw IndexedDB put',
    load: async () => (await import('./b6-enqueue-chromium')).runB6,
  },
  B7: {
    what: 'memory: renderer with 100,000 conversations, server with 1,000 agents',
    load: async () => (await import('./b7-memory')).runB7,
  },
  B8: {
    what: 'QA quality scores for 1,000 agents over 1,000,000 reviews (PGlite), vs a raw avg group by agent',
    load: async () => (await import('./b8-quality')).runB8,
  },
};

function formatTable(entries: readonly BenchEntry[]): string {
  const header = ['id', 'metric', 'value', 'budget', 'ratio', 'ratio_to', 'pass'];
  const rows = entries.map((e) => [
    e.id,
    e.metric,
    String(e.value),
    e.budget === undefined ? '' : String(e.budget),
    e.ratio === undefined ? '' : String(e.ratio),
    e.ratio_to ?? '',
    e.pass === undefined ? '' : e.pass ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const wanted = argv.length ? argv.map((a) => a.toUpperCase()) : Object.keys(benchmarks);
  const unknown = wanted.filter((id) => !(id in benchmarks));
  if (unknown.length) {
    console.error(`Unknown benchmark ${unknown.join(', ')}; known: ${Object.keys(benchmarks).join(', ')}.`);
    return 2;
  }

  const entries: BenchEntry[] = [];
  const crashed: string[] = [];
  for (const id of wanted) {
    const bench = benchmarks[id]!;
    console.log(`\n== ${id}: ${bench.what}`);
    const started = performance.now();
    try {
      const run = await bench.load();
      const produced = await run();
      entries.push(...produced);
      console.log(`== ${id} done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    } catch (err) {
      crashed.push(id);
      console.error(`== ${id} CRASHED after ${((performance.now() - started) / 1000).toFixed(1)} s:`, err);
      entries.push({ id, metric: 'crashed', value: 1, budget: 0, pass: false });
    }
  }

  const out = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results.json');
  await writeFile(out, `${JSON.stringify(entries, null, 2)}\n`);
  console.log(`\n${formatTable(entries)}\n`);
  console.log(`Results written to ${path.relative(process.cwd(), out) || out}.`);

  const missed = entries.filter((e) => e.pass === false && e.metric !== 'crashed');
  if (missed.length) {
    console.log(
      `Budgets missed (${missed.length}): ${missed.map((e) => `${e.id} ${e.metric} = ${e.value}${e.budget === undefined ? '' : ` (budget ${e.budget}${e.ratio === undefined ? '' : `, ratio ${e.ratio}`})`}`).join('; ')}`,
    );
  } else if (!crashed.length) {
    console.log('All budgets met.');
  }
  if (crashed.length) console.error(`Crashed: ${crashed.join(', ')}.`);
  return crashed.length ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));

// Every benchmark closes what it opened; if something still holds the process, say so and end.
setTimeout(() => {
  console.error('bench: a handle is still open 10 s after the run ended (a leak in a benchmark); exiting.');
  process.exit(process.exitCode ?? 1);
}, 10_000).unref();
