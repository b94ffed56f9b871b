import { io } from 'socket.io-client';
import { MIRROR_TABLES, type MirrorRow, type SyncDb } from '../../renderer/sync/db';
import { effectsOf } from '../../renderer/sync/effects';
import type { Queryable } from '../../server/db/db';
import { PullResponseSchema, type Change, type Op } from '../../shared/protocol';

/**
 * The invariants of RELIABILITY.md (I1–I7) as checks every reliability suite shares: the chaos
 * run sums them over its devices, each scenario test asserts them for the devices it drove.
 */

/** A client's view of the server: `entity:id` → the row as stable JSON. */
export type View = Map<string, string>;

/** One op a test committed to a device's outbox, with what makes its effect countable on the server. */
export interface PlannedOp {
  opId: string;
  seq: number;
  /** A note's or reply's message id: it must be gone from the mirror when the op was refused (I7). */
  messageId?: string;
  /** A body unique to the op: its messages are counted on the server (I2). */
  token?: string;
}

export interface InvariantReport {
  ops: number;
  applied: number;
  rejected: number;
  /** I1: committed ops the server never processed (or processed under another seq). */
  lost: number;
  /** I2: effects applied more than once. */
  duplicated: number;
  /** I3: ops the server applied after an op with a higher seq of the same client. */
  outOfOrder: number;
  /** The client's seqs on the server are not 1…n without holes. */
  seqGaps: number;
  /** I4: times the cursor went back. */
  cursorRegressions: number;
  /** I7: optimistic residue of refused ops (and shadows left once the outbox is empty). */
  phantoms: number;
  /** I6: the mirror equals what the server shows this user. */
  converged: boolean;
  divergence: string[];
}

export function emptyReport(): InvariantReport {
  return { ops: 0, applied: 0, rejected: 0, ...HELD, divergence: [] };
}

/** Sums reports (several devices of one run). */
export function addReports(a: InvariantReport, b: InvariantReport): InvariantReport {
  return {
    ops: a.ops + b.ops,
    applied: a.applied + b.applied,
    rejected: a.rejected + b.rejected,
    lost: a.lost + b.lost,
    duplicated: a.duplicated + b.duplicated,
    outOfOrder: a.outOfOrder + b.outOfOrder,
    seqGaps: a.seqGaps + b.seqGaps,
    cursorRegressions: a.cursorRegressions + b.cursorRegressions,
    phantoms: a.phantoms + b.phantoms,
    converged: a.converged && b.converged,
    divergence: [...a.divergence, ...b.divergence],
  };
}

/** Every invariant checked held (I1–I4, I6, I7). */
/** Every invariant held: what each report must match (apart from its counts). */
export const HELD = {
  lost: 0,
  duplicated: 0,
  outOfOrder: 0,
  seqGaps: 0,
  cursorRegressions: 0,
  phantoms: 0,
  converged: true,
} as const satisfies Partial<InvariantReport>;

export function invariantsHeld(s: Pick<InvariantReport, keyof typeof HELD>): boolean {
  return (Object.keys(HELD) as (keyof typeof HELD)[]).every((k) => s[k] === HELD[k]);
}

/** The figures a failed check prints (the divergence trimmed). */
export function describeReport(r: InvariantReport): string {
  const { divergence, ...figures } = r;
  return `${JSON.stringify(figures)}${divergence.length ? ` divergence: ${divergence.slice(0, 5).join(' | ')}` : ''}`;
}

interface StoredResult {
  op_id: string;
  seq: number;
  result: { status: string; seq?: number };
}

/**
 * Checks one client against the server's database: I1 (every planned op has a result under its
 * seq), I2 (each token's message exists at most once), I3 (applied ops' changes rise with their
 * seq), seqs gapless, I4 (`cursors` never fall), I7 (no refused message in the mirror, no shadow
 * left once the outbox is empty) and I6 (the mirror equals `expected`, a fresh pull).
 */
export async function checkClient(input: {
  server: Queryable;
  clientId: string;
  planned: readonly PlannedOp[];
  cursors?: readonly number[];
  mirror?: { db: SyncDb; expected: View; label?: string };
}): Promise<InvariantReport> {
  const report = emptyReport();
  report.ops = input.planned.length;
  const { rows: results } = await input.server.query<StoredResult>(
    'select op_id, seq, result from op_results where client_id = $1 order by seq',
    [input.clientId],
  );
  const byOp = new Map(results.map((r) => [r.op_id, r]));
  const refusedMessages = new Set<string>();
  for (const p of input.planned) {
    const r = byOp.get(p.opId);
    if (!r || Number(r.seq) !== p.seq) report.lost += 1;
    else if (r.result.status === 'applied') report.applied += 1;
    else {
      report.rejected += 1;
      if (p.messageId) refusedMessages.add(p.messageId);
    }
  }
  // Seqs 1…n, each once (the primary key makes "once" hold; holes are what can go wrong).
  results.forEach((r, i) => {
    if (Number(r.seq) !== i + 1) report.seqGaps += 1;
  });
  // I3: the server's change seq of each applied op rises with the op's seq.
  let lastChange = 0;
  for (const r of results) {
    const changeSeq = r.result.status === 'applied' ? r.result.seq : undefined;
    if (changeSeq === undefined) continue;
    if (changeSeq <= lastChange) report.outOfOrder += 1;
    lastChange = Math.max(lastChange, changeSeq);
  }
  // I2: a note's body carries a token unique to its op; its message exists at most once.
  const tokens = input.planned.filter((p) => p.token).map((p) => p.token!);
  if (tokens.length) {
    const { rows: notes } = await input.server.query<{ n: number }>(
      'select count(*)::int as n from messages where body = any($1::text[]) group by body',
      [tokens],
    );
    for (const n of notes) if (n.n > 1) report.duplicated += n.n - 1;
  }
  // I4
  const cursors = input.cursors ?? [];
  for (let i = 1; i < cursors.length; i++) if (cursors[i]! < cursors[i - 1]!) report.cursorRegressions += 1;
  if (input.mirror) {
    const { db, expected, label } = input.mirror;
    // I7
    for (const id of refusedMessages) if (await db.messages.get(id)) report.phantoms += 1;
    if ((await db.outbox.count()) === 0) report.phantoms += await db.shadows.count();
    // I6
    const diff = compareViews(expected, await mirrorView(db));
    if (diff.length) {
      report.converged = false;
      report.divergence.push(...diff.slice(0, 5).map((x) => (label ? `${label}: ${x}` : x)));
    }
  }
  return report;
}

/** Everything a user may see, folded from a pull from zero on a fresh client id (no cursor, no mirror). */
export async function serverView(url: string, token: string): Promise<View> {
  const socket = io(url, {
    auth: { token, clientId: crypto.randomUUID() },
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
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

export function fold(view: View, change: Change): void {
  const key = `${change.entity}:${change.id}`;
  if (change.data === null) view.delete(key);
  else view.set(key, stable({ ...change.data, id: change.id }));
}

/** The device's mirror tables as a view. */
export async function mirrorView(db: SyncDb): Promise<View> {
  const view: View = new Map();
  for (const [entity, name] of Object.entries(MIRROR_TABLES))
    for (const row of await db.table<MirrorRow>(name).toArray()) view.set(`${entity}:${row.id}`, stable(row));
  return view;
}

/**
 * I5 read-your-writes: what the UI must show is the server's state with the client's pending ops
 * replayed on top, in seq order. Returns `base` with `ops`' effects applied.
 */
export function withPending(base: View, ops: readonly Op[], agentId: string): View {
  const view: View = new Map(base);
  for (const op of [...ops].sort((a, b) => a.seq - b.seq)) {
    for (const effect of effectsOf(op, { agentId })) {
      const [entity, id] = effect.key;
      const key = `${entity}:${id}`;
      const current = view.get(key);
      const next = effect.apply(current === undefined ? null : (JSON.parse(current) as MirrorRow));
      if (next === null) view.delete(key);
      else view.set(key, stable({ ...next, id }));
    }
  }
  return view;
}

/** Differences, as sentences: missing, differing and extra rows of `actual` against `expected`. */
export function compareViews(expected: View, actual: View): string[] {
  const diff: string[] = [];
  for (const [k, v] of expected) {
    if (!actual.has(k)) diff.push(`missing ${k}`);
    else if (actual.get(k) !== v) diff.push(`differs ${k}: server ${v} mirror ${actual.get(k)}`);
  }
  for (const k of actual.keys()) if (!expected.has(k)) diff.push(`extra ${k}`);
  return diff;
}

/** JSON with object keys sorted, so equal rows compare equal as strings. */
export function stable(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

/** mulberry32: a small, well-known seeded generator, so a run can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}
