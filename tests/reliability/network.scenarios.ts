import fc from 'fast-check';
import { expect, it, onTestFailed } from 'vitest';
import type { DbKind } from '../../server/testing/testDatabase';
import { drained, enqueueNotes, Gate, online, type Rig, sleep, testSeed } from './harness';
import { compareViews, mirrorView, withPending, type PlannedOp } from './invariants';
import { pulledChanges } from './syncClient';

/**
 * RELIABILITY.md, Network (scenarios 1–6): the sync engine on a device against the real backend,
 * through the fault proxy. Each test drives one fault on purpose and checks the figures: effects
 * counted in the server's database, seq order, the cursor, and the mirror against a fresh pull.
 */
export function networkScenarios(rig: Rig, kind: DbKind): void {
  /**
   * An agent with a conversation, and their device online through a fresh proxy. `gated`: the
   * sender waits at a gate until the test opens it, so the ops enqueued before leave in one batch.
   */
  async function setup(options: Parameters<Rig['device']>[1] = {}, gated = false) {
    const agentId = await rig.agent();
    const conversationId = await rig.conversationFor(agentId);
    const proxy = await rig.proxy();
    const gate = new Gate();
    if (!gated) gate.open();
    const device = rig.device(agentId, { senderLock: gate.lock, ...options });
    const engine = await device.start(proxy.url);
    await online(device);
    const disconnects = { count: 0 };
    device.socket!.on('disconnect', () => (disconnects.count += 1));
    return { agentId, conversationId, proxy, device, engine, clientId: engine.clientId, disconnects, gate };
  }

  it(
    'scenario 1: disconnect before send — ops stay pending, shown optimistically, flushed in order on reconnect',
    { timeout: 30_000 },
    async () => {
      const { agentId, conversationId, proxy, device, engine, clientId } = await setup();
      const before = await mirrorView(device.db!);
      expect(compareViews(await rig.serverView(agentId), before)).toEqual([]);

      // The link goes: the socket drops and every reconnect is refused.
      proxy.refuse(true);
      proxy.cut();
      await expect.poll(async () => (await engine.status()).connection).toBe('offline');
      const planned = await enqueueNotes(device, conversationId, 5, 's1');
      const away = await engine.enqueue('presence.set', { presence: 'away' });
      planned.push({ opId: away.opId, seq: away.seq, op: away });
      await sleep(300);

      // Pending, nothing sent, nothing on the server; the UI shows them (I5: server state + pending ops).
      expect(await engine.status()).toMatchObject({ connection: 'offline', pending: 6 });
      expect(device.batches).toHaveLength(0);
      expect(await rig.opResults(clientId)).toHaveLength(0);
      const shown = await mirrorView(device.db!);
      expect(
        compareViews(
          withPending(
            before,
            planned.map((p) => p.op),
            agentId,
          ),
          shown,
        ),
      ).toEqual([]);
      expect(await device.db!.agents.get(agentId)).toMatchObject({ presence: 'away' });

      proxy.refuse(false);
      await drained(device);
      // Flushed in order: seqs 1…6 applied, each note once.
      const results = await rig.opResults(clientId);
      expect(results.map((r) => [Number(r.seq), r.op_id, r.result.status])).toEqual(
        planned.map((p) => [p.seq, p.opId, 'applied']),
      );
      const counts = await rig.messageCounts(planned.filter((p) => p.token).map((p) => p.token!));
      expect([...counts.values()]).toEqual([1, 1, 1, 1, 1]);
      await rig.expectInvariants(device, planned);
    },
  );

  it(
    'scenario 2: connection dies after commit, before the ack — resend returns the stored result, effect count 1',
    { timeout: 30_000 },
    async () => {
      const { conversationId, proxy, device, clientId, gate } = await setup({ ackTimeoutMs: 300 }, true);
      // Answers vanish: the batch reaches the server and commits, its ack never comes back.
      proxy.drop('toClient');
      const planned = await enqueueNotes(device, conversationId, 3, 's2');
      gate.open();
      await expect.poll(async () => (await rig.opResults(clientId)).length, { timeout: 10_000 }).toBe(3);
      expect(device.results).toEqual([]);
      // Then the connection dies.
      proxy.cut();
      proxy.heal();
      await drained(device);

      // The resend got the stored results, never a second "applied".
      for (const p of planned) {
        const seen = device.results.filter((r) => r.opId === p.opId);
        expect(seen.length, p.token).toBeGreaterThan(0);
        expect(seen.every((r) => r.status === 'already_processed' && r.original?.status === 'applied')).toBe(true);
        expect(device.sendsOf(p.opId)).toBeGreaterThanOrEqual(2);
      }
      const counts = await rig.messageCounts(planned.map((p) => p.token!));
      expect([...counts.values()]).toEqual([1, 1, 1]);
      expect(await rig.opResults(clientId)).toHaveLength(3);
      await rig.expectInvariants(device, planned);
    },
  );

  it(
    'scenario 3: ack timeout while the first copy still runs on a slow server — the two copies race, one effect',
    { timeout: 30_000 },
    async () => {
      const spy = rig.spy();
      const { conversationId, device, clientId } = await setup({ ackTimeoutMs: 300 });
      // The server is slow: the first op transaction holds the client's row lock for 0.8 s, well
      // past the device's ack timeout.
      let held = 0;
      spy.hold = (tx) => (tx.clientId === clientId && held++ === 0 ? 800 : 0);
      const planned = await enqueueNotes(device, conversationId, 1, 's3');
      await drained(device);

      const [first, second] = spy.of(clientId);
      expect(first && second, JSON.stringify(spy.of(clientId))).toBeTruthy();
      // The second copy reached the server while the first was still inside its transaction.
      expect(second!.enteredAt).toBeLessThan(first!.endedAt!);
      expect(first!.result).toMatchObject({ status: 'applied' });
      expect(second!.repeat).toBe(true);
      // The device timed out on the first copy and resent the same op (same id, same seq).
      expect(device.batches[0]!.error).toMatch(/timed out|timeout/i);
      expect(device.sendsOf(planned[0]!.opId)).toBeGreaterThanOrEqual(2);
      expect(new Set(device.batches.flatMap((b) => b.ops.map((o) => `${o.opId}:${o.seq}`))).size).toBe(1);
      expect(device.results.map((r) => r.status)).toContain('already_processed');
      expect(await rig.messageCounts([planned[0]!.token!])).toEqual(new Map([[planned[0]!.token!, 1]]));
      await rig.expectInvariants(device, planned);
    },
  );

  it(
    'scenario 4: half-open connection — looks connected, packets vanish; the ack timeout drives the retry',
    { timeout: 30_000 },
    async () => {
      const { conversationId, proxy, device, engine, clientId, disconnects, gate } = await setup(
        { ackTimeoutMs: 250 },
        true,
      );
      // What the device sends vanishes; the socket stays open and says connected.
      proxy.drop('toServer');
      const planned = await enqueueNotes(device, conversationId, 3, 's4');
      gate.open();
      await expect
        .poll(() => device.batches.filter((b) => b.error).length, { timeout: 10_000 })
        .toBeGreaterThanOrEqual(2);
      expect(device.socket!.connected).toBe(true);
      expect((await engine.status()).connection).not.toBe('offline');
      expect(await rig.opResults(clientId)).toHaveLength(0);
      // Then the other way: the requests arrive, the answers vanish. After the timeouts the engine
      // resends a smaller batch (one op): that one is applied, and nobody hears about it.
      proxy.drop('toClient');
      await expect
        .poll(async () => (await rig.opResults(clientId)).length, { timeout: 10_000 })
        .toBeGreaterThanOrEqual(1);
      expect(device.results).toEqual([]);
      const timeoutsBeforeHeal = device.batches.filter((b) => b.error).length;
      // Still timing out and retrying (a backoff of at most 200 ms, then a 250 ms timeout).
      await expect
        .poll(() => device.batches.filter((b) => b.error).length, { timeout: 5000 })
        .toBeGreaterThan(timeoutsBeforeHeal);
      proxy.heal();
      await drained(device);

      // Never disconnected: only the ack timeouts moved things on.
      expect(disconnects.count).toBe(0);
      expect(device.batches.every((b) => b.error === undefined || /timed out|timeout/i.test(b.error))).toBe(true);
      const counts = await rig.messageCounts(planned.map((p) => p.token!));
      expect([...counts.values()]).toEqual([1, 1, 1]);
      await rig.expectInvariants(device, planned);
    },
  );

  it(
    'scenario 5: flapping — reconnect every 50–500 ms during a 1,000-op burst; each op applied once, in order',
    { timeout: 60_000 },
    async () => {
      const seed = testSeed(20261105);
      onTestFailed(() => console.log(`scenario 5 on ${kind}: seed=${seed} (replay with SWITCHBOARD_RELIABILITY_SEED)`));
      const { conversationId, proxy, device, engine, clientId } = await setup({ ackTimeoutMs: 1000 });
      const gaps = fc.sample(fc.array(fc.integer({ min: 50, max: 500 }), { minLength: 400, maxLength: 400 }), {
        seed,
        numRuns: 1,
      })[0]!;
      let flapping = true;
      const cuts = (async () => {
        for (let i = 0; flapping; i++) {
          await sleep(gaps[i % gaps.length]!);
          if (flapping) proxy.cut();
        }
      })();
      const planned: PlannedOp[] = [];
      const started = performance.now();
      for (let burst = 0; burst < 10; burst++) {
        planned.push(...(await enqueueNotes(device, conversationId, 100, `s5-${burst}`)));
      }
      // The link flaps through the burst, and for two seconds at least.
      await sleep(Math.max(0, 2000 - (performance.now() - started)));
      const ackedWhileFlapping = device.results.length;
      flapping = false;
      await cuts;
      const flaps = proxy.counts.cut;
      await drained(device, 30_000);

      // Acknowledged progress while it flapped: smaller batches after each loss still come back.
      expect(ackedWhileFlapping).toBeGreaterThan(0);
      expect(planned).toHaveLength(1000);
      expect(flaps, `cuts in ${Math.round(performance.now() - started)} ms`).toBeGreaterThanOrEqual(5);
      const results = await rig.opResults(clientId);
      expect(results.map((r) => Number(r.seq))).toEqual(planned.map((p) => p.seq));
      expect(results.every((r) => r.result.status === 'applied')).toBe(true);
      const counts = await rig.messageCounts(planned.map((p) => p.token!));
      expect(counts.size).toBe(1000);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
      expect((await engine.status()).pending).toBe(0);
      await rig.expectInvariants(device, planned);
    },
  );

  it(
    'scenario 6: one-way partition (server→client dropped) — ops apply, acks never come; converges by pull',
    { timeout: 30_000 },
    async () => {
      const { conversationId, proxy, device, engine, clientId, disconnects, gate } = await setup(
        { ackTimeoutMs: 300 },
        true,
      );
      proxy.drop('toClient');
      const planned = await enqueueNotes(device, conversationId, 4, 's6');
      gate.open();
      // The pushes (client → server) succeed: every op is applied on the server…
      await expect.poll(async () => (await rig.opResults(clientId)).length, { timeout: 10_000 }).toBe(4);
      await sleep(300);
      // …but no ack came back: the device still holds all four as pending.
      expect(device.results).toEqual([]);
      expect((await engine.status()).pending).toBe(4);
      const healedAt = performance.now();
      proxy.heal();
      await drained(device);

      expect(disconnects.count).toBe(0);
      // The changes pushed during the partition were lost; a pull after the heal brought them.
      const noteIds = new Set(planned.map((p) => p.messageId));
      const pushed = device.pushes.filter((p) => p.push.changes.some((c) => noteIds.has(c.id)));
      expect(pushed).toEqual([]);
      expect(device.pulls.some((p) => p.at > healedAt && pulledChanges(p))).toBe(true);
      for (const p of planned) expect(await device.db!.messages.get(p.messageId!)).toMatchObject({ body: p.token });
      const counts = await rig.messageCounts(planned.map((p) => p.token!));
      expect([...counts.values()]).toEqual([1, 1, 1, 1]);
      await rig.expectInvariants(device, planned);
    },
  );
}
