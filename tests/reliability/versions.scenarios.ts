import { expect, it } from 'vitest';
import { drained, enqueueNotes, online, type Rig } from './harness';
import { compareViews, mirrorView } from './invariants';
import { wasReset } from './syncClient';

/**
 * RELIABILITY.md, Versions (scenario 23): the server can no longer continue the client's cursor
 * (its change log was trimmed while the client was away) and answers `reset_required`.
 */
export function versionScenarios(rig: Rig): void {
  it(
    'scenario 23: cursor too old (reset_required) — mirror rebuilt from a fresh pull, outbox kept, pending ops applied once',
    { timeout: 30_000 },
    async () => {
      const agentId = await rig.agent();
      const { conversationId, customerWrites } = await rig.thread(agentId);
      const proxy = await rig.proxy();
      const device = rig.device(agentId);
      const engine = await device.start(proxy.url);
      await online(device);
      const cursorBefore = Number((await device.db!.meta.get('cursor'))!.value);
      expect(await device.db!.conversations.get(conversationId)).toBeDefined();

      // The device goes offline and the agent keeps working.
      proxy.refuse(true);
      proxy.cut();
      await expect.poll(async () => (await engine.status()).connection).toBe('offline');
      const planned = await enqueueNotes(device, conversationId, 3, 's23');
      // Meanwhile the server moves on, and trims its change log past the device's cursor
      // (retention): everything up to here goes; the customer's new message stays.
      await rig.admin.op('presence.set', { presence: 'away' });
      const { rows } = await rig.t.db.query<{ max: number }>('select max(seq)::int as max from changes');
      const fresh = await customerWrites('anyone?');
      await rig.t.db.query('delete from changes where seq <= $1', [rows[0]!.max]);
      // A row the device holds that a pull from zero can no longer produce: it must not survive.
      await device.db!.templates.put({ id: 's23-stale-template', name: 'gone' });

      proxy.refuse(false);
      await drained(device);

      // The server refused the old cursor once; the engine rebuilt from zero and kept its outbox.
      const resets = device.pulls.filter(wasReset);
      expect(resets).toHaveLength(1);
      expect(resets[0]!.cursor).toBe(cursorBefore);
      const afterReset = device.pulls[device.pulls.indexOf(resets[0]!) + 1]!;
      expect(afterReset.cursor).toBe(0);
      expect(device.cursors).toContain(0);
      // The cursor only fell at the reset: before and after it, it only grew.
      const at = device.cursors.indexOf(0, device.cursors.indexOf(cursorBefore));
      const grows = (xs: number[]) => xs.every((c, i) => i === 0 || c >= xs[i - 1]!);
      expect(grows(device.cursors.slice(0, at))).toBe(true);
      expect(grows(device.cursors.slice(at))).toBe(true);

      // Outbox kept: every op offline applied exactly once, in order.
      const results = await rig.opResults(engine.clientId);
      expect(results.map((r) => [Number(r.seq), r.op_id, r.result.status])).toEqual(
        planned.map((p) => [p.seq, p.opId, 'applied']),
      );
      const counts = await rig.messageCounts(planned.map((p) => p.token!));
      expect([...counts.values()]).toEqual([1, 1, 1]);
      // Mirror rebuilt: exactly what a fresh pull shows now (the stale row is gone, the new message is in).
      expect(await device.db!.templates.get('s23-stale-template')).toBeUndefined();
      expect(await device.db!.messages.get(fresh)).toMatchObject({ body: 'anyone?' });
      expect(compareViews(await rig.serverView(agentId), await mirrorView(device.db!))).toEqual([]);
      await rig.expectInvariants(device, planned, { cursors: device.cursors.slice(at) });
    },
  );
}
