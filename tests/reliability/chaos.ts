import fc from 'fast-check';
import { io } from 'socket.io-client';
import { MIRROR_TABLES, type MirrorRow } from '../../renderer/sync/db';
import { PullResponseSchema, type Change } from '../../shared/protocol';
import { startTestServer, type TestServer } from '../../server/testing/testServer';
import { FaultProxy, type Direction, type FaultKind } from './faultProxy';
import { Device } from './syncClient';

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

export interface ChaosSummary {
  seed: number;
  clients: number;
  ops: number;
  faults: number;
  faultsByKind: FaultCountsByKind;
  applied: number;
  rejected: number;
  lost: number;
  duplicated: number;
  outOfOrder: number;
  cursorRegressions: number;
  phantoms: number;
  converged: boolean;
  divergence: string[];
  ms: number;
}

interface Planned {
  opId: string;
  seq: number;
  kind: 'note' | 'presence' | 'bad_reply';
  messageId?: string;
  token?: string;
}

export const FAULT_KINDS = ['cut', 'delay', 'drop', 'duplicate', 'refuse', 'restart'] as const;

type Fault = { kind: (typeof FAULT_KINDS)[number]; lengthMs: number; direction: Direction };

/** How long a fault lasts and which way it hits; kinds come in turn, not drawn. */
const FAULT = fc.record({
  lengthMs: fc.integer({ min: 20, max: 600 }),
  direction: fc.constantFrom<Direction>('toServer', 'toClient'),
});

/** Every invariant the run checks held (I1–I4, I6, I7). */
export function invariantsHeld(s: ChaosSummary): boolean {
  return (
    s.lost === 0 &&
    s.duplicated === 0 &&
    s.outOfOrder === 0 &&
    s.cursorRegressions === 0 &&
    s.phantoms === 0 &&
    s.converged
  );
}

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

    // --- Invariants ---
    const summary: ChaosSummary = {
      seed: options.seed,
      clients: options.clients,
      ops: 0,
      faults: Object.values(faultsByKind).reduce((a, b) => a + b, 0),
      faultsByKind,
      applied: 0,
      rejected: 0,
      lost: 0,
      duplicated: 0,
      outOfOrder: 0,
      cursorRegressions: 0,
      phantoms: 0,
      converged: true,
      divergence: [],
      ms: 0,
    };
    for (const d of devices) {
      const engine = d.device.engine!;
      summary.ops += d.planned.length;
      const { rows: results } = await t.db.query<{ op_id: string; seq: number; result: { status: string } }>(
        'select op_id, seq, result from op_results where client_id = $1 order by seq',
        [engine.clientId],
      );
      const byOp = new Map(results.map((r) => [r.op_id, r]));
      const rejectedIds = new Set<string>();
      for (const p of d.planned) {
        const r = byOp.get(p.opId);
        // I1: every committed op ends applied or rejected.
        if (!r) summary.lost += 1;
        else if (r.result.status === 'applied') summary.applied += 1;
        else {
          summary.rejected += 1;
          if (p.messageId) rejectedIds.add(p.messageId);
        }
      }
      // I2: each note's effect exists at most once (the body carries a token unique to the op).
      const tokens = d.planned.filter((p) => p.token).map((p) => p.token!);
      const { rows: notes } = await t.db.query<{ body: string; n: number; first_seq: number }>(
        `select m.body, count(*)::int as n, min(c.seq)::int as first_seq from messages m
         left join changes c on c.entity = 'message' and c.entity_id = m.id
         where m.body = any($1::text[]) group by m.body`,
        [tokens],
      );
      for (const n of notes) if (n.n > 1) summary.duplicated += n.n - 1;
      // I3: the server applied this client's notes in their seq order.
      const seqOfToken = new Map(d.planned.filter((p) => p.token).map((p) => [p.token!, p.seq]));
      const ordered = notes
        .filter((n) => n.first_seq !== null)
        .sort((a, b) => seqOfToken.get(a.body)! - seqOfToken.get(b.body)!);
      for (let i = 1; i < ordered.length; i++)
        if (ordered[i]!.first_seq < ordered[i - 1]!.first_seq) summary.outOfOrder += 1;
      // I4: the cursor only grew.
      for (let i = 1; i < d.cursors.length; i++) if (d.cursors[i]! < d.cursors[i - 1]!) summary.cursorRegressions += 1;
      // I7: a refused op left nothing behind in the mirror.
      for (const id of rejectedIds) if (await d.device.db!.messages.get(id)) summary.phantoms += 1;
      // I6: the mirror equals what the server shows this agent.
      const expected = await serverView(t, d.device.agentId);
      const actual = await mirrorView(d.device);
      const diff = compareViews(expected, actual);
      if (diff.length) {
        summary.converged = false;
        summary.divergence.push(...diff.slice(0, 5).map((x) => `${d.device.agentId}: ${x}`));
      }
    }
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

type View = Map<string, string>;

/** Everything this agent may see, folded from a pull from zero on a fresh client. */
async function serverView(t: TestServer, agentId: string): Promise<View> {
  const token = await t.signIn(agentId);
  const socket = io(t.url, {
    auth: { token, clientId: crypto.randomUUID() },
    transports: ['websocket'],
    forceNew: true,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    const view: View = new Map();
    for (let cursor = 0; ;) {
      const answer = PullResponseSchema.parse(
        await socket.timeout(10_000).emitWithAck('pull', { cursor, limit: 5000 }),
      );
      if ('reset_required' in answer) throw new Error('reset_required on a pull from zero');
      for (const c of answer.changes) fold(view, c);
      cursor = answer.cursor;
      if (!answer.more) break;
    }
    return view;
  } finally {
    socket.disconnect();
  }
}

function fold(view: View, change: Change): void {
  const key = `${change.entity}:${change.id}`;
  if (change.data === null) view.delete(key);
  else view.set(key, stable({ ...change.data, id: change.id }));
}

async function mirrorView(device: Device): Promise<View> {
  const db = device.db!;
  const view: View = new Map();
  for (const [entity, name] of Object.entries(MIRROR_TABLES))
    for (const row of await db.table<MirrorRow>(name).toArray()) view.set(`${entity}:${row.id}`, stable(row));
  return view;
}

function compareViews(expected: View, actual: View): string[] {
  const diff: string[] = [];
  for (const [k, v] of expected) {
    if (!actual.has(k)) diff.push(`missing ${k}`);
    else if (actual.get(k) !== v) diff.push(`differs ${k}: server ${v} mirror ${actual.get(k)}`);
  }
  for (const k of actual.keys()) if (!expected.has(k)) diff.push(`extra ${k}`);
  return diff;
}

function stable(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

function seededRandom(seed: number): () => number {
  // mulberry32: a small, well-known seeded generator, so a run can be replayed from its seed.
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const exponential = (random: () => number, mean: number) => -Math.log(1 - random()) * mean;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
