import type { WorkerStatus } from '../sync/workerProtocol';

/** A sync status for tests: online, nothing queued, storage kept; override what the test is about. */
export function workerStatus(over: Partial<WorkerStatus> = {}): WorkerStatus {
  return {
    connection: 'online',
    pending: 0,
    oldestPendingAt: null,
    lastSyncedAt: null,
    issues: 0,
    stuck: false,
    needsToken: false,
    storage: { persisted: true, usage: null, quota: null },
    problem: null,
    ...over,
  };
}
