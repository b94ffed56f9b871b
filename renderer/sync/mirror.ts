import type { Change, Op } from '../../shared/protocol';
import { MIRROR_TABLES, shadowKey, type Entity, type MirrorRow, type OutboxRow, type SyncDb } from './db';
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
    const data = change.data === null ? null : ({ ...change.data, id: change.id } as MirrorRow);
    const k = shadowKey(change.entity, change.id);
    if (await this.db.shadows.get(k)) {
      await this.db.shadows.put({ key: k, data });
      await this.replay(k);
    } else {
      await this.write(change.entity, change.id, data);
    }
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

  private async replay(k: string): Promise<void> {
    const shadow = await this.db.shadows.get(k);
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

function splitKey(k: string): [Entity, string] {
  const at = k.indexOf(':');
  const entity = k.slice(0, at);
  if (!(entity in MIRROR_TABLES)) throw new Error(`Unknown mirror entity in key ${k}`);
  return [entity as Entity, k.slice(at + 1)];
}
