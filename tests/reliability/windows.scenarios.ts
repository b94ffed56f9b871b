import { expect, it } from 'vitest';
import { drained, enqueueNotes, online, type Rig, SenderLock } from './harness';
import { checkClient, describeReport, HELD } from './invariants';

/**
 * RELIABILITY.md, Several windows (scenario 18): two windows of the app, each with its own sync
 * engine, on the same IndexedDB database, with one sender at a time through a shared lock that
 * behaves like Web Locks (`navigator.locks.request`).
 */
export function windowScenarios(rig: Rig): void {
  it(
    'scenario 18: two windows enqueue at once — seqs unique and gapless, one sender at a time, hand-over when it closes',
    { timeout: 30_000 },
    async () => {
      const agentId = await rig.agent();
      const conversationId = await rig.conversationFor(agentId);
      const lock = new SenderLock();
      const proxyA = await rig.proxy();
      const a = rig.device(agentId, { senderLock: lock.for('A'), ackTimeoutMs: 5000 });
      const b = rig.device(agentId, { senderLock: lock.for('B') }, { idb: a.idb, dbName: a.dbName });
      const engineA = await a.start(proxyA.url);
      const engineB = await b.start(rig.t.url);
      await Promise.all([online(a), online(b)]);
      // One database, one device identity.
      expect(engineB.clientId).toBe(engineA.clientId);
      const clientId = engineA.clientId;

      // Both windows enqueue at the same time.
      const [fromA, fromB] = await Promise.all([
        enqueueNotes(a, conversationId, 10, 's18-A'),
        enqueueNotes(b, conversationId, 10, 's18-B'),
      ]);
      await Promise.all([drained(a), drained(b)]);
      const seqs = [...fromA, ...fromB].map((p) => p.seq).sort((x, y) => x - y);
      expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      // Interleaved, not one window's ten then the other's: the seq counter is really shared.
      expect(fromA.map((p) => p.seq)).not.toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
      expect(lock.maxHolders).toBe(1);
      expect(new Set(lock.grants)).toEqual(new Set(['A', 'B']));

      // Hand-over: A is the sender and its batch is stuck in the network; B's ops wait for the lock.
      await expect.poll(() => lock.idle).toBe(true);
      proxyA.drop('toServer');
      const lateA = await enqueueNotes(a, conversationId, 3, 's18-A-late');
      await expect.poll(() => lock.holder, { timeout: 5000 }).toBe('A');
      await expect.poll(() => a.batches.length > 0 && a.batches.at(-1)!.results === undefined).toBe(true);
      const lateB = await enqueueNotes(b, conversationId, 3, 's18-B-late');
      const bBatchesBefore = b.batches.length;
      expect(lock.holder).toBe('A');
      expect(await engineB.status()).toMatchObject({ pending: 6 });
      // The window holding the lock closes: the lock passes to B, which sends everything left.
      await a.stop();
      await drained(b);
      expect(lock.grants.at(-1)).toBe('B');
      const handedOver = b.batches.slice(bBatchesBefore).flatMap((batch) => batch.ops.map((o) => o.opId));
      expect(handedOver).toEqual(expect.arrayContaining([...lateA, ...lateB].map((p) => p.opId)));
      expect(lock.maxHolders).toBe(1);

      // One batch in flight across both windows: no batch was sent before the one before it ended.
      const batches = [...a.batches, ...b.batches].sort((x, y) => x.at - y.at);
      for (let i = 1; i < batches.length; i++) expect(batches[i]!.at).toBeGreaterThanOrEqual(batches[i - 1]!.endedAt!);
      const planned = [...fromA, ...fromB, ...lateA, ...lateB];
      const results = await rig.opResults(clientId);
      expect(results.map((r) => Number(r.seq))).toEqual(Array.from({ length: 26 }, (_, i) => i + 1));
      const counts = await rig.messageCounts(planned.map((p) => p.token!));
      expect(counts.size).toBe(26);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
      // I1–I4, I6, I7 for the window left open (the shared database).
      const report = await checkClient({
        server: rig.t.db,
        clientId,
        planned,
        cursors: b.cursors,
        mirror: { db: b.db!, expected: await rig.serverView(agentId), label: 'window B' },
      });
      expect(report, describeReport(report)).toMatchObject({
        ...HELD,
      });
    },
  );

  it(
    'scenario 18 (one sender): an op committed while the sender finishes its drain is sent, not left for the next kick',
    { timeout: 30_000 },
    async () => {
      const agentId = await rig.agent();
      const conversationId = await rig.conversationFor(agentId);
      // A sender lock (like Web Locks, released asynchronously) that can hold one release open.
      let armed = false;
      let holding = false;
      let release: (() => void) | undefined;
      const lock = async <T>(fn: () => Promise<T>): Promise<T> => {
        const result = await fn();
        if (armed) {
          armed = false;
          holding = true;
          await new Promise<void>((resolve) => (release = resolve));
          holding = false;
        }
        return result;
      };
      const device = rig.device(agentId, { senderLock: lock });
      await device.start(rig.t.url);
      await online(device);
      armed = true;
      const first = await enqueueNotes(device, conversationId, 1, 's18-first');
      // The drain sent it, found the outbox empty and is on its way out: the lock is not released yet.
      await expect.poll(() => holding).toBe(true);
      const second = await enqueueNotes(device, conversationId, 1, 's18-second');
      release!();
      await drained(device, 5000);
      expect(device.batches.map((b) => b.ops.map((o) => o.seq))).toEqual([[1], [2]]);
      await rig.expectInvariants(device, [...first, ...second]);
    },
  );
}
