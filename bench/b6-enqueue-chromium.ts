/**
 * B6 (DESIGN.md, Performance budgets): enqueue of one op — its optimistic effect and its outbox
 * row in one transaction, strict durability — in real Chromium IndexedDB. Budget: p99 ≤ 10 ms,
 * and ≤ 2.5× one raw IndexedDB put in the same run (p99 against p99).
 *
 * bench/b6/page.ts (the renderer's SyncDb and SyncEngine, with a socket that never connects, so
 * every op stays queued as when offline) is bundled with Vite, served from a node:http server on
 * 127.0.0.1 (IndexedDB needs an http origin; the page is cross-origin isolated so that
 * performance.now() is fine-grained), and driven in headless Chromium by Playwright. Each sample is
 * one awaited `engine.enqueue('conversation.note', …)` on a conversation in the mirror: a message
 * row, its shadow, the outbox row and the next seq, in one `readwrite` transaction.
 *
 * Raw primitive: one `put` of a row of the same shape and size as the engine's outbox row (a copy
 * with fresh ids) into a plain object store, in its own `readwrite` transaction with
 * `durability: 'strict'`, timed until `complete`. After a warm-up of each, engine and raw samples
 * are taken in alternating blocks, so a noisy moment hits both alike.
 */
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { B6_WINDOW_KEY, type B6Api, type B6Setup } from './b6/api';
import { browserName, chromiumExecutable, openChromiumPage } from './chromiumPage';
import type { BenchEntry } from './run';

type B6Entry = BenchEntry & { id: 'B6' };

const BUDGET_P99_MS = 10;
const BUDGET_RATIO = 2.5;
const HERE = path.dirname(fileURLToPath(import.meta.url));

const nearestRank = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
const round3 = (v: number) => Math.round(v * 1000) / 1000;
const round2 = (v: number) => Math.round(v * 100) / 100;

function stats(values: readonly number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    p50: nearestRank(sorted, 0.5),
    p90: nearestRank(sorted, 0.9),
    p99: nearestRank(sorted, 0.99),
    max: sorted.at(-1)!,
    mean: sorted.reduce((a, b) => a + b, 0) / sorted.length,
  };
}

export interface B6Options {
  /** Samples of each (default 1,000; at least 500 for the budget). */
  samples?: number;
  /** Samples per alternating block (default 100). */
  block?: number;
  /** Warm-up calls of each, not counted (default 100). */
  warmup?: number;
  /** Chromium's executable (default /usr/bin/chromium when present, else Playwright's own). */
  executablePath?: string;
  log?: (line: string) => void;
}

export async function runB6(options: B6Options = {}): Promise<B6Entry[]> {
  const log = options.log ?? console.log;
  const env = process.env;
  const samples = options.samples ?? Number(env.BENCH_B6_SAMPLES ?? 1_000);
  const block = options.block ?? Number(env.BENCH_B6_BLOCK ?? 100);
  const warmup = options.warmup ?? Number(env.BENCH_B6_WARMUP ?? 100);
  const executablePath = chromiumExecutable(options.executablePath, 'BENCH_B6_CHROMIUM');

  const site = await openChromiumPage({
    entry: path.join(HERE, 'b6', 'page.ts'),
    label: 'B6',
    title: 'B6',
    log,
    ...(executablePath ? { executablePath } : {}),
  });
  try {
    const { browser } = site;
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(site.url);
    await page.waitForFunction((key) => key in window, B6_WINDOW_KEY, { timeout: 30_000 });
    // Plain arrow functions only: Playwright sends their source to the page.
    const setup: B6Setup = await page.evaluate(
      (key) => (window as unknown as Record<string, B6Api>)[key]!.setup(),
      B6_WINDOW_KEY,
    );
    const enqueue = (n: number) =>
      page.evaluate(([key, k]) => (window as unknown as Record<string, B6Api>)[key]!.runEnqueue(k), [
        B6_WINDOW_KEY,
        n,
      ] as const);
    const rawPut = (n: number) =>
      page.evaluate(([key, k]) => (window as unknown as Record<string, B6Api>)[key]!.runRawPut(k), [
        B6_WINDOW_KEY,
        n,
      ] as const);
    log(
      `${browserName(setup.userAgent)}; cross-origin isolated: ${setup.crossOriginIsolated}; outbox row ${setup.outboxRowBytes} B, raw row ${setup.rawRowBytes} B`,
    );
    log(
      `load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );

    await enqueue(warmup);
    await rawPut(warmup);
    const engine: number[] = [];
    const raw: number[] = [];
    while (engine.length < samples) {
      const n = Math.min(block, samples - engine.length);
      engine.push(...(await enqueue(n)));
      raw.push(...(await rawPut(n)));
    }
    if (pageErrors.length) throw new Error(`B6: the page threw: ${pageErrors.join('; ')}`);

    const e = stats(engine);
    const r = stats(raw);
    const ratioP99 = round2(e.p99 / r.p99);
    const ratioP50 = round2(e.p50 / r.p50);
    const p99Pass = e.p99 <= BUDGET_P99_MS;
    const ratioPass = ratioP99 <= BUDGET_RATIO;
    log('              p50 ms    p90 ms    p99 ms    max ms   mean ms');
    for (const [label, s] of [
      ['enqueue', e],
      ['raw put', r],
    ] as const) {
      log(`${label.padEnd(10)} ${[s.p50, s.p90, s.p99, s.max, s.mean].map((v) => v.toFixed(3).padStart(9)).join(' ')}`);
    }
    log(
      `${samples} samples each: enqueue p99 ${e.p99.toFixed(2)} ms (budget ≤ ${BUDGET_P99_MS}): ${p99Pass ? 'pass' : 'MISSED'}; ` +
        `p99 ratio to the raw put ${ratioP99} (budget ≤ ${BUDGET_RATIO}): ${ratioPass ? 'pass' : 'MISSED'}; p50 ratio ${ratioP50}`,
    );
    return [
      { id: 'B6', metric: 'samples', value: samples },
      { id: 'B6', metric: 'enqueue_p50_ms', value: round3(e.p50) },
      { id: 'B6', metric: 'enqueue_p99_ms', value: round3(e.p99), budget: BUDGET_P99_MS, pass: p99Pass },
      { id: 'B6', metric: 'raw_put_p50_ms', value: round3(r.p50) },
      { id: 'B6', metric: 'raw_put_p99_ms', value: round3(r.p99) },
      {
        id: 'B6',
        metric: 'ratio_p99_to_raw_p99',
        value: ratioP99,
        budget: BUDGET_RATIO,
        ratio: ratioP99,
        ratio_to: "p99 of one raw IndexedDB put (durability: 'strict', same row size), Chromium",
        pass: ratioPass,
      },
      {
        id: 'B6',
        metric: 'ratio_p50_to_raw_p50',
        value: ratioP50,
        ratio: ratioP50,
        ratio_to: 'p50 of the same raw put',
      },
    ];
  } finally {
    await site.close();
  }
}

if (import.meta.filename === process.argv[1]) {
  await runB6();
}
