import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
const { version: electronVersion } = JSON.parse(
  await readFile(path.join(root, 'node_modules/electron/package.json'), 'utf8'),
) as {
  version: string;
};

/** Column 2 of its CSV report is the severity, quoted. */
function severity(row: string): string {
  return (row.split(',')[1] ?? '').replace(/"/g, '').trim().toUpperCase();
}

/**
 * Electronegativity exits 0 whatever it finds, so read its report and fail on any HIGH. Its global
 * checks (navigation limits, CSP) look across the whole app, so the desktop folders are scanned
 * together, without tests.
 */
describe('electronegativity scan of the desktop sources', () => {
  it('finds no HIGH severity issue in main/, preload/ and renderer/', { timeout: 180_000 }, async () => {
    const work = await mkdtemp(path.join(os.tmpdir(), 'electronegativity-'));
    try {
      const app = path.join(work, 'app');
      for (const folder of ['main', 'preload', 'renderer', 'shared']) {
        await cp(path.join(root, folder), path.join(app, folder), {
          recursive: true,
          filter: (source) => !/\.test\.tsx?$/.test(source) && !source.includes(`${path.sep}test${path.sep}`),
        });
      }
      const report = path.join(work, 'report.csv');
      const cli = path.join(root, 'node_modules/@doyensec/electronegativity/dist/index.js');
      await run(process.execPath, [cli, '-i', app, '-o', report, '-r', '-v', 'false', '-e', electronVersion], {
        cwd: root,
        maxBuffer: 32 * 1024 * 1024,
      });
      const findings = (await readFile(report, 'utf8')).trim().split('\n').slice(1).filter(Boolean);
      const high = findings.filter((row) => severity(row) === 'HIGH');
      console.log(`electronegativity ${electronVersion}: ${findings.length} findings, ${high.length} HIGH`);
      for (const row of findings) console.log(`  ${row.split(',').slice(0, 5).join(',')}`);
      expect(findings.length).toBeGreaterThan(0); // the scan really ran and parsed the sources
      expect(high).toEqual([]);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});
