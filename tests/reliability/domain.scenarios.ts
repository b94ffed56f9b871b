import { expect, it } from 'vitest';
import type { MirrorRow } from '../../renderer/sync/db';
import type { Change } from '../../shared/protocol';
import { drained, Gate, online, type Rig, sleep } from './harness';
import type { PlannedOp } from './invariants';

/**
 * RELIABILITY.md, Domain conflicts (scenarios 24–28): what the server decides when an offline
 * action meets what happened meanwhile, and what the agent is shown. Scenario 29 (the 10,000-op
 * backlog) is in backlog.test.ts.
 */
export function domainScenarios(rig: Rig): void {
  /** Two voice agents; Ann on a device through a proxy, Bob on a raw socket; a call offered to Ann. */
  async function callOfferedToAnn(gate = new Gate()) {
    const voice = { skills: { voice: 3 }, capacity: { voice: 1, chat: 0, social: 0, email: 0 } };
    const ann = await rig.agent({ ...voice, prefix: 'ann', name: 'Ann', presence: 'available' });
    const bob = await rig.agent({ ...voice, prefix: 'bob', name: 'Bob', presence: 'available' });
    const proxy = await rig.proxy();
    const device = rig.device(ann, { senderLock: gate.lock });
    const engine = await device.start(proxy.url);
    await online(device);
    const bobClient = await rig.client(bob);
    const { body } = await rig.t.ingest({
      channel: 'voice',
      kind: 'transcript',
      speaker: 'customer',
      text: 'Hello, I am calling about my booking',
      author: { kind: 'phone', value: `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}` },
    });
    const conversationId = body.conversationId as string;
    // Ann is the longer idle: the call rings on her screen.
    await expect
      .poll(() => device.db!.conversations.get(conversationId), { timeout: 10_000 })
      .toMatchObject({ status: 'offered', assignedAgentId: ann });
    return { ann, bob, proxy, device, engine, bobClient, conversationId };
  }

  for (const answerLost of [false, true]) {
    it(
      `scenario 24: two agents claim one conversation, one offline — one wins, the other is told who has it${answerLost ? ' (even when the first answer is lost)' : ''}`,
      { timeout: 30_000 },
      async () => {
        const gate = new Gate();
        gate.open();
        const { ann, bob, proxy, device, engine, bobClient, conversationId } = await callOfferedToAnn(gate);
        // Ann's link goes; her offer is withdrawn and the call rings for Bob, who takes it.
        proxy.refuse(true);
        proxy.cut();
        await expect.poll(async () => (await rig.t.conversation(conversationId)).assigned_agent_id).toBe(bob);
        expect(await bobClient.op('offer.accept', { conversationId })).toMatchObject({ status: 'applied' });
        // Ann, offline, still sees the ringing call and accepts it.
        const accept = await engine.enqueue('offer.accept', { conversationId });
        expect(await device.db!.conversations.get(conversationId)).toMatchObject({ status: 'assigned' });

        if (answerLost) gate.close();
        proxy.refuse(false);
        if (answerLost) {
          // Back online, and the answer to her accept is lost on the way; then the link breaks.
          await expect.poll(() => device.socket!.connected, { timeout: 10_000 }).toBe(true);
          await device.engine!.settled(); // the catch-up pull is done
          proxy.drop('toClient');
          gate.open();
          await expect.poll(async () => (await rig.opResults(engine.clientId)).length, { timeout: 10_000 }).toBe(1);
          proxy.cut();
          proxy.heal();
        }
        await drained(device);

        // One winner (I8: one assignee), and Ann is told who has it.
        const row = await rig.t.conversation(conversationId);
        expect(row).toMatchObject({ status: 'assigned', assigned_agent_id: bob });
        const { rows: accepted } = await rig.t.db.query<{ agent_id: string }>(
          "select agent_id from offers where conversation_id = $1 and status = 'accepted'",
          [conversationId],
        );
        expect(accepted).toEqual([{ agent_id: bob }]);
        if (answerLost) {
          expect(device.results.find((r) => r.opId === accept.opId)).toMatchObject({
            status: 'already_processed',
            original: { status: 'rejected', reason: 'already_assigned' },
          });
        }
        const issues = await device.db!.syncIssues.toArray();
        expect(issues).toEqual([
          expect.objectContaining({
            id: accept.opId,
            reason: 'already_assigned',
            detail: 'Bob has this conversation.',
          }),
        ]);
        // No phantom: the call is not shown as hers.
        expect(await device.db!.conversations.get(conversationId)).toBeUndefined();
        await rig.expectInvariants(device, [{ opId: accept.opId, seq: accept.seq }]);
        expect(ann).not.toBe(bob);
      },
    );
  }

  for (const meanwhile of ['reassigned', 'closed'] as const) {
    it(
      `scenario 25: a reply composed offline to a conversation ${meanwhile} meanwhile — rejected, no phantom, a sync issue, kept as a draft`,
      { timeout: 30_000 },
      async () => {
        const ann = await rig.agent({ prefix: 'ann', name: 'Ann' });
        const sam = await rig.agent({ prefix: 'sam', name: 'Sam' });
        const conversationId = await rig.conversationFor(ann);
        const proxy = await rig.proxy();
        const device = rig.device(ann);
        const engine = await device.start(proxy.url);
        await online(device);
        proxy.refuse(true);
        proxy.cut();
        await expect.poll(async () => (await engine.status()).connection).toBe('offline');

        // While Ann is offline a lead hands her conversation to Sam, or closes it.
        const lead = await (meanwhile === 'reassigned'
          ? rig.admin.op('conversation.transfer', { conversationId, to: { kind: 'agent', agentId: sam } })
          : rig.admin.op('conversation.resolve', { conversationId }));
        expect(lead.status).toBe('applied');
        // Ann writes her reply on the train: shown at once.
        const messageId = crypto.randomUUID();
        const body = `s25-${meanwhile}: your bag is on the next flight`;
        const reply = await engine.enqueue('conversation.reply', {
          conversationId,
          messageId,
          body,
          visibility: 'private',
        });
        expect(await device.db!.messages.get(messageId)).toMatchObject({ body, direction: 'outbound' });

        proxy.refuse(false);
        await drained(device);
        await expect.poll(async () => (await engine.status()).issues).toBe(1);

        // Refused, with the reason the agent is shown; nothing of it on the server or in the mirror.
        const [issue] = await device.db!.syncIssues.toArray();
        expect(issue).toMatchObject(
          meanwhile === 'reassigned'
            ? { id: reply.opId, reason: 'not_assignee', detail: 'This conversation is now with Sam.' }
            : { id: reply.opId, reason: 'conversation_closed' },
        );
        expect(await rig.messageCounts([body])).toEqual(new Map());
        expect(await device.db!.messages.get(messageId)).toBeUndefined();
        expect(await device.db!.shadows.count()).toBe(0);
        if (meanwhile === 'reassigned') expect(await device.db!.conversations.get(conversationId)).toBeUndefined();
        else expect(await device.db!.conversations.get(conversationId)).toMatchObject({ status: 'resolved' });
        await rig.expectInvariants(device, [{ opId: reply.opId, seq: reply.seq, messageId }]);

        // Kept: the issue becomes a draft with the body and the reason.
        await engine.issueToDraft(issue!.id);
        expect(await device.db!.drafts.get(messageId)).toMatchObject({ conversationId, body, reason: issue!.reason });
        expect(await engine.status()).toMatchObject({ issues: 0, pending: 0 });
      },
    );
  }

  it(
    'scenario 26: presence toggled offline several times — only the newest applies; no flash of "available"',
    { timeout: 30_000 },
    async () => {
      // No capacity: routing never hands her work, whatever her presence (the flash is what is checked).
      const ann = await rig.agent({ prefix: 'ann', name: 'Ann', capacity: { voice: 0, chat: 0, social: 0, email: 0 } });
      const lead = await rig.agent({ prefix: 'lee', name: 'Lee', role: 'lead', team: 't1' });
      const watcher = await rig.client(lead);
      const proxy = await rig.proxy();
      const device = rig.device(ann);
      const engine = await device.start(proxy.url);
      await online(device);
      const { rows: before } = await rig.t.db.query<{ max: number }>(
        'select coalesce(max(seq), 0)::int as max from changes',
      );
      proxy.refuse(true);
      proxy.cut();
      await expect.poll(async () => (await engine.status()).connection).toBe('offline');

      // Each toggle shows at once (I5).
      const planned: PlannedOp[] = [];
      for (const presence of ['available', 'busy', 'available', 'away'] as const) {
        const op = await engine.enqueue('presence.set', { presence });
        planned.push({ opId: op.opId, seq: op.seq });
        expect(await device.db!.agents.get(ann)).toMatchObject({ presence });
      }
      // From the final toggle on, every write of her row in the mirror must keep "away".
      const written: unknown[] = [];
      device.db!.agents.hook('creating', (_key, row: MirrorRow) => {
        if (row.id === ann) written.push(row.presence);
      });
      device.db!.agents.hook('updating', (mods, key, row) => {
        if (key === ann) written.push('presence' in mods ? mods.presence : row.presence);
      });
      watcher.pushes.length = 0;

      proxy.refuse(false);
      await drained(device);
      await rig.t.settle();
      await sleep(100);

      expect(written).not.toContain('available');
      expect(await device.db!.agents.get(ann)).toMatchObject({ presence: 'away' });
      const { rows } = await rig.t.db.query<{ presence: string }>('select presence from agents where id = $1', [ann]);
      expect(rows[0]!.presence).toBe('away');
      // Only the newest applied: the change log (and so every lead's screen) never said "available".
      const { rows: log } = await rig.t.db.query<{ presence: string }>(
        "select data->>'presence' as presence from changes where entity = 'agent' and entity_id = $1 and seq > $2 order by seq",
        [ann, before[0]!.max],
      );
      expect(log.map((r) => r.presence)).toEqual(['away']);
      const seenByLead = watcher.pushes
        .flatMap((p) => p.changes)
        .filter((c: Change) => c.entity === 'agent' && c.id === ann)
        .map((c) => c.data?.presence);
      expect(seenByLead).toEqual(['away']);
      // Every toggle is processed (none lost), the superseded ones without an effect.
      const results = await rig.opResults(engine.clientId);
      expect(results.map((r) => r.result.status)).toEqual(['applied', 'applied', 'applied', 'applied']);
      await rig.expectInvariants(device, planned);
    },
  );

  it(
    'scenario 27: a disposition submitted twice (the batch delivered twice, then its answer lost and resent) — one row',
    { timeout: 30_000 },
    async () => {
      const ann = await rig.agent({ prefix: 'ann' });
      const conversationId = await rig.conversationFor(ann);
      const proxy = await rig.proxy();
      const gate = new Gate();
      const device = rig.device(ann, { senderLock: gate.lock });
      const engine = await device.start(proxy.url);
      await online(device);
      const wrap = await engine.enqueue('conversation.wrap_up', {
        conversationId,
        disposition: 'resolved_follow_up',
        notes: 'moved to the 18:05',
      });
      expect(await device.db!.conversations.get(conversationId)).toMatchObject({
        status: 'wrap_up',
        disposition: 'resolved_follow_up',
      });
      // Delivered twice, and both answers lost; then the link breaks and the device resends.
      proxy.duplicateNext('toServer', 1);
      proxy.drop('toClient');
      gate.open();
      await expect.poll(async () => (await rig.opResults(engine.clientId)).length, { timeout: 10_000 }).toBe(1);
      await expect.poll(() => proxy.counts.duplicate).toBe(1);
      await sleep(100);
      proxy.cut();
      proxy.heal();
      await drained(device);

      expect(device.results.find((r) => r.opId === wrap.opId)).toMatchObject({ status: 'already_processed' });
      const { rows } = await rig.t.db.query<{ code: string; notes: string }>(
        'select code, notes from dispositions where conversation_id = $1',
        [conversationId],
      );
      expect(rows).toEqual([{ code: 'resolved_follow_up', notes: 'moved to the 18:05' }]);
      expect(await rig.t.conversation(conversationId)).toMatchObject({ status: 'wrap_up' });
      await rig.expectInvariants(device, [{ opId: wrap.opId, seq: wrap.seq }]);
    },
  );

  it(
    'scenario 28 (QA review pending; the compare-and-set rule that exists): two leads transfer one conversation on the same version — the first commit wins, the other is told to merge',
    { timeout: 30_000 },
    async () => {
      const ann = await rig.agent({ prefix: 'ann', name: 'Ann' });
      const yan = await rig.agent({ prefix: 'yan', name: 'Yan' });
      const zoe = await rig.agent({ prefix: 'zoe', name: 'Zoe' });
      const lead1 = await rig.agent({ prefix: 'lead', name: 'Lea', role: 'lead', team: 't1' });
      const lead2 = await rig.agent({ prefix: 'lead', name: 'Leo', role: 'lead', team: 't1' });
      const conversationId = await rig.conversationFor(ann);
      const proxy = await rig.proxy();
      const first = rig.device(lead1);
      const second = rig.device(lead2);
      const engine1 = await first.start(rig.t.url);
      const engine2 = await second.start(proxy.url);
      await Promise.all([online(first), online(second)]);
      const seen = (await second.db!.conversations.get(conversationId))!;
      const baseVersion = seen.version as number;
      expect((await first.db!.conversations.get(conversationId))!.version).toBe(baseVersion);

      // Leo is offline and moves it to Yan; Lea, online, moves it to Zoe. Both edited version v.
      proxy.refuse(true);
      proxy.cut();
      await expect.poll(async () => (await engine2.status()).connection).toBe('offline');
      const late = await engine2.enqueue(
        'conversation.transfer',
        { conversationId, to: { kind: 'agent', agentId: yan } },
        baseVersion,
      );
      const early = await engine1.enqueue(
        'conversation.transfer',
        { conversationId, to: { kind: 'agent', agentId: zoe } },
        baseVersion,
      );
      await drained(first);
      proxy.refuse(false);
      await drained(second);

      const row = await rig.t.conversation(conversationId);
      expect(row).toMatchObject({ assigned_agent_id: zoe, version: baseVersion + 1 });
      expect((await rig.opResults(engine1.clientId))[0]!.result.status).toBe('applied');
      const issues = await second.db!.syncIssues.toArray();
      expect(issues).toEqual([
        expect.objectContaining({
          id: late.opId,
          reason: 'version_conflict',
          detail: 'This conversation changed since you last saw it.',
        }),
      ]);
      // Both leads' mirrors show Lea's transfer, nothing of Leo's.
      for (const device of [first, second]) {
        expect(await device.db!.conversations.get(conversationId)).toMatchObject({
          assignedAgentId: zoe,
          version: baseVersion + 1,
        });
      }
      await rig.expectInvariants(first, [{ opId: early.opId, seq: early.seq }]);
      await rig.expectInvariants(second, [{ opId: late.opId, seq: late.seq }]);
    },
  );
}
