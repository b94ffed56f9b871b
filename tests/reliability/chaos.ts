import fc from 'fast-check';
import { startTestServer } from '../../server/testing/testServer';
import { FaultProxy, type Direction, type FaultKind } from './faultProxy';
import {
  addReports,
  checkClient,
  emptyReport,
  seededRandom,
  serverView,
  type InvariantReport,
  type PlannedOp,
} from './invariants';
import { Device } from './syncClient';

export { invariantsHeld } from './invariants';

/**
 * The chaos run of RELIABILITY.md: several devices doing real work through fault-injecting
 * proxies (cut, delay, drop one way, duplicate a frame, refuse) and restarts on the same data,
 * against the real backend; then every invariant is checked and one `chaos:` line printed.
 */
export interface ChaosOptions {
  seed: number;
  clients: number;
  opsPerClient: number;
  /** Mean pause between one device's ops. */
  opGapMs: number;
  /** Faults per device per second of run, on average. */
  faultsPerSecond: number;
  storage?: 'pglite' | 'postgres';
  log?: (line: string) => void;
}

export type FaultCountsByKind = Record<FaultKind | 'restart', number>;

/** A chaos run: its shape, and the invariants summed over its devices. */
export interface ChaosSummary extends InvariantReport {
  seed: number;
  clients: number;
  faults: number;
  faultsByKind: FaultCountsByKind;
  ms: number;
}

interface Planned extends PlannedOp {
  kind: 'note' | 'presence' | 'bad_reply';
}

export const FAULT_KINDS = ['cut', 'delay', 'drop', 'duplicate', 'refuse', 'restart'] as const;

type Fault = { kind: (typeof FAULT_KINDS)[number]; lengthMs: number; direction: Direction };

/** How long a fault lasts and which way it hits; kinds come in turn, not drawn. */
const FAULT = fc.record({
  lengthMs: fc.integer({ min: 20, max: 600 }),
  direction: fc.constantFrom<Direction>('toServer', 'toClient'),
});

export function chaosLine(s: ChaosSummary): string {
  return (
    `chaos: seed=${s.seed} clients=${s.clients} ops=${s.ops} faults=${s.faults} applied=${s.applied} ` +
    `rejected=${s.rejected} lost=${s.lost} duplicated=${s.duplicated} converged=${s.converged} ms=${s.ms}`
  );
}

export async function runChaos(options: ChaosOptions): Promise<ChaosSummary> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const t = await startTestServer(options.storage ?? 'pglite');
  const target = new URL(t.url);
  const faultsByKind: FaultCountsByKind = { cut: 0, delay: 0, drop: 0, duplicate: 0, refuse: 0, restart: 0 };
  const devices: {
    device: Device;
    proxy: FaultProxy;
    planned: Planned[];
    /** The device's cursor after each op, to check it only grows (I4). */
    cursors: number[];
    conversationId: string;
  }[] = [];
  try {
    for (let i = 0; i < options.clients; i++) {
      const agentId = `chaos${i}`;
      await t.addAgent({ id: agentId, skills: { social: 3 }, capacity: { social: 20, chat: 0, email: 0, voice: 0 } });
    }
    // Every agent gets one conversation to write notes on.
    for (let i = 0; i < options.clients; i++) {
      const agentId = `chaos${i}`;
      const setup = await t.connect(agentId);
      await setup.op('presence.set', { presence: 'available' });
      await t.settle();
      const { body } = await t.ingest({ channel: 'x_dm', text: `conversation of ${agentId}` });
      await setup.op('presence.set', { presence: 'busy' });
      setup.close();
      const proxy = await FaultProxy.start({ host: target.hostname, port: Number(target.port) });
      const device = new Device(agentId, () => t.signIn(agentId));
      devices.push({ device, proxy, planned: [], cursors: [], conversationId: body.conversationId as string });
    }
    const random = seededRandom(options.seed);
    await Promise.all(devices.map((d) => d.device.start(d.proxy.url)));

    // Each device: its ops, and its faults, concurrently.
    await Promise.all(
      devices.map(async (d, index) => {
        const faults = fc.sample(fc.array(FAULT, { minLength: 1, maxLength: 10_000 }), {
          seed: options.seed + index,
          numRuns: 1,
        })[0]!;
        let stop = false;
        const faulting = (async () => {
          let i = 0;
          while (!stop) {
            await sleep(exponential(random, 1000 / options.faultsPerSecond));
            if (stop) break;
            // Kinds in turn (every kind is injected on every device); lengths and directions drawn.
            const drawn = faults[i % faults.length]!;
            const fault: Fault = { ...drawn, kind: FAULT_KINDS[(i + index) % FAULT_KINDS.length]! };
            i += 1;
            faultsByKind[fault.kind] += 1;
            await inject(d.device, d.proxy, fault);
          }
        })();
        for (let n = 0; n < options.opsPerClient; n++) {
          await sleep(exponential(random, options.opGapMs));
          while (!d.device.engine) await sleep(10);
          const engine = d.device.engine;
          const roll = random();
          try {
            if (roll < 0.6) {
              const messageId = crypto.randomUUID();
              const token = `op-${index}-${n}-${messageId.slice(0, 8)}`;
              const op = await engine.enqueue('conversation.note', {
                conversationId: d.conversationId,
                messageId,
                body: token,
              });
              d.planned.push({ opId: op.opId, seq: op.seq, kind: 'note', messageId, token });
            } else if (roll < 0.9) {
              const presence = roll < 0.75 ? 'busy' : 'away';
              const op = await engine.enqueue('presence.set', { presence });
              d.planned.push({ opId: op.opId, seq: op.seq, kind: 'presence' });
            } else {
              const messageId = crypto.randomUUID();
              const op = await engine.enqueue('conversation.reply', {
                conversationId: `missing-${messageId}`,
                messageId,
                body: 'to nowhere',
                visibility: 'private',
              });
              d.planned.push({ opId: op.opId, seq: op.seq, kind: 'bad_reply', messageId });
            }
          } catch (err) {
            // The device was stopping under us (a restart fault): that command never committed.
            if (!String(err).includes('Database') && !String(err).includes('closed')) throw err;
          }
          const cursor = await d.device.db?.meta.get('cursor').catch(() => undefined);
          if (cursor) d.cursors.push(Number(cursor.value));
        }
        stop = true;
        await faulting;
      }),
    );

    // Faults stop; queues drain.
    for (const d of devices) {
      d.proxy.heal();
      if (!d.device.engine) await d.device.start(d.proxy.url);
      d.device.engine!.nudge();
    }
    const drainDeadline = Date.now() + 60_000;
    for (const d of devices) {
      for (;;) {
        const status = await d.device.engine!.status();
        const leftover = await d.device.db!.outbox.count();
        if (status.connection === 'online' && leftover === 0) break;
        if (Date.now() > drainDeadline) break;
        await sleep(50);
      }
      await d.device.engine!.settled();
    }
    await t.settle();
    log('chaos: drained, checking invariants');

    // Faults as they took effect (a duplicate counts once a frame was really sent twice; a refuse
    // per connection turned away), plus restarts, which the proxies cannot see.
    for (const kind of ['cut', 'delay', 'drop', 'duplicate', 'refuse'] as const)
      faultsByKind[kind] = devices.reduce((n, d) => n + d.proxy.counts[kind], 0);

    // --- Invariants (tests/reliability/invariants.ts) ---
    let report = emptyReport();
    for (const d of devices) {
      const engine = d.device.engine!;
      const expected = await serverView(t.url, await t.signIn(d.device.agentId));
      report = addReports(
        report,
        await checkClient({
          server: t.db,
          clientId: engine.clientId,
          planned: d.planned,
          cursors: d.cursors,
          mirror: { db: d.device.db!, expected, label: d.device.agentId },
        }),
      );
    }
    const summary: ChaosSummary = {
      seed: options.seed,
      clients: options.clients,
      ops: report.ops,
      faults: Object.values(faultsByKind).reduce((a, b) => a + b, 0),
      faultsByKind,
      applied: report.applied,
      rejected: report.rejected,
      lost: report.lost,
      duplicated: report.duplicated,
      outOfOrder: report.outOfOrder,
      seqGaps: report.seqGaps,
      cursorRegressions: report.cursorRegressions,
      phantoms: report.phantoms,
      converged: report.converged,
      divergence: report.divergence,
      ms: 0,
    };
    summary.ms = Date.now() - started;
    return summary;
  } finally {
    for (const d of devices) {
      await d.device.stop().catch(() => undefined);
      await d.proxy.close().catch(() => undefined);
    }
    await t.close();
  }
}

async function inject(device: Device, proxy: FaultProxy, fault: Fault): Promise<void> {
  switch (fault.kind) {
    case 'cut':
      proxy.cut();
      return;
    case 'duplicate':
      proxy.duplicateNext(fault.direction, 1);
      return;
    case 'delay':
      proxy.delay('both', Math.min(fault.lengthMs, 300), 20);
      await sleep(fault.lengthMs);
      proxy.delay('both', 0);
      return;
    case 'drop':
      proxy.drop(fault.direction);
      await sleep(fault.lengthMs);
      proxy.drop(null);
      return;
    case 'refuse':
      proxy.refuse(true);
      proxy.cut();
      await sleep(fault.lengthMs);
      proxy.refuse(false);
      return;
    case 'restart':
      await device.stop();
      await sleep(fault.lengthMs / 4);
      await device.start(proxy.url);
      return;
  }
}

const exponential = (random: () => number, mean: number) => -Math.log(1 - random()) * mean;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
