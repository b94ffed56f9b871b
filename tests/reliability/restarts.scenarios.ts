import type { Transaction } from 'dexie';
import { expect, it } from 'vitest';
import { drained, enqueueNotes, Gate, online, type Rig, sleep } from './harness';
import type { PlannedOp } from './invariants';

/**
 * RELIABILITY.md, Crashes and restarts (scenarios 12–16, 15 in process; serverKill.test.ts kills
 * the real server process): the device dies at each point of an op's life, the server fails mid-
 * batch, the database fails for a while.
 */
export function restartScenarios(rig: Rig): void {
  it(
    'scenario 12: client killed between the local commit and the first send — sent after restart, same ids and seqs',
    { timeout: 30_000 },
    async () => {
      const agentId = await rig.agent();
      const conversationId = await rig.conversationFor(agentId);
      const gate = new Gate(); // never opened: this run of the app never gets to send
      const device = rig.device(agentId, { senderLock: gate.lock });
      const engine = await device.start(rig.t.url);
      await online(device);
      const planned = await enqueueNotes(device, conversationId, 3, 's12');
      const away = await engine.enqueue('presence.set', { presence: 'away' });
      planned.push({ opId: away.opId, seq: away.seq, op: away });
      await sleep(100);
      expect(device.batches).toHaveLength(0);
      expect(await rig.opResults(engine.clientId)).toHaveLength(0);
      await device.stop(); // killed

      const again = await device.start(rig.t.url, { senderLock: undefined });
      expect(again.clientId).toBe(engine.clientId);
      await drained(device);
      // The ops went as they were committed: never renumbered, never re-identified.
      expect(device.batches[0]!.ops.map((o) => [o.seq, o.opId])).toEqual(planned.map((p) => [p.seq, p.opId]));
      const results = await rig.opResults(engine.clientId);
      expect(results.map((r) => [Number(r.seq), r.result.status])).toEqual(planned.map((p) => [p.seq, 'applied']));
      expect(await device.db!.agents.get(agentId)).toMatchObject({ presence: 'away' });
      await rig.expectInvariants(device, planned);
    },
  );

  it(
    'scenario 13: client killed inside the enqueue transaction — neither the effect nor the op persists, nextSeq unmoved',
    { timeout: 30_000 },
    async () => {
      const agentId = await rig.agent();
      const conversationId = await rig.conversationFor(agentId);
      const device = rig.device(agentId);
      const engine = await device.start(rig.t.url);
      await online(device);
      const done = await enqueueNotes(device, conversationId, 1, 's13-before');
      await drained(device);
      const nextSeq = (await device.db!.meta.get('nextSeq'))!.value;
      expect(nextSeq).toBe(2);
      const messagesBefore = await device.db!.messages.count();

      // The process dies while the transaction is open: after the optimistic message and its
      // shadow were written, as the op row goes in. The transaction never commits.
      let aborted = false;
      const dieHere = (_key: unknown, _row: unknown, tx: Transaction) => {
        aborted = true;
        tx.abort();
      };
      device.db!.outbox.hook('creating', dieHere);
      const messageId = crypto.randomUUID();
      await expect(
        engine.enqueue('conversation.note', { conversationId, messageId, body: 's13-lost' }),
      ).rejects.toThrow();
      expect(aborted).toBe(true);
      device.db!.outbox.hook('creating').unsubscribe(dieHere);
      await device.stop();

      // On restart: no trace of it.
      await device.start(rig.t.url);
      await online(device);
      expect(await device.db!.messages.get(messageId)).toBeUndefined();
      expect(await device.db!.messages.count()).toBe(messagesBefore);
      expect(await device.db!.shadows.count()).toBe(0);
      expect(await device.db!.outbox.count()).toBe(0);
      expect((await device.db!.meta.get('nextSeq'))!.value).toBe(nextSeq);
      // And the next op takes the seq the dead one would have had: no gap for the server to wait on.
      const next = await enqueueNotes(device, conversationId, 1, 's13-after');
      expect(next[0]!.seq).toBe(nextSeq);
      await drained(device);
      expect(await rig.messageCounts(['s13-lost'])).toEqual(new Map());
      await rig.expectInvariants(device, [...done, ...next]);
    },
  );

  it(
    'scenario 14: client killed after the server ack, before marking the op done — resent, deduped, reconciled',
    { timeout: 30_000 },
    async () => {
      const agentId = await rig.agent();
      const conversationId = await rig.conversationFor(agentId);
      const gate = new Gate();
      const device = rig.device(agentId, { senderLock: gate.lock });
      const engine = await device.start(rig.t.url);
      await online(device);
      // The ack arrives; the app dies before the engine writes anything about it.
      let killed: Promise<void> | undefined;
      device.onAnswer = () => {
        device.onAnswer = undefined;
        killed = device.stop();
        return 'lose';
      };
      const planned = await enqueueNotes(device, conversationId, 2, 's14');
      gate.open();
      await expect.poll(() => killed !== undefined).toBe(true);
      await killed;
      const acked = device.batches[0]!;
      expect(acked.results!.map((r) => r.status)).toEqual(['applied', 'applied']);

      // After the restart the outbox still holds both ops as pending; the resend is deduped.
      await device.start(rig.t.url, { senderLock: undefined });
      await drained(device);
      const resent = device.batches.slice(1).flatMap((b) => b.results ?? []);
      expect(resent).toEqual(
        acked.results!.map((r) => ({
          opId: r.opId,
          status: 'already_processed',
          original: { status: 'applied', seq: r.seq },
        })),
      );
      const counts = await rig.messageCounts(planned.map((p) => p.token!));
      expect([...counts.values()]).toEqual([1, 1]);
      // Reconciled: the mirror holds the server's messages, no shadow, nothing pending.
      for (const p of planned) {
        const row = await device.db!.messages.get(p.messageId!);
        expect(row).toMatchObject({ body: p.token, authorAgentId: agentId });
      }
      await rig.expectInvariants(device, planned);
      expect(engine.clientId).toBe(device.engine!.clientId);
    },
  );

  it(
    'scenario 15 (in process): the server fails between two ops of a batch — the committed prefix stays, the rest is resent',
    { timeout: 30_000 },
    async () => {
      const spy = rig.spy();
      const agentId = await rig.agent();
      const conversationId = await rig.conversationFor(agentId);
      const gate = new Gate();
      const device = rig.device(agentId, { senderLock: gate.lock });
      const engine = await device.start(rig.t.url);
      await online(device);
      // The third op's transaction fails like a lost database connection.
      let failed = false;
      spy.fail = (tx) => {
        if (failed || tx.clientId !== engine.clientId || spy.of(engine.clientId).length !== 3) return undefined;
        failed = true;
        return Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
      };
      const planned = await enqueueNotes(device, conversationId, 5, 's15a');
      gate.open();
      await drained(device);

      const [first, second] = device.batches;
      expect(first!.ops.map((o) => o.seq)).toEqual([1, 2, 3, 4, 5]);
      // The answer holds the committed prefix only; the client resends from the first op left out.
      expect(first!.results!.map((r) => r.status)).toEqual(['applied', 'applied']);
      expect(second!.ops.map((o) => o.seq)).toEqual([3, 4, 5]);
      expect(second!.results!.map((r) => r.status)).toEqual(['applied', 'applied', 'applied']);
      expect(spy.of(engine.clientId).filter((t) => t.failed)).toHaveLength(1);
      const counts = await rig.messageCounts(planned.map((p) => p.token!));
      expect([...counts.values()]).toEqual([1, 1, 1, 1, 1]);
      await rig.expectInvariants(device, planned);
    },
  );

  it(
    'scenario 15 (in process): the link dies between a commit and its ack, mid-batch — the server stops there, the resend dedupes the prefix',
    { timeout: 30_000 },
    async () => {
      const spy = rig.spy();
      const agentId = await rig.agent();
      const conversationId = await rig.conversationFor(agentId);
      const proxy = await rig.proxy();
      const gate = new Gate();
      const device = rig.device(agentId, { senderLock: gate.lock });
      const engine = await device.start(proxy.url);
      await online(device);
      let cut = false;
      spy.committed = async (tx) => {
        if (!cut && tx.clientId === engine.clientId && tx.seq === 2 && !tx.repeat) {
          cut = true;
          proxy.cut();
          await sleep(50); // the server notices the reset before it would start op 3
        }
      };
      const planned = await enqueueNotes(device, conversationId, 5, 's15b');
      gate.open();
      await drained(device);

      expect(cut).toBe(true);
      expect(device.batches[0]!.error).toMatch(/disconnected/);
      // The server did not go on with a batch nobody waits for: ops 3–5 ran once, in the resend.
      const firstRuns = spy.of(engine.clientId).filter((t) => !t.repeat);
      expect(firstRuns.map((t) => t.seq)).toEqual([1, 2, 3, 4, 5]);
      const repeats = spy.of(engine.clientId).filter((t) => t.repeat);
      expect(new Set(repeats.map((t) => t.seq))).toEqual(new Set([1, 2]));
      const resumedAt = Math.min(...repeats.map((t) => t.enteredAt));
      expect(firstRuns.filter((t) => t.seq! > 2).every((t) => t.enteredAt > resumedAt)).toBe(true);
      const counts = await rig.messageCounts(planned.map((p) => p.token!));
      expect([...counts.values()]).toEqual([1, 1, 1, 1, 1]);
      await rig.expectInvariants(device, planned);
    },
  );

  it(
    'scenario 16: database errors and timeouts — ops stay pending with backoff, the user is told, applied once on recovery',
    { timeout: 30_000 },
    async () => {
      const spy = rig.spy();
      const agentId = await rig.agent();
      const conversationId = await rig.conversationFor(agentId);
      // The device's clock: moved forward by hand to stand for the minutes of an outage.
      let skew = 0;
      const gate = new Gate();
      const device = rig.device(agentId, {
        senderLock: gate.lock,
        backoffBaseMs: 40,
        backoffMaxMs: 320,
        random: () => 1, // full backoff, no jitter: the delays are 40, 80, 160, 320, 320 … ms
        now: () => Date.now() + skew,
      });
      const engine = await device.start(rig.t.url);
      await online(device);
      let down = true;
      let n = 0;
      spy.fail = (tx) => {
        if (!down || tx.clientId !== engine.clientId) return undefined;
        n += 1;
        return n % 2
          ? Object.assign(new Error('connection terminated unexpectedly'), { code: '57P01' })
          : Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' });
      };
      const planned: PlannedOp[] = await enqueueNotes(device, conversationId, 3, 's16');
      gate.open();
      await sleep(800);

      // Pending, nothing applied, and the retries back off instead of hammering the database.
      expect(await engine.status()).toMatchObject({ pending: 3, stuck: false });
      expect(await rig.opResults(engine.clientId)).toHaveLength(0);
      const sends = device.batches.map((b) => b.at);
      expect(sends.length).toBeGreaterThanOrEqual(4);
      expect(sends.length).toBeLessThanOrEqual(9);
      const gaps = sends.slice(1).map((at, i) => at - sends[i]!);
      [40, 80, 160, 320].forEach((ceiling, i) => expect(gaps[i]).toBeGreaterThanOrEqual(ceiling - 5));
      // Every answer during the outage was empty: the server processed none of them.
      expect(device.batches.every((b) => b.results?.length === 0)).toBe(true);

      // Six minutes pass (on the device's clock): past the five the engine allows, the user is told.
      skew = 6 * 60_000;
      expect(await engine.status()).toMatchObject({ pending: 3, stuck: true });

      down = false;
      await drained(device);
      expect(await engine.status()).toMatchObject({ pending: 0, stuck: false });
      const counts = await rig.messageCounts(planned.map((p) => p.token!));
      expect([...counts.values()]).toEqual([1, 1, 1]);
      expect(spy.of(engine.clientId).filter((t) => t.failed).length).toBe(n);
      await rig.expectInvariants(device, planned);
    },
  );
}
