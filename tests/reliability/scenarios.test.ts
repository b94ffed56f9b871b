import { describe } from 'vitest';
import { DB_KINDS } from '../../server/testing/testDatabase';
import { backlogScenario } from './backlog.scenarios';
import { domainScenarios } from './domain.scenarios';
import { duplicateScenarios } from './duplicates.scenarios';
import { Rig } from './harness';
import { networkScenarios } from './network.scenarios';
import { restartScenarios } from './restarts.scenarios';
import { versionScenarios } from './versions.scenarios';
import { windowScenarios } from './windows.scenarios';

/**
 * One explicit, deterministic test per scenario of RELIABILITY.md, on both databases. The scenarios
 * live in one module per heading (`*.scenarios.ts`); they share one backend per database kind,
 * because a fresh PGlite costs seconds and every test makes its own agents anyway.
 */
describe.each(DB_KINDS)('RELIABILITY.md scenarios on %s', (kind) => {
  const rig = new Rig(kind);
  describe('Network (1–6)', () => networkScenarios(rig, kind));
  describe('Duplicates, reorder, gaps (8–11)', () => duplicateScenarios(rig));
  describe('Crashes and restarts (12–16)', () => restartScenarios(rig));
  describe('Several windows (18)', () => windowScenarios(rig));
  describe('Versions (23)', () => versionScenarios(rig));
  describe('Domain conflicts (24–28)', () => domainScenarios(rig));
  // The long drain once, on the default database, and last: its thousands of changes stay in the log.
  if (kind === 'pglite') describe('Offline backlog (29)', () => backlogScenario(rig));
});
