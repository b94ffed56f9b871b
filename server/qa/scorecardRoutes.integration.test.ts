import { afterEach, describe, expect, it } from 'vitest';
import type { ScorecardDraftInput, ScorecardVersionView } from '../../shared/qa/scorecard';
import { DB_KINDS } from '../testing/testDatabase';
import { startTestServer, type TestServer } from '../testing/testServer';

const SOCIAL: ScorecardDraftInput = {
  name: 'Social care',
  sections: [
    {
      id: 'tone',
      title: 'Tone',
      criteria: [
        { id: 'greeting', label: 'Greets the customer', weight: 1, scale: 'yes_no' },
        { id: 'public-tone', label: 'Public tone', weight: 2, scale: '1_5', channels: ['x_public', 'facebook'] },
      ],
    },
    {
      id: 'substance',
      title: 'Substance',
      criteria: [{ id: 'accuracy', label: 'Accurate answer', weight: 3, scale: '1_3', critical: true }],
    },
  ],
};

/** Scorecards: drafts, versions that never change once published, leads and admins only. */
describe.each(DB_KINDS)('QA scorecards on %s', { timeout: 30_000 }, (kind) => {
  let t: TestServer;
  afterEach(async () => {
    await t?.close();
  });

  it('creates a draft, publishes versions that never change, and tells everyone of each', async () => {
    t = await startTestServer(kind);
    await t.addAgent({ id: 'lee', role: 'lead' });
    await t.addAgent({ id: 'dana' });
    const dana = await t.connect('dana');
    const lead = await t.signIn('lee');
    const call = async (method: string, path: string, body?: unknown, token = lead) => {
      const response = await fetch(`${t.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return {
        status: response.status,
        body: (await response.json()) as ScorecardVersionView & Record<string, unknown>,
      };
    };

    const created = await call('POST', '/api/scorecards', SOCIAL);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ version: 1, status: 'draft', name: 'Social care', publishedAt: null });
    const id = created.body.scorecardId;
    // Defaults filled in: N/A allowed, not critical, every kind of message.
    expect(created.body.sections[0]!.criteria[0]).toMatchObject({ allowNa: true, critical: false, channels: [] });

    const v1 = await call('POST', `/api/scorecards/${id}/publish`);
    expect(v1.body).toMatchObject({ id: `${id}@1`, version: 1, status: 'published' });
    expect((await call('POST', `/api/scorecards/${id}/publish`)).status).toBe(409);

    // The next edit is version 2's draft; version 1 stays as it was.
    const edited = {
      ...SOCIAL,
      sections: [
        ...SOCIAL.sections,
        { id: 'closing', title: 'Closing', criteria: [{ id: 'closing', label: 'Closes', weight: 1, scale: 'yes_no' }] },
      ],
    };
    const draft2 = await call('PUT', `/api/scorecards/${id}/draft`, edited);
    expect(draft2.body).toMatchObject({ version: 2, status: 'draft' });
    expect(
      (await call('PUT', `/api/scorecards/${id}/draft`, { ...edited, name: 'Social care 2026' })).body,
    ).toMatchObject({
      version: 2,
      name: 'Social care 2026',
    });
    const v2 = await call('POST', `/api/scorecards/${id}/publish`);
    expect(v2.body).toMatchObject({ version: 2, status: 'published', name: 'Social care 2026' });
    const list = (await call('GET', '/api/scorecards')).body.versions as ScorecardVersionView[];
    expect(list.map((v) => [v.version, v.status, v.sections.length])).toEqual([
      [1, 'published', 2],
      [2, 'published', 3],
    ]);

    // Every published version reached the agent through the change log.
    await expect
      .poll(() =>
        dana.pushes
          .flatMap((p) => p.changes)
          .filter((c) => c.entity === 'scorecard')
          .map((c) => c.id),
      )
      .toEqual([`${id}@1`, `${id}@2`]);
  });

  it('refuses agents, and a scorecard that does not parse, saying why', async () => {
    t = await startTestServer(kind);
    await t.addAgent({ id: 'lee', role: 'lead' });
    await t.addAgent({ id: 'dana' });
    const post = async (body: unknown, agentId = 'lee') =>
      fetch(`${t.url}/api/scorecards`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await t.signIn(agentId)}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const byAgent = await post(SOCIAL, 'dana');
    expect(byAgent.status).toBe(403);
    const twice = await post({
      ...SOCIAL,
      sections: [SOCIAL.sections[0], { id: 'again', title: 'Again', criteria: [SOCIAL.sections[0]!.criteria[0]] }],
    });
    expect(twice.status).toBe(400);
    expect(((await twice.json()) as { error: { message: string } }).error.message).toContain(
      'criterion id "greeting" is used twice',
    );
    const badScale = await post({
      name: 'X',
      sections: [{ id: 's', title: 'S', criteria: [{ id: 'c', label: 'C', weight: 1, scale: '1_10' }] }],
    });
    expect(badScale.status).toBe(400);
    expect((await t.db.query('select 1 from scorecards')).rows).toEqual([]);
  });
});
