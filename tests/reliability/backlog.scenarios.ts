import { expect, it } from 'vitest';
import { drained, enqueueNotes, online, type Rig } from './harness';
import type { PlannedOp } from './invariants';

/** The engine's default batch limits (renderer/sync/engine.ts): 200 ops, 256 KiB. */
const MAX_BATCH_OPS = 200;
const MAX_BATCH_BYTES = 256 * 1024;

/**
 * Ops in the backlog. RELIABILITY.md says 10,000; on a 2-core machine that drain takes about 100 s
 * (the server applies ~120 notes/s there, see benchmark B3), so `npm test` runs 2,000 — ten full
 * batches, the same assertions — and SWITCHBOARD_BACKLOG_OPS=10000 runs the scenario as written.
 */
export const BACKLOG_OPS = Number(process.env.SWITCHBOARD_BACKLOG_OPS ?? 2_000);

/**
 * RELIABILITY.md, Domain conflicts (scenario 29): a long offline spell leaves a backlog; on
 * reconnect it drains in bounded batches, every op applied once in order, while the agent keeps
 * working (an enqueue made during the drain resolves long before the drain ends). No wall-clock
 * budget here: throughput is benchmark B3's business.
 */
export function backlogScenario(rig: Rig): void {
  it(
    `scenario 29: a ${BACKLOG_OPS.toLocaleString('en')}-op backlog after a long offline spell drains without freezing the UI — all applied once in order, batches within the limit, an enqueue during the drain resolves first`,
    { timeout: 240_000 },
    async () => {
      const size = BACKLOG_OPS;
      const agentId = await rig.agent();
      const conversationId = await rig.conversationFor(agentId);
      const proxy = await rig.proxy();
      const device = rig.device(agentId, { ackTimeoutMs: 30_000 });
      const engine = await device.start(proxy.url);
      await online(device);
      proxy.refuse(true);
      proxy.cut();
      await expect.poll(async () => (await engine.status()).connection).toBe('offline');

      // The long offline spell.
      const planned: PlannedOp[] = await enqueueNotes(device, conversationId, size, 's29');
      expect(await engine.status()).toMatchObject({ pending: size, connection: 'offline' });

      proxy.refuse(false);
      // Mid-drain, the agent does something: it must not wait for the backlog.
      await expect
        .poll(() => device.results.length, { timeout: 60_000, interval: 20 })
        .toBeGreaterThanOrEqual(MAX_BATCH_OPS);
      const during = await engine.status();
      expect(during.pending).toBeGreaterThan(size / 4);
      const [late] = await enqueueNotes(device, conversationId, 1, 's29-late');
      const enqueuedAt = performance.now();
      const pendingAfterEnqueue = (await engine.status()).pending;
      await drained(device, 200_000);
      const drainedAt = performance.now();

      // The enqueue resolved while most of the backlog was still pending, well before the drain ended.
      expect(pendingAfterEnqueue).toBeGreaterThan(size / 4);
      expect(enqueuedAt).toBeLessThan(drainedAt);
      expect(late!.seq).toBe(size + 1);

      // Bounded batches, in seq order, each op sent in exactly one answered batch.
      for (const batch of device.batches) {
        expect(batch.ops.length).toBeLessThanOrEqual(MAX_BATCH_OPS);
        expect(JSON.stringify(batch.ops).length).toBeLessThanOrEqual(MAX_BATCH_BYTES + 2 * batch.ops.length);
      }
      const answered = device.batches.filter((b) => b.results).flatMap((b) => b.ops.map((o) => o.seq));
      expect(answered).toEqual(Array.from({ length: size + 1 }, (_, i) => i + 1));

      // Applied once each, in order (checked by the invariants over all 10,001 ops).
      const all = [...planned, late!];
      const report = await rig.expectInvariants(device, all);
      expect(report.applied).toBe(size + 1);
      const { rows } = await rig.t.db.query<{ n: number }>(
        'select count(*)::int as n from messages where conversation_id = $1 and direction = $2',
        [conversationId, 'note'],
      );
      expect(rows[0]!.n).toBe(size + 1);
      console.log(
        `scenario 29: ${size + 1} ops in ${device.batches.length} batches, drained in ${Math.round(drainedAt - enqueuedAt)} ms after the late enqueue`,
      );
    },
  );
}
