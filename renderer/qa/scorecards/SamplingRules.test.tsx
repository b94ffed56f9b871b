import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import axe from 'axe-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SyncDb } from '../../sync/db';
import { closeQa, type FakeConnection, LEAD, LEAD_2, LEAD_3, renderQa } from '../qaTestKit';
import { ScorecardsTab } from './ScorecardsTab';
import { type fakeApi, openScorecardsTab } from './scorecardsTestKit';

const input = (testId: string) => screen.getByTestId<HTMLInputElement>(testId);

const RULE = {
  id: 'rule-1',
  name: 'Weekly picks',
  kind: 'per_agent_week',
  rule: { kind: 'per_agent_week', perAgent: 2 },
  scorecardId: 'card-social',
  leadIds: [LEAD, LEAD_2],
  enabled: true,
};

describe('Scorecards and sampling tab: sampling rules', () => {
  let db: SyncDb;
  let connection: FakeConnection;
  let api: ReturnType<typeof fakeApi>;
  beforeEach(async () => {
    ({ db, connection, api } = await openScorecardsTab([RULE]));
    await db.agents.put({ id: 'admin-ada', name: 'Ada Admin', role: 'admin', skills: {} });
  });
  afterEach(() => closeQa(db));

  it('lists the rules, each told in one sentence', async () => {
    renderQa(<ScorecardsTab />, { db, connection });
    const rule = await screen.findByTestId('sampling-rule-rule-1');
    await waitFor(() =>
      expect(rule.textContent).toBe(
        'Weekly picksEach week, up to 2 resolved conversations of every agent go to Lee Lead or Kim Lead (the agent’s own team lead first, else the least busy) to review with “Customer care”.',
      ),
    );
  });

  it('offers the leads and admins as reviewers, live, and only published scorecards', async () => {
    renderQa(<ScorecardsTab />, { db, connection });
    const reviewers = within((await screen.findByText('Leads who review')).closest('fieldset')!);
    await waitFor(() =>
      expect(reviewers.getAllByRole('checkbox').map((c) => c.dataset.testid)).toEqual([
        'rule-lead-admin-ada',
        `rule-lead-${LEAD_2}`,
        `rule-lead-${LEAD}`,
        `rule-lead-${LEAD_3}`,
      ]),
    );
    await db.agents.put({ id: 'lead-new', name: 'Bea Lead', role: 'lead', skills: {} });
    await screen.findByTestId('rule-lead-lead-new');

    const scorecards = input('rule-scorecard');
    await waitFor(() => expect(scorecards.value).toBe('card-social'));
    // card-email has only a draft: a sampled review needs a published version.
    expect([...scorecards.querySelectorAll('option')].map((o) => o.value)).toEqual(['card-social']);
  });

  it('a risk rule posts the exact SamplingRuleInput, after saying what it will do', async () => {
    api.routes['POST /api/qa/sampling-rules'] = { status: 201, body: { id: 'rule-2' } };
    renderQa(<ScorecardsTab />, { db, connection });
    await waitFor(() => expect(input('rule-scorecard').value).toBe('card-social'));
    await userEvent.type(input('rule-name'), ' Risky ones ');
    await userEvent.click(await screen.findByTestId(`rule-lead-${LEAD_3}`));
    await userEvent.click(input(`rule-lead-${LEAD_2}`));
    await userEvent.click(input('rule-kind-risk'));
    await userEvent.click(input('rule-risk-sentiment'));
    await userEvent.clear(input('rule-risk-sentiment-value'));
    await userEvent.type(input('rule-risk-sentiment-value'), '-3');
    await userEvent.click(input('rule-risk-sla'));
    await userEvent.click(input('rule-risk-reach'));
    await userEvent.clear(input('rule-risk-reach-value'));
    await userEvent.type(input('rule-risk-reach-value'), '5,000');
    await userEvent.click(input('rule-risk-handle'));
    await userEvent.clear(input('rule-risk-handle-value'));
    await userEvent.type(input('rule-risk-handle-value'), '45');
    await userEvent.click(input('rule-risk-reopened'));

    expect(screen.getByTestId('rule-summary').textContent).toBe(
      'Every conversation resolved in the last two weeks that had sentiment at or below −3, breached its SLA, was a public complaint (a negative X or Facebook post) from someone with at least 5,000 followers, took longer than 45 minutes from first contact to resolution or was reopened goes to Kim Lead or Ola Lead (the agent’s own team lead first, else the least busy) to review with “Customer care”.',
    );
    await userEvent.click(screen.getByTestId('save-rule'));
    await screen.findByTestId('rule-saved');
    expect(api.writes()).toEqual([
      {
        method: 'POST',
        path: '/api/qa/sampling-rules',
        body: {
          name: 'Risky ones',
          scorecardId: 'card-social',
          leadIds: [LEAD_2, LEAD_3],
          rule: {
            kind: 'risk',
            negativeSentiment: -3,
            slaBreached: true,
            publicReach: 5000,
            longHandleMinutes: 45,
            reopened: true,
          },
        },
      },
    ]);
    // The list is read again and the form starts over.
    await waitFor(() => expect(api.calls.filter((c) => c.path === '/api/qa/sampling-rules')).toHaveLength(3));
    expect(input('rule-name').value).toBe('');
  });

  it('a random share is entered in percent and sent as a share of 1', async () => {
    api.routes['POST /api/qa/sampling-rules'] = { status: 201, body: { id: 'rule-3' } };
    renderQa(<ScorecardsTab />, { db, connection });
    await waitFor(() => expect(input('rule-scorecard').value).toBe('card-social'));
    await userEvent.type(input('rule-name'), 'Spot checks');
    await userEvent.click(await screen.findByTestId(`rule-lead-${LEAD}`));
    await userEvent.clear(input('rule-share-percent'));
    await userEvent.type(input('rule-share-percent'), '15');
    expect(screen.getByTestId('rule-summary').textContent).toBe(
      'About 15 % of the conversations resolved in the last two weeks, picked at random, go to Lee Lead to review with “Customer care”.',
    );
    await userEvent.click(screen.getByTestId('save-rule'));
    await screen.findByTestId('rule-saved');
    expect(api.writes()[0]?.body).toEqual({
      name: 'Spot checks',
      scorecardId: 'card-social',
      leadIds: [LEAD],
      rule: { kind: 'random_share', share: 0.15 },
    });
  });

  it('problems are shown beside their fields and nothing is sent', async () => {
    renderQa(<ScorecardsTab />, { db, connection });
    await waitFor(() => expect(input('rule-scorecard').value).toBe('card-social'));
    await userEvent.click(input('rule-kind-per_agent_week'));
    await userEvent.clear(input('rule-per-agent'));
    await userEvent.type(input('rule-per-agent'), '2.5');
    await userEvent.click(screen.getByTestId('save-rule'));
    expect(screen.getByTestId('problem-name').textContent).toBe('Give the rule a name, such as “Weekly picks”.');
    expect(screen.getByTestId('problem-leadIds').textContent).toBe('Tick at least one lead to do the reviews.');
    expect(screen.getByTestId('problem-perAgent').textContent).toBe(
      'Enter a whole number of conversations from 1 to 100.',
    );
    await userEvent.click(input('rule-kind-risk'));
    expect(screen.getByTestId('problem-risk').textContent).toBe('Tick at least one risk to look for.');
    expect(api.writes()).toEqual([]);
  });

  it('offline or refused, saving a rule says why and keeps the form', async () => {
    api.routes['POST /api/qa/sampling-rules'] = 'offline';
    renderQa(<ScorecardsTab />, { db, connection });
    await waitFor(() => expect(input('rule-scorecard').value).toBe('card-social'));
    await userEvent.type(input('rule-name'), 'Spot checks');
    await userEvent.click(await screen.findByTestId(`rule-lead-${LEAD}`));
    await userEvent.click(screen.getByTestId('save-rule'));
    expect((await screen.findByTestId('rule-problem')).textContent).toMatch(
      /^Not saved: you are offline\. Cannot reach the Switchboard server .* What you entered is still here\.$/,
    );
    expect(input('rule-name').value).toBe('Spot checks');
    expect(input(`rule-lead-${LEAD}`).checked).toBe(true);

    api.routes['POST /api/qa/sampling-rules'] = {
      status: 400,
      body: {
        error: { code: 'invalid_rule', message: 'Every reviewer of a sampling rule is a team lead or an admin.' },
      },
    };
    await userEvent.click(screen.getByTestId('save-rule'));
    await waitFor(() =>
      expect(screen.getByTestId('rule-problem').textContent).toBe(
        'Not saved: Every reviewer of a sampling rule is a team lead or an admin. What you entered is still here.',
      ),
    );
    expect(input('rule-name').value).toBe('Spot checks');
  });

  it('“Run sampling now” shows how many assignments were made, or that it is offline', async () => {
    api.routes['POST /api/qa/sampling/run'] = { body: { assigned: 3 } };
    renderQa(<ScorecardsTab />, { db, connection });
    await userEvent.click(await screen.findByTestId('run-sampling'));
    expect((await screen.findByTestId('sampling-run-result')).textContent).toBe(
      'Sampling ran: 3 new review assignments made.',
    );
    expect(api.writes()).toEqual([{ method: 'POST', path: '/api/qa/sampling/run', body: undefined }]);

    api.routes['POST /api/qa/sampling/run'] = 'offline';
    await userEvent.click(screen.getByTestId('run-sampling'));
    await waitFor(() =>
      expect(screen.getByTestId('sampling-run-result').textContent).toMatch(/^Sampling did not run: you are offline\./),
    );
  });

  it('has no serious or critical accessibility problems with risk picks open', async () => {
    const { container } = renderQa(<ScorecardsTab />, { db, connection });
    await screen.findByTestId('sampling-rule-rule-1');
    await userEvent.click(input('rule-kind-risk'));
    await userEvent.click(screen.getByTestId('save-rule'));
    await screen.findByTestId('problem-risk');
    const results = await axe.run(container, { rules: { 'color-contrast': { enabled: false } } });
    const blocking = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(blocking.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  });
});
