import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { playwrightSkips, readAllSuites, REPORTS, totalsLine } from './testTotals';

/**
 * `npm test`: every suite, then one closing line totalling them from their JSON reports.
 * vitest (node + happy-dom, including the electronegativity scan), the build, then Playwright
 * (web agent in Chromium; the Electron suite, which skips itself where no runtime exists).
 */
const root = path.resolve(import.meta.dirname, '..');
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);
rmSync(path.join(root, '.reports'), { recursive: true, force: true });
mkdirSync(path.join(root, '.reports'), { recursive: true });

const step = (label: string, command: string, args: string[]) => {
  console.log(`\n── ${label} ──`);
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, FORCE_COLOR: process.env.CI ? '0' : '1' },
  });
  return result.status === 0;
};

const extra = process.argv.slice(2);
const unitOk = step('unit and integration (vitest)', bin('vitest'), [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${REPORTS.vitest}`,
  ...extra,
]);
const buildOk = step('build (electron-vite)', bin('electron-vite'), ['build']);
const e2eOk = buildOk ? step('end to end (Playwright)', bin('playwright'), ['test']) : false;

const suites = readAllSuites();
console.log('');
for (const s of suites) {
  console.log(
    `${s.suite}: ${s.reported ? `${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped` : 'no report (the suite crashed)'}`,
  );
}
if (existsSync(REPORTS.playwright)) {
  for (const skip of playwrightSkips(JSON.parse(readFileSync(REPORTS.playwright, 'utf8'))))
    console.log(`skipped: ${skip}`);
}
if (!buildOk) console.log('build: failed, so Playwright did not run');
console.log(totalsLine(suites));
process.exit(unitOk && buildOk && e2eOk && suites.every((s) => s.reported && s.failed === 0) ? 0 : 1);
