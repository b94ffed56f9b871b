import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/testServer';

/** SLA targets are configuration: leads read them, admins set them, new conversations use them. */
describe('SLA configuration', () => {
  let t: TestServer;
  let admin: string;
  let lead: string;
  beforeAll(async () => {
    t = await startTestServer('pglite');
    await t.addAgent({ id: 'boss', role: 'admin', team: null });
    await t.addAgent({ id: 'lead', role: 'lead' });
    admin = await t.signIn('boss');
    lead = await t.signIn('lead');
  }, 30_000);
  afterAll(async () => {
    await t.close();
  });

  const put = (token: string, channel: string, body: unknown) =>
    fetch(`${t.url}/api/sla/${channel}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });

  it('an admin sets a channel’s targets and the next conversation on it gets the new first-response deadline', async () => {
    const answer = await put(admin, 'chat', {
      firstResponseSeconds: 45,
      nextResponseSeconds: 90,
      resolutionSeconds: 1800,
    });
    expect(answer.status).toBe(200);
    const { body } = await t.ingest({
      channel: 'chat',
      text: 'hi, is anyone there?',
      author: { kind: 'chat_visitor', value: 'v-1' },
    });
    const row = await t.conversation(body.conversationId as string);
    const due = (row.first_response_due as Date).getTime() - (row.created_at as Date).getTime();
    expect(due).toBe(45_000);
    const list = (await (await fetch(`${t.url}/api/sla`, { headers: { authorization: `Bearer ${lead}` } })).json()) as {
      sla: { channel: string; firstResponseSeconds: number }[];
    };
    expect(list.sla.find((s) => s.channel === 'chat')?.firstResponseSeconds).toBe(45);
  });

  it('a lead may read but not change targets; bad targets and unknown channels are refused with a reason', async () => {
    expect(
      (await put(lead, 'chat', { firstResponseSeconds: 45, nextResponseSeconds: 90, resolutionSeconds: 1800 })).status,
    ).toBe(403);
    const bad = await put(admin, 'chat', {
      firstResponseSeconds: -1,
      nextResponseSeconds: 90,
      resolutionSeconds: 1800,
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'invalid_sla' } });
    expect(
      (await put(admin, 'pigeon', { firstResponseSeconds: 45, nextResponseSeconds: 90, resolutionSeconds: 1800 }))
        .status,
    ).toBe(404);
  });
});
