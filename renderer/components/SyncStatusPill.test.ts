import { describe, expect, it } from 'vitest';
import { workerStatus } from '../test/workerStatus';
import { syncLabel, syncState } from './SyncStatusPill';

const base = workerStatus();
const now = Date.parse('2026-11-25T12:00:00Z');

describe('sync status line', () => {
  it('says what is queued and how old the oldest is', () => {
    const offline = { ...base, connection: 'offline' as const, pending: 3, oldestPendingAt: now - 5 * 60_000 };
    expect(syncState(offline, null)).toBe('offline');
    expect(syncLabel(offline, null, now)).toBe('Offline · 3 actions queued, oldest 5 min');
    expect(syncLabel({ ...offline, pending: 0, oldestPendingAt: null }, null, now)).toBe(
      'Offline · changes are saved here',
    );
    expect(syncLabel({ ...base, connection: 'syncing', pending: 1 }, null, now)).toBe('Syncing · 1 action queued');
    expect(syncLabel(base, null, now)).toBe('All changes saved');
  });

  it('stuck, a refused sign-in and errors win over the connection state', () => {
    const stuck = { ...base, pending: 4, stuck: true, oldestPendingAt: now - 2 * 3_600_000 - 60_000 };
    expect(syncState(stuck, null)).toBe('stuck');
    expect(syncLabel(stuck, null, now)).toBe('4 actions queued, oldest 2 h 1 min: not reaching the server');
    expect(syncState({ ...stuck, needsToken: true }, null)).toBe('signing_in');
    expect(syncState(stuck, 'no storage')).toBe('error');
    expect(syncState(null, null)).toBe('starting');
  });
});
