import { expect, it } from 'vitest';
import type { Change } from '../../shared/protocol';
import { drained, enqueueNotes, Gate, online, type Rig, sleep } from './harness';
import { compareViews, mirrorView } from './invariants';
import { pulledChanges, type Device } from './syncClient';

/**
 * RELIABILITY.md, Duplicates, reorder, gaps (scenarios 8–11): the same batch twice, a batch out of
 * order, a change missed downstream, and a change pushed after it was pulled.
 */
export function duplicateScenarios(rig: Rig): void {
  it(
    'scenario 8: the same batch delivered twice — the second copy gets the stored results, each effect once',
    { timeout: 30_000 },
    async () => {
      const spy = rig.spy();
      const agentId = await rig.agent();
      const conversationId = await rig.conversationFor(agentId);
      const proxy = await rig.proxy();
      // The sender waits at the gate, so the three ops leave in one batch.
      const gate = new Gate();
      const device = rig.device(agentId, { senderLock: gate.lock });
      const engine = await device.start(proxy.url);
      await online(device);
      const planned = await enqueueNotes(device, conversationId, 3, 's8');
      proxy.duplicateNext('toServer', 1);
      gate.open();
      await drained(device);

      expect(proxy.counts.duplicate).toBe(1);
      expect(device.batches[0]!.ops.map((o) => o.seq)).toEqual(planned.map((p) => p.seq));
      // Both copies reached processOps: three op transactions each, the second copy's all repeats.
      const txs = spy.of(engine.clientId);
      expect(txs).toHaveLength(6);
      expect(txs.filter((t) => t.repeat).map((t) => t.seq)).toEqual(expect.arrayContaining(planned.map((p) => p.seq)));
      expect(txs.filter((t) => t.result?.status === 'applied')).toHaveLength(3);
      const counts = await rig.messageCounts(planned.map((p) => p.token!));
      expect([...counts.values()]).toEqual([1, 1, 1]);
      await rig.expectInvariants(device, planned);

      // The same on a raw socket: a batch sent twice answers the stored results the second time.
      const raw = await rig.client(agentId);
      const batch = ['raw-a', 'raw-b'].map((body) =>
        raw.makeOp('conversation.note', { conversationId, messageId: crypto.randomUUID(), body }),
      );
      const first = await raw.send(batch);
      const again = await raw.send(batch);
      expect(first.map((r) => r.status)).toEqual(['applied', 'applied']);
      expect(again).toEqual(
        first.map((r) => ({ opId: r.opId, status: 'already_processed', original: { status: 'applied', seq: r.seq } })),
      );
      expect(await rig.messageCounts(['raw-a', 'raw-b'])).toEqual(
        new Map([
          ['raw-a', 1],
          ['raw-b', 1],
        ]),
      );
    },
  );

  it(
    'scenario 9: a batch out of order — out_of_order with the expected seq, and the engine resends from it',
    { timeout: 30_000 },
    async () => {
      const agentId = await rig.agent();
      const conversationId = await rig.conversationFor(agentId);

      // Hand-crafted on a raw socket: seqs 2 and 3 before 1.
      const raw = await rig.client(agentId);
      const ops = ['one', 'two', 'three'].map((body) =>
        raw.makeOp('conversation.note', { conversationId, messageId: crypto.randomUUID(), body: `s9-raw-${body}` }),
      );
      expect(await raw.send([ops[1], ops[2]])).toEqual([
        { opId: ops[1]!.opId, status: 'out_of_order', expected: 1 },
        { opId: ops[2]!.opId, status: 'out_of_order', expected: 1 },
      ]);
      expect(await rig.opResults(raw.clientId)).toHaveLength(0);
      expect((await raw.send(ops)).map((r) => r.status)).toEqual(['applied', 'applied', 'applied']);

      // The engine: the network delivers its first batch reversed (3, 2, 1).
      const gate = new Gate();
      const device = rig.device(agentId, { senderLock: gate.lock });
      const engine = await device.start(rig.t.url);
      await online(device);
      let reordered = false;
      device.tamper = (batch) => {
        if (reordered) return undefined;
        reordered = true;
        return [...batch].reverse();
      };
      const planned = await enqueueNotes(device, conversationId, 3, 's9');
      gate.open();
      await drained(device);

      const [first, second] = device.batches;
      expect(first!.sent!.map((o) => o.seq)).toEqual([3, 2, 1]);
      const bySeq = new Map(first!.results!.map((r) => [first!.sent!.find((o) => o.opId === r.opId)!.seq, r]));
      expect(bySeq.get(3)).toMatchObject({ status: 'out_of_order', expected: 1 });
      expect(bySeq.get(2)).toMatchObject({ status: 'out_of_order', expected: 1 });
      expect(bySeq.get(1)).toMatchObject({ status: 'applied' });
      // After seq 1 the server expects 2: the engine's next batch starts there, same ids and seqs.
      expect(second!.ops.map((o) => [o.seq, o.opId])).toEqual(planned.slice(1).map((p) => [p.seq, p.opId]));
      expect(second!.results!.map((r) => r.status)).toEqual(['applied', 'applied']);
      const results = await rig.opResults(engine.clientId);
      expect(results.map((r) => Number(r.seq))).toEqual([1, 2, 3]);
      await rig.expectInvariants(device, planned);
    },
  );

  it(
    'scenario 10: a skipped server seq downstream (a push lost) — the next push shows the gap and the client pulls',
    { timeout: 30_000 },
    async () => {
      const agentId = await rig.agent();
      const { customerWrites } = await rig.thread(agentId);
      const proxy = await rig.proxy();
      const device = rig.device(agentId);
      await device.start(proxy.url);
      await online(device);
      const cursorBefore = await cursorOf(device);

      // The first push (the customer's message) vanishes on the way down; the socket stays up.
      proxy.drop('toClient');
      const lost = await customerWrites('are you there?');
      await sleep(200);
      proxy.drop(null);
      expect(await device.db!.messages.get(lost)).toBeUndefined();
      const pullsBefore = device.pulls.length;
      const pushesBefore = device.pushes.length;

      const next = await customerWrites('hello??');
      await expect.poll(() => device.db!.messages.get(next), { timeout: 10_000 }).toBeDefined();
      await device.engine!.settled();

      // The push that arrived continued from a seq the client never saw: it pulled from its cursor.
      const push = device.pushes[pushesBefore]!.push;
      expect(push.prev).toBeGreaterThan(cursorBefore);
      const gapPull = device.pulls.slice(pullsBefore).find((p) => p.cursor === cursorBefore);
      expect(gapPull, JSON.stringify(device.pulls.slice(pullsBefore).map((p) => p.cursor))).toBeDefined();
      expect(await device.db!.messages.get(lost)).toMatchObject({ body: 'are you there?' });
      expect(device.cursors.every((c, i) => i === 0 || c >= device.cursors[i - 1]!)).toBe(true);
      await drained(device);
      await rig.expectInvariants(device, []);
    },
  );

  it(
    'scenario 11: a change pushed after it was already pulled — ignored by seq, nothing goes back',
    { timeout: 30_000 },
    async () => {
      const agentId = await rig.agent();
      const { conversationId, customerWrites } = await rig.thread(agentId);
      const proxy = await rig.proxy();
      const device = rig.device(agentId);
      await device.start(proxy.url);
      await online(device);

      // The conversation as the catch-up pull brought it.
      const pulled = device.pulls
        .flatMap((p) => pulledChanges(p) ?? [])
        .filter((c) => c.entity === 'conversation' && c.id === conversationId)
        .at(-1)!;
      expect(pulled).toBeDefined();

      // A push delivered twice by the network: the second copy is all old seqs.
      proxy.duplicateNext('toClient', 1);
      const first = await customerWrites('one more thing');
      await expect.poll(() => device.db!.messages.get(first), { timeout: 10_000 }).toBeDefined();
      await expect.poll(() => proxy.counts.duplicate).toBe(1);
      await sleep(100);
      await device.engine!.settled();
      // It came twice, and the second copy changed nothing.
      const carrying = device.pushes.filter((p) => p.push.changes.some((c) => c.id === first));
      expect(carrying).toHaveLength(2);
      expect(carrying[1]!.push).toEqual(carrying[0]!.push);
      const pullsAfterDuplicate = device.pulls.length;
      const cursor = await cursorOf(device);
      const newer = (await device.db!.conversations.get(conversationId))!;
      expect(newer.version).toBeGreaterThan(pulled.data!.version as number);

      // The conversation change that was pulled at the start arrives again by push, late.
      const view = await mirrorView(device.db!);
      for (const listener of device.socket!.listeners('changes')) {
        (listener as (push: { changes: Change[]; prev: number }) => void)({ changes: [pulled], prev: cursor });
      }
      await device.engine!.settled();
      expect(await device.db!.conversations.get(conversationId)).toEqual(newer);
      expect(compareViews(view, await mirrorView(device.db!))).toEqual([]);
      expect(await cursorOf(device)).toBe(cursor);
      // Ignored outright: no pull was needed for it either.
      expect(device.pulls.length).toBe(pullsAfterDuplicate);
      await rig.expectInvariants(device, []);
    },
  );
}

async function cursorOf(device: Device): Promise<number> {
  return Number((await device.db!.meta.get('cursor'))?.value ?? 0);
}
