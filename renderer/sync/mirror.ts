import type { Change, Op } from '../../shared/protocol';
import {
  MIRROR_TABLES,
  shadowKey,
  type Entity,
  type MirrorRow,
  type OutboxRow,
  type ShadowRow,
  type SyncDb,
} from './db';
import { effectsOf, type EffectContext } from './effects';

/**
 * The mirror is the server's state with the client's pending ops replayed on top (I5). A row
 * with pending effects keeps the server's image in `shadows`; server changes update the image and
 * the row is replayed; when an op leaves the outbox its rows are replayed without it (I7). Call
 * these inside a Dexie transaction that spans the mirror tables, `shadows` and `outbox`.
 */
export class Mirror {
  constructor(
    private readonly db: SyncDb,
    private readonly ctx: EffectContext,
  ) {}

  /** Every table a mirror transaction may touch. */
  get tables() {
    return [...this.db.mirrorTables, this.db.shadows, this.db.outbox];
  }

  /** The tables an op's effect touches: an enqueue's transaction spans only these (B6). */
  tablesFor(op: Op) {
    const entities = new Set(effectsOf(op, this.ctx).map((e) => e.key[0]));
    return [...[...entities].map((entity) => this.db.mirror(entity)), this.db.shadows, this.db.outbox];
  }

  /** Applies an op's optimistic effect; returns the rows it touched (`entity:id`). */
  async applyOp(op: Op): Promise<string[]> {
    const keyIds: string[] = [];
    for (const effect of effectsOf(op, this.ctx)) {
      const [entity, id] = effect.key;
      const k = shadowKey(entity, id);
      const table = this.db.mirror(entity);
      const current = (await table.get(id)) ?? null;
      // The first pending op on a row keeps the server's image of it.
      if (!(await this.db.shadows.get(k))) await this.db.shadows.put({ key: k, data: current });
      await this.write(entity, id, effect.apply(current));
      if (!keyIds.includes(k)) keyIds.push(k);
    }
    return keyIds;
  }

  /** A server change: the new server image, with pending effects replayed on top. */
  async applyChange(change: Change): Promise<void> {
    await this.applyChanges([change]);
  }

  /**
   * Server changes in seq order: each row's newest server image, with pending effects replayed on
   * top. The same as applying them one by one — an earlier image of a row is overwritten by a
   * later one in the same transaction — but with one read of the shadows and one bulk write per
   * table (B2: a catch-up applies pages of a thousand changes).
   */
  async applyChanges(changes: readonly Change[]): Promise<void> {
    if (changes.length === 0) return;
    const latest = new Map<string, Change>();
    for (const change of changes) latest.set(shadowKey(change.entity, change.id), change);
    const keys = [...latest.keys()];
    const hasShadow = await this.shadowedAmong(keys);
    const puts = new Map<Entity, MirrorRow[]>();
    const deletes = new Map<Entity, string[]>();
    const shadowed: ShadowRow[] = [];
    keys.forEach((k, i) => {
      const change = latest.get(k)!;
      const data = change.data === null ? null : ({ ...change.data, id: change.id } as MirrorRow);
      if (hasShadow[i]) shadowed.push({ key: k, data });
      else if (data === null) pushTo(deletes, change.entity, change.id);
      else pushTo(puts, change.entity, data);
    });
    await Promise.all([
      ...[...puts].map(([entity, rows]) => this.db.mirror(entity).bulkPut(rows)),
      ...[...deletes].map(([entity, ids]) => this.db.mirror(entity).bulkDelete(ids)),
      ...(shadowed.length ? [this.db.shadows.bulkPut(shadowed)] : []),
    ]);
    // Rows with pending effects: the new image, with the ops still pending replayed on top.
    for (const shadow of shadowed) await this.replay(shadow.key, shadow);
  }

  /** After an op left the outbox: its rows are rebuilt from the server image and the ops still pending. */
  async rebuild(keyIds: readonly string[]): Promise<void> {
    for (const k of keyIds) await this.replay(k);
  }

  /** reset_required: forget the server state, keep the outbox, and show pending effects over nothing. */
  async reset(): Promise<void> {
    for (const table of this.db.mirrorTables) await table.clear();
    await this.db.shadows.clear();
    const pending = await this.db.outbox.orderBy('seq').toArray();
    for (const row of pending) await this.applyOp(row.op);
  }

  /**
   * Which of these rows have a shadow (pending effects). A push holds a few changes: each row is
   * looked up. A pulled page holds up to a thousand, and shadows are few unless many ops wait:
   * none (the usual catch-up) costs one count; fewer than the rows asked about are read once.
   */
  private async shadowedAmong(keys: readonly string[]): Promise<boolean[]> {
    if (keys.length <= 16) return (await this.db.shadows.bulkGet([...keys])).map(Boolean);
    const count = await this.db.shadows.count();
    if (count === 0) return keys.map(() => false);
    if (count <= keys.length) {
      const held = new Set(await this.db.shadows.toCollection().primaryKeys());
      return keys.map((k) => held.has(k));
    }
    return (await this.db.shadows.bulkGet([...keys])).map(Boolean);
  }

  /** `known`: the shadow as just written in this transaction, so it need not be read again. */
  private async replay(k: string, known?: ShadowRow): Promise<void> {
    const shadow = known ?? (await this.db.shadows.get(k));
    if (!shadow) return;
    const [entity, id] = splitKey(k);
    const ops: OutboxRow[] = await this.db.outbox.where('keyIds').equals(k).sortBy('seq');
    let row = shadow.data;
    for (const { op } of ops) {
      for (const effect of effectsOf(op, this.ctx)) {
        if (effect.key[0] === entity && effect.key[1] === id) row = effect.apply(row);
      }
    }
    await this.write(entity, id, row);
    // Nothing pending on it any more: the server's image is the row, no shadow needed.
    if (ops.length === 0) await this.db.shadows.delete(k);
  }

  private async write(entity: Entity, id: string, row: MirrorRow | null): Promise<void> {
    const table = this.db.mirror(entity);
    if (row === null) await table.delete(id);
    else await table.put({ ...row, id });
  }
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function splitKey(k: string): [Entity, string] {
  const at = k.indexOf(':');
  const entity = k.slice(0, at);
  if (!(entity in MIRROR_TABLES)) throw new Error(`Unknown mirror entity in key ${k}`);
  return [entity as Entity, k.slice(at + 1)];
}
