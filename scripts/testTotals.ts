import { existsSync, readFileSync } from 'node:fs';

export interface SuiteTotals {
  suite: string;
  passed: number;
  failed: number;
  skipped: number;
  /** False when the suite wrote no report: it crashed before finishing. */
  reported: boolean;
}

/** vitest's JSON reporter (jest-compatible counts). */
export function vitestTotals(json: unknown): Omit<SuiteTotals, 'suite' | 'reported'> {
  const r = json as {
    numPassedTests?: number;
    numFailedTests?: number;
    numPendingTests?: number;
    numTodoTests?: number;
  };
  return {
    passed: r.numPassedTests ?? 0,
    failed: r.numFailedTests ?? 0,
    skipped: (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0),
  };
}

/** Playwright's JSON reporter: `expected` passed, `unexpected` failed, `flaky` passed on retry. */
export function playwrightTotals(json: unknown): Omit<SuiteTotals, 'suite' | 'reported'> {
  const s =
    (json as { stats?: { expected?: number; unexpected?: number; flaky?: number; skipped?: number } }).stats ?? {};
  return { passed: (s.expected ?? 0) + (s.flaky ?? 0), failed: s.unexpected ?? 0, skipped: s.skipped ?? 0 };
}

export function readSuite(
  suite: string,
  file: string,
  parse: (json: unknown) => Omit<SuiteTotals, 'suite' | 'reported'>,
): SuiteTotals {
  if (!existsSync(file)) return { suite, passed: 0, failed: 0, skipped: 0, reported: false };
  try {
    return { suite, ...parse(JSON.parse(readFileSync(file, 'utf8'))), reported: true };
  } catch {
    return { suite, passed: 0, failed: 0, skipped: 0, reported: false };
  }
}

/** The closing line CI reads: `tests: N passed, M failed` (`, K skipped` when some were). */
export function totalsLine(suites: readonly SuiteTotals[]): string {
  const sum = (key: 'passed' | 'failed' | 'skipped') => suites.reduce((n, s) => n + s[key], 0);
  // A suite that crashed without a report counts as one failure, so it can never read as green.
  const failed = sum('failed') + suites.filter((s) => !s.reported).length;
  const skipped = sum('skipped');
  return `tests: ${sum('passed')} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
}

interface PlaywrightSuite {
  specs?: { title: string; tests: { status?: string; annotations?: { type: string; description?: string }[] }[] }[];
  suites?: PlaywrightSuite[];
}

/** Every skipped Playwright test with the reason it gave, so a skip is never silent. */
export function playwrightSkips(json: unknown): string[] {
  const skips: string[] = [];
  const walk = (suite: PlaywrightSuite) => {
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests) {
        if (test.status !== 'skipped') continue;
        const reason = test.annotations?.find((a) => a.type === 'skip')?.description ?? 'no reason given';
        skips.push(`${spec.title}: ${reason}`);
      }
    }
    (suite.suites ?? []).forEach(walk);
  };
  ((json as { suites?: PlaywrightSuite[] }).suites ?? []).forEach(walk);
  return skips;
}

export const REPORTS = {
  vitest: '.reports/vitest.json',
  playwright: '.reports/playwright.json',
} as const;

export function readAllSuites(): SuiteTotals[] {
  return [
    readSuite('vitest', REPORTS.vitest, vitestTotals),
    readSuite('playwright', REPORTS.playwright, playwrightTotals),
  ];
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const suites = readAllSuites();
  console.log(totalsLine(suites));
  process.exit(suites.some((s) => !s.reported || s.failed > 0) ? 1 : 0);
}
