import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MirrorRow, SyncDb } from '../../sync/db';
import { AGENT, AGENT_2, closeQa, type FakeConnection, LEAD, openSeededQa, renderQa, reviewRow } from '../qaTestKit';
import { DisputesTab } from './DisputesTab';

const REVIEW_ANN = '0190a5e0-0000-4000-8000-0000000000a1';
const REVIEW_BO = '0190a5e0-0000-4000-8000-0000000000a2';
const D_EMPATHY = '0190a5e0-0000-4000-8000-0000000000d1';
const D_GREETING = '0190a5e0-0000-4000-8000-0000000000d2';
const D_DONE = '0190a5e0-0000-4000-8000-0000000000d3';

const review = (id: string, fields: Partial<MirrorRow>): MirrorRow =>
  reviewRow(id, {
    // greeting 0, empathy 25 (×2), pii 100, script left out: 150 / 4 = 37.5.
    ratings: { greeting: 'no', empathy: 2, pii: 'yes', script: 'na' },
    score: 37.5,
    ...fields,
  });

const opened = (agentId: string, comment: string, at: string) => ({ kind: 'opened', by: agentId, comment, at });

describe('Disputes (the lead decides the team’s disputes)', () => {
  let db: SyncDb;
  let connection: FakeConnection;
  beforeEach(async () => {
    ({ db, connection } = await openSeededQa(LEAD));
    await db.reviews.bulkPut([
      review(REVIEW_ANN, {}),
      review(REVIEW_BO, { agentId: AGENT_2, conversationId: 'conv-call', ratings: { script: 2 }, score: 50 }),
    ]);
    await db.disputes.bulkPut([
      {
        id: D_DONE,
        reviewId: REVIEW_BO,
        criterionId: 'script',
        agentId: AGENT_2,
        status: 'rejected',
        steps: [
          opened(AGENT_2, 'I followed it.', '2026-11-22T07:00:00.000Z'),
          { kind: 'rejected', by: LEAD, comment: 'You skipped the closing.', at: '2026-11-22T07:30:00.000Z' },
        ],
        createdAt: '2026-11-22T07:00:00.000Z',
        decidedAt: '2026-11-22T07:30:00.000Z',
      },
      {
        id: D_GREETING,
        reviewId: REVIEW_ANN,
        criterionId: 'greeting',
        agentId: AGENT,
        status: 'open',
        steps: [opened(AGENT, 'I wrote “Jordan”.', '2026-11-22T09:00:00.000Z')],
        createdAt: '2026-11-22T09:00:00.000Z',
        decidedAt: null,
      },
      {
        id: D_EMPATHY,
        reviewId: REVIEW_ANN,
        criterionId: 'empathy',
        agentId: AGENT,
        status: 'open',
        steps: [opened(AGENT, 'I apologised and offered help.', '2026-11-22T08:00:00.000Z')],
        createdAt: '2026-11-22T08:00:00.000Z',
        decidedAt: null,
      },
    ]);
  });
  afterEach(() => closeQa(db));

  const itemOf = async (id: string) =>
    (await screen.findAllByTestId('dispute-item')).find((el) => el.dataset.disputeId === id)!;

  it('lists open disputes first (oldest waiting first), then decided ones, with what each is about', async () => {
    renderQa(<DisputesTab />, { db, connection });
    const items = await screen.findAllByTestId('dispute-item');
    expect(items.map((i) => i.dataset.disputeId)).toEqual([D_EMPATHY, D_GREETING, D_DONE]);
    const [empathy, , done] = items;
    expect(within(empathy!).getByRole('heading', { level: 4 }).textContent).toBe('Ann Agent disputes “Shows empathy”');
    expect(within(empathy!).getByTestId('dispute-conversation').textContent).toContain('Jordan Miles · X post');
    expect(within(empathy!).getByTestId('dispute-current-rating').textContent).toBe('2 of 5');
    expect(within(empathy!).getByTestId('dispute-review-score').textContent).toBe('38');
    expect(within(empathy!).getByTestId('dispute-step').textContent).toContain('Opened by Ann Agent');
    expect(within(empathy!).getByTestId('dispute-step').textContent).toContain('I apologised and offered help.');
    expect(within(empathy!).getByTestId('decision-form')).toBeTruthy();

    expect(within(done!).getByRole('heading', { level: 4 }).textContent).toBe(
      'Bo Agent disputes “Follows the phone script”',
    );
    expect(within(done!).getByTestId('dispute-status').textContent).toBe('Rejected');
    expect(
      within(done!)
        .getAllByTestId('dispute-step')
        .map((s) => s.dataset.kind),
    ).toEqual(['opened', 'rejected']);
    expect(within(done!).getAllByTestId('dispute-step')[1]!.textContent).toContain('You skipped the closing.');
    expect(within(done!).queryByTestId('decision-form')).toBeNull();
    expect(screen.getAllByRole('heading', { level: 3 }).map((h) => h.textContent)).toEqual(['Open (2)', 'Decided (1)']);
  });

  it('accepts with the rating one step better by default: the exact op; the decision waits as a step', async () => {
    renderQa(<DisputesTab />, { db, connection });
    const item = await itemOf(D_EMPATHY);
    await userEvent.click(within(item).getByTestId('decision-accepted'));
    const select = within(item).getByTestId<HTMLSelectElement>('decision-rating');
    expect(select.value).toBe('3');
    // The criterion's scale, best first; no N/A for a criterion that does not allow it.
    expect(
      within(select)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['Choose a rating…', '5 of 5', '4 of 5', '3 of 5', '2 of 5 (current)', '1 of 5']);
    expect(within(item).getByTestId('decision-score-preview').textContent).toBe('Score with this rating: 50');
    await userEvent.type(within(item).getByTestId('decision-comment'), ' Fair: you did offer help. ');
    await userEvent.click(within(item).getByTestId('send-decision'));
    await waitFor(() => expect(connection.ops()).toHaveLength(1));
    expect(connection.ops()[0]).toEqual({
      type: 'dispute.decide',
      payload: { disputeId: D_EMPATHY, decision: 'accepted', comment: 'Fair: you did offer help.', rating: 3 },
      baseVersion: undefined,
    });

    // Optimistically decided: it moves to the decided list with the step it will add.
    await waitFor(async () =>
      expect((await screen.findAllByTestId('dispute-item'))[1]!.dataset.disputeId).toBe(D_EMPATHY),
    );
    const moved = await itemOf(D_EMPATHY);
    expect(within(moved).queryByTestId('decision-form')).toBeNull();
    expect(within(moved).getByTestId('dispute-status').textContent).toBe('Accepted, waiting to be sent');
    const steps = within(moved).getAllByTestId('dispute-step');
    expect(steps.map((s) => s.dataset.kind)).toEqual(['opened', 'accepted']);
    expect(within(steps[1]!).getByTestId('dispute-step-change').textContent).toBe(
      'Rating changes from 2 of 5 to 3 of 5',
    );
  });

  it('accepts a yes/no criterion with “yes” by default, offering N/A where the criterion allows it', async () => {
    renderQa(<DisputesTab />, { db, connection });
    const item = await itemOf(D_GREETING);
    await userEvent.click(within(item).getByTestId('decision-accepted'));
    const select = within(item).getByTestId<HTMLSelectElement>('decision-rating');
    expect(select.value).toBe('yes');
    expect(
      within(select)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['Choose a rating…', 'Yes', 'No (current)', 'Not applicable']);
    await userEvent.type(within(item).getByTestId('decision-comment'), 'Right, you did.');
    await userEvent.click(within(item).getByTestId('send-decision'));
    await waitFor(() => expect(connection.ops()).toHaveLength(1));
    expect(connection.ops()[0]!.payload).toEqual({
      disputeId: D_GREETING,
      decision: 'accepted',
      comment: 'Right, you did.',
      rating: 'yes',
    });
  });

  it('requires a new rating to accept, and a decision and a comment, each with a sentence', async () => {
    renderQa(<DisputesTab />, { db, connection });
    const item = await itemOf(D_EMPATHY);
    await userEvent.click(within(item).getByTestId('send-decision'));
    expect(within(item).getByTestId('decision-error').textContent).toBe(
      'Choose whether you accept, partly accept or reject this dispute.',
    );
    await userEvent.click(within(item).getByTestId('decision-accepted'));
    await userEvent.selectOptions(within(item).getByTestId('decision-rating'), '');
    await userEvent.type(within(item).getByTestId('decision-comment'), 'Yes.');
    await userEvent.click(within(item).getByTestId('send-decision'));
    expect(within(item).getByTestId('decision-error').textContent).toBe(
      'Choose the new rating: an accepted dispute changes the rating.',
    );
    await userEvent.selectOptions(within(item).getByTestId('decision-rating'), '4');
    await userEvent.clear(within(item).getByTestId('decision-comment'));
    await userEvent.click(within(item).getByTestId('send-decision'));
    expect(within(item).getByTestId('decision-error').textContent).toBe(
      'Write a comment telling Ann Agent why you decided this.',
    );
    expect(connection.ops()).toHaveLength(0);
  });

  it('offers only Accept and Reject on a yes/no criterion: there is no part of a yes', async () => {
    renderQa(<DisputesTab />, { db, connection });
    const item = await itemOf(D_GREETING);
    expect(within(item).getByTestId('decision-accepted')).toBeTruthy();
    expect(within(item).getByTestId('decision-rejected')).toBeTruthy();
    expect(within(item).queryByTestId('decision-partly_accepted')).toBeNull();
    await userEvent.click(within(item).getByTestId('send-decision'));
    expect(within(item).getByTestId('decision-error').textContent).toBe(
      'Choose whether you accept or reject this dispute.',
    );
    // The scale criterion still offers all three.
    expect(within(await itemOf(D_EMPATHY)).getByTestId('decision-partly_accepted')).toBeTruthy();
  });

  it('refuses to partly accept with the current rating, with a sentence', async () => {
    renderQa(<DisputesTab />, { db, connection });
    const item = await itemOf(D_EMPATHY);
    await userEvent.click(within(item).getByTestId('decision-partly_accepted'));
    await userEvent.selectOptions(within(item).getByTestId('decision-rating'), '2');
    await userEvent.type(within(item).getByTestId('decision-comment'), 'Some of it.');
    await userEvent.click(within(item).getByTestId('send-decision'));
    expect(within(item).getByTestId('decision-error').textContent).toBe(
      'A partly accepted dispute changes the rating: choose a rating other than the current one (2 of 5), or reject the dispute.',
    );
    expect(connection.ops()).toHaveLength(0);
  });

  it('partly accepts with the rating the lead picks (none suggested)', async () => {
    renderQa(<DisputesTab />, { db, connection });
    const item = await itemOf(D_EMPATHY);
    await userEvent.click(within(item).getByTestId('decision-partly_accepted'));
    expect(within(item).getByTestId<HTMLSelectElement>('decision-rating').value).toBe('');
    await userEvent.type(within(item).getByTestId('decision-comment'), 'Some of it.');
    await userEvent.click(within(item).getByTestId('send-decision'));
    expect(within(item).getByTestId('decision-error').textContent).toBe(
      'Choose the new rating: a partly accepted dispute changes the rating.',
    );
    await userEvent.selectOptions(within(item).getByTestId('decision-rating'), '3');
    await userEvent.click(within(item).getByTestId('send-decision'));
    await waitFor(() => expect(connection.ops()).toHaveLength(1));
    expect(connection.ops()[0]).toEqual({
      type: 'dispute.decide',
      payload: { disputeId: D_EMPATHY, decision: 'partly_accepted', comment: 'Some of it.', rating: 3 },
      baseVersion: undefined,
    });
  });

  it('rejects with a comment and no rating, even after a rating was picked', async () => {
    renderQa(<DisputesTab />, { db, connection });
    const item = await itemOf(D_EMPATHY);
    await userEvent.click(within(item).getByTestId('decision-accepted'));
    await userEvent.selectOptions(within(item).getByTestId('decision-rating'), '5');
    await userEvent.click(within(item).getByTestId('decision-rejected'));
    expect(within(item).queryByTestId('decision-rating')).toBeNull();
    await userEvent.type(within(item).getByTestId('decision-comment'), 'The reply had no apology.');
    await userEvent.click(within(item).getByTestId('send-decision'));
    await waitFor(() => expect(connection.ops()).toHaveLength(1));
    expect(connection.ops()[0]).toEqual({
      type: 'dispute.decide',
      payload: { disputeId: D_EMPATHY, decision: 'rejected', comment: 'The reply had no apology.' },
      baseVersion: undefined,
    });
    expect(Object.keys(connection.ops()[0]!.payload)).not.toContain('rating');
  });

  it('keeps the decision when it cannot be queued', async () => {
    connection.failNext = new Error('The disk is full.');
    renderQa(<DisputesTab />, { db, connection });
    const item = await itemOf(D_EMPATHY);
    await userEvent.click(within(item).getByTestId('decision-rejected'));
    await userEvent.type(within(item).getByTestId('decision-comment'), 'No apology.');
    await userEvent.click(within(item).getByTestId('send-decision'));
    expect((await within(item).findByTestId('decision-error')).textContent).toBe(
      'Not queued: The disk is full. Your decision is still here.',
    );
    expect(within(item).getByTestId<HTMLTextAreaElement>('decision-comment').value).toBe('No apology.');
    expect(within(item).getByTestId<HTMLInputElement>('decision-rejected').checked).toBe(true);
  });

  it('shows a decision the server refused and starts the form from it', async () => {
    await db.syncIssues.put({
      id: 'issue-1',
      op: {
        opId: '0190a5e0-0000-4000-8000-0000000000f1',
        clientId: '0190a5e0-0000-4000-8000-0000000000f2',
        seq: 9,
        createdAt: '2026-11-22T10:00:00.000Z',
        type: 'dispute.decide',
        payload: { disputeId: D_EMPATHY, decision: 'partly_accepted', comment: 'Half right.', rating: 3 },
      },
      reason: 'forbidden',
      detail: 'This dispute is for another team’s lead.',
      createdAt: 1,
    });
    renderQa(<DisputesTab />, { db, connection });
    const item = await itemOf(D_EMPATHY);
    expect(within(item).getByTestId('dispute-refused').textContent).toContain(
      'Your decision was not applied: you are not allowed to do this (This dispute is for another team’s lead.)',
    );
    expect(within(item).getByTestId<HTMLInputElement>('decision-partly_accepted').checked).toBe(true);
    expect(within(item).getByTestId<HTMLSelectElement>('decision-rating').value).toBe('3');
    expect(within(item).getByTestId<HTMLTextAreaElement>('decision-comment').value).toBe('Half right.');
  });

  it('starts without a decision when a refused draft partly accepted a yes/no criterion', async () => {
    await db.syncIssues.put({
      id: 'issue-2',
      op: {
        opId: '0190a5e0-0000-4000-8000-0000000000f4',
        clientId: '0190a5e0-0000-4000-8000-0000000000f2',
        seq: 10,
        createdAt: '2026-11-22T10:00:00.000Z',
        type: 'dispute.decide',
        payload: { disputeId: D_GREETING, decision: 'partly_accepted', comment: 'Half a greeting.', rating: 'yes' },
      },
      reason: 'invalid_op',
      detail: '“Greets the customer by name” is rated yes or no: accept the dispute or reject it.',
      createdAt: 2,
    });
    renderQa(<DisputesTab />, { db, connection });
    const item = await itemOf(D_GREETING);
    expect(within(item).getByTestId('dispute-refused').textContent).toContain('Half a greeting.');
    expect(within(item).queryByTestId('decision-partly_accepted')).toBeNull();
    expect(within(item).getByTestId<HTMLInputElement>('decision-accepted').checked).toBe(false);
    expect(within(item).getByTestId<HTMLTextAreaElement>('decision-comment').value).toBe('Half a greeting.');
  });

  it('opens the disputed review in the review workspace', async () => {
    const { store } = renderQa(<DisputesTab />, { db, connection });
    const item = await itemOf(D_EMPATHY);
    await userEvent.click(within(item).getByTestId('open-disputed-review'));
    expect(store.getState().reviewTarget).toEqual({
      conversationId: 'conv-x',
      scorecardId: 'card-social',
      scorecardVersion: 2,
      reviewId: REVIEW_ANN,
    });
  });

  it('says so when there is nothing to decide', async () => {
    await db.disputes.clear();
    renderQa(<DisputesTab />, { db, connection });
    expect((await screen.findByTestId('disputes-open-empty')).textContent).toContain('No open disputes');
  });
});
