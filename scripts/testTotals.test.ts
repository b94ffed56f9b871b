import { describe, expect, it } from 'vitest';
import { playwrightSkips, playwrightTotals, totalsLine, vitestTotals } from './testTotals';

describe('the closing totals line', () => {
  it('adds vitest and Playwright counts, with skipped only when some were', () => {
    const suites = [
      {
        suite: 'vitest',
        ...vitestTotals({ numPassedTests: 240, numFailedTests: 0, numPendingTests: 0, numTodoTests: 0 }),
        reported: true,
      },
      {
        suite: 'playwright',
        ...playwrightTotals({ stats: { expected: 7, unexpected: 0, flaky: 1, skipped: 1 } }),
        reported: true,
      },
    ];
    expect(totalsLine(suites)).toBe('tests: 248 passed, 0 failed, 1 skipped');
    expect(totalsLine(suites.slice(0, 1))).toBe('tests: 240 passed, 0 failed');
  });

  it('counts a suite that wrote no report as a failure, so a crash never reads as green', () => {
    const line = totalsLine([
      { suite: 'vitest', passed: 10, failed: 0, skipped: 0, reported: true },
      { suite: 'playwright', passed: 0, failed: 0, skipped: 0, reported: false },
    ]);
    expect(line).toBe('tests: 10 passed, 1 failed');
  });

  it('reads failures from both reporters', () => {
    expect(vitestTotals({ numPassedTests: 3, numFailedTests: 2, numPendingTests: 1, numTodoTests: 1 })).toEqual({
      passed: 3,
      failed: 2,
      skipped: 2,
    });
    expect(playwrightTotals({ stats: { expected: 1, unexpected: 4, flaky: 0, skipped: 0 } })).toEqual({
      passed: 1,
      failed: 4,
      skipped: 0,
    });
    expect(playwrightTotals({})).toEqual({ passed: 0, failed: 0, skipped: 0 });
  });
});

describe('skipped Playwright tests', () => {
  it('are listed with the reason they gave', () => {
    const report = {
      suites: [
        {
          suites: [
            {
              specs: [
                { title: 'runs', tests: [{ status: 'expected', annotations: [] }] },
                {
                  title: 'the desktop window',
                  tests: [
                    {
                      status: 'skipped',
                      annotations: [{ type: 'skip', description: 'Electron runtime not available' }],
                    },
                  ],
                },
              ],
            },
          ],
        },
      ],
    };
    expect(playwrightSkips(report)).toEqual(['the desktop window: Electron runtime not available']);
  });
});
