import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OpPayload } from '../../sync/engine';
import type { Rating } from '../../../shared/qa/scorecard';
import type { SyncDb } from '../../sync/db';
import { closeQa, FakeConnection, LEAD, LEAD_2, LEAD_3, openSeededQa, renderQa, reviewRow } from '../qaTestKit';
import { CalibrationsTab } from './CalibrationsTab';

const CAL = '6f1c2a4e-8b3d-4c5e-9f70-1a2b3c4d5e6f';

async function putCalibration(db: SyncDb, fields: Record<string, unknown> = {}) {
  await db.calibrations.put({
    id: CAL,
    conversationId: 'conv-x',
    scorecardId: 'card-social',
    scorecardVersion: 2,
    createdBy: LEAD,
    participants: [LEAD, LEAD_2, LEAD_3],
    status: 'open',
    reference: null,
    referenceScore: null,
    createdAt: '2026-11-21T09:00:00.000Z',
    agreedAt: null,
    ...fields,
  });
}

async function putReview(
  db: SyncDb,
  reviewerId: string,
  ratings: Record<string, Rating>,
  score: number | null,
  status: 'draft' | 'submitted' = 'submitted',
  conversationId = 'conv-x',
) {
  await db.reviews.put(
    reviewRow(`review-${reviewerId}`, {
      conversationId,
      reviewerId,
      ratings,
      calibrationId: CAL,
      score,
      status,
      version: 2,
      createdAt: '2026-11-21T09:10:00.000Z',
      updatedAt: '2026-11-21T09:20:00.000Z',
      submittedAt: status === 'submitted' ? '2026-11-21T09:20:00.000Z' : null,
    }),
  );
}

/**
 * Three leads on the X post, yes/no, 1–5 and N/A: greeting 100 apart, empathy 50, pii N/A against
 * two ratings; script (phone calls only) does not apply.
 */
async function putThreeReviews(db: SyncDb, submittedBy = [LEAD, LEAD_2, LEAD_3]) {
  const all: [string, Record<string, Rating>, number][] = [
    [LEAD, { greeting: 'yes', empathy: 4, pii: 'yes', script: 'na' }, 87.5],
    [LEAD_2, { greeting: 'no', empathy: 3, pii: 'yes', script: 'na' }, 50],
    [LEAD_3, { greeting: 'yes', empathy: 5, pii: 'na' }, 100],
  ];
  for (const [reviewer, ratings, score] of all) {
    if (submittedBy.includes(reviewer)) await putReview(db, reviewer, ratings, score);
  }
}

const spreadOf = (criterionId: string) => {
  const cell = screen.getByTestId(`spread-${criterionId}`);
  return [cell.dataset.spread, cell.dataset.disagree];
};

describe('Calibrations tab', () => {
  let db: SyncDb;
  let connection: FakeConnection;
  beforeEach(async () => {
    ({ db, connection } = await openSeededQa(LEAD));
  });
  afterEach(() => closeQa(db));

  it('starts a calibration: newest resolved conversation first, newest version, the lead and two others', async () => {
    renderQa(<CalibrationsTab />, { db, connection });
    expect(await screen.findByTestId('calibration-empty')).toBeTruthy();
    await userEvent.click(screen.getByTestId('calibration-start'));

    const picker = await screen.findByTestId<HTMLSelectElement>('calibration-conversation');
    await waitFor(() => expect(picker.options).toHaveLength(3));
    expect([...picker.options].map((o) => o.value)).toEqual(['', 'conv-call', 'conv-x']);
    expect(picker.options[1]!.textContent).toContain('Priya Shah · Phone call');
    await userEvent.type(screen.getByTestId('calibration-conversation-search'), 'x post');
    expect([...picker.options].map((o) => o.value)).toEqual(['', 'conv-x']);
    await userEvent.selectOptions(picker, 'conv-x');
    expect(screen.getByTestId<HTMLSelectElement>('calibration-scorecard').value).toBe('card-social@2');
    expect(screen.getByTestId<HTMLInputElement>(`calibration-participant-${LEAD}`).checked).toBe(true);

    await userEvent.click(screen.getByTestId('calibration-start-confirm'));
    expect(screen.getByTestId('calibration-start-error').textContent).toBe(
      'Choose at least two leads to score it (you may be one of them).',
    );
    expect(connection.ops()).toHaveLength(0);

    await userEvent.click(screen.getByTestId(`calibration-participant-${LEAD_3}`));
    await userEvent.click(screen.getByTestId(`calibration-participant-${LEAD_2}`));
    await userEvent.click(screen.getByTestId('calibration-start-confirm'));
    await waitFor(() => expect(connection.ops()).toHaveLength(1));
    const [op] = connection.ops('calibration.start');
    const { calibrationId: id, ...start } = op!.payload as OpPayload<'calibration.start'>;
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(start).toEqual({
      conversationId: 'conv-x',
      scorecardId: 'card-social',
      scorecardVersion: 2,
      participantIds: [LEAD, LEAD_2, LEAD_3],
    });
    expect(op!.baseVersion).toBeUndefined();

    // The optimistic row is in the list at once: blind for the lead, who has not scored yet.
    const item = await screen.findByTestId(`calibration-item-${id}`);
    expect(within(item).getByRole('heading', { level: 3 }).textContent).toBe('Jordan Miles · X post');
    expect(within(item).getByText(/Customer care, version 2/)).toBeTruthy();
    expect(within(item).getByTestId('score-blind')).toBeTruthy();
    expect(screen.queryByTestId('calibration-start-form')).toBeNull();
  });

  it('refuses a lead who handled the conversation, and keeps the choices when the op cannot be queued', async () => {
    await db.conversations.update('conv-x', { assignedAgentId: LEAD_2 });
    renderQa(<CalibrationsTab />, { db, connection });
    await userEvent.click(await screen.findByTestId('calibration-start'));
    const picker = await screen.findByTestId<HTMLSelectElement>('calibration-conversation');
    await waitFor(() => expect(picker.options).toHaveLength(3));
    await userEvent.selectOptions(picker, 'conv-x');
    await userEvent.click(screen.getByTestId(`calibration-participant-${LEAD_2}`));
    await userEvent.click(screen.getByTestId('calibration-start-confirm'));
    expect(screen.getByTestId('calibration-start-error').textContent).toBe(
      'Kim Lead handled this conversation and cannot score it: untick them.',
    );

    await userEvent.click(screen.getByTestId(`calibration-participant-${LEAD_2}`));
    await userEvent.click(screen.getByTestId(`calibration-participant-${LEAD_3}`));
    connection.failNext = new Error('The outbox could not be written.');
    await userEvent.click(screen.getByTestId('calibration-start-confirm'));
    expect((await screen.findByTestId('calibration-start-error')).textContent).toBe(
      'Not started: The outbox could not be written. Your choices are kept; try again.',
    );
    expect(picker.value).toBe('conv-x');
    expect(screen.getByTestId<HTMLInputElement>(`calibration-participant-${LEAD_3}`).checked).toBe(true);
    await userEvent.click(screen.getByTestId('calibration-start-confirm'));
    await waitFor(() => expect(connection.ops('calibration.start')).toHaveLength(1));
    expect(connection.ops()[0]!.payload).toMatchObject({ participantIds: [LEAD, LEAD_3] });
  });

  it('is blind before the lead submitted: no spread, no other lead’s state; “Score blind” opens the review', async () => {
    await putCalibration(db);
    // Even if another lead's submitted review were mirrored, nothing of it shows.
    await putReview(db, LEAD_2, { greeting: 'no', empathy: 1, pii: 'yes', script: 'na' }, 40);
    const { store } = renderQa(<CalibrationsTab />, { db, connection });
    const item = await screen.findByTestId(`calibration-item-${CAL}`);
    expect(item.dataset.status).toBe('open');
    expect(within(item).getByTestId('calibration-blind').textContent).toBe(
      'Scores stay hidden until you submit yours.',
    );
    expect(within(item).queryByTestId('spread-table')).toBeNull();
    expect(item.textContent).not.toContain('1 of 5');
    expect(item.textContent).not.toContain('40');
    expect(within(item).getByTestId(`participant-${LEAD_2}`).dataset.submitted).toBe('unknown');
    expect(within(item).getByTestId(`participant-${LEAD}`).textContent).toBe('Lee Lead (you): still scoring');

    await userEvent.click(within(item).getByTestId('score-blind'));
    expect(store.getState().reviewTarget).toEqual({
      conversationId: 'conv-x',
      scorecardId: 'card-social',
      scorecardVersion: 2,
      calibrationId: CAL,
    });
  });

  it('offers to go on with the lead’s blind draft', async () => {
    await putCalibration(db);
    await putReview(db, LEAD, { greeting: 'yes' }, 100, 'draft');
    renderQa(<CalibrationsTab />, { db, connection });
    const button = await screen.findByTestId('score-blind');
    await waitFor(() => expect(button.textContent).toBe('Go on scoring blind'));
    expect(screen.queryByTestId('spread-table')).toBeNull();
  });

  it('after submitting, shows the spread per criterion, each total and who is still scoring', async () => {
    await putCalibration(db);
    await putThreeReviews(db, [LEAD, LEAD_2]);
    renderQa(<CalibrationsTab />, { db, connection });
    const table = await screen.findByTestId('spread-table');
    expect(screen.queryByTestId('score-blind')).toBeNull();
    expect(screen.getByTestId(`participant-${LEAD_2}`).dataset.submitted).toBe('true');
    expect(screen.getByTestId(`participant-${LEAD_3}`).textContent).toBe('Ola Lead: still scoring');
    expect(within(table).getByTestId(`score-${LEAD_3}`).textContent).toBe('waiting');
    expect(spreadOf('greeting')).toEqual(['100', 'true']);
    expect(spreadOf('empathy')).toEqual(['25', 'false']);
    expect(spreadOf('pii')).toEqual(['0', 'false']);
    // The scores are 37.5 apart: the Score row is marked like a criterion.
    expect(spreadOf('score')).toEqual(['37.5', 'true']);
    expect(screen.getByTestId('spread-score').textContent).toBe('37.5disagree');
    expect(screen.getByText(/still scoring: Ola Lead\./)).toBeTruthy();
    expect(screen.queryByTestId('agree-reference')).toBeNull();

    await putThreeReviews(db);
    await waitFor(() => expect(spreadOf('empathy')).toEqual(['50', 'true']));
    expect(spreadOf('greeting')).toEqual(['100', 'true']);
    expect(screen.getByTestId('spread-greeting').textContent).toBe('100disagree');
    // Ola said N/A where the others rated it: a disagreement about whether it applies, not a spread of 0.
    expect(spreadOf('pii')).toEqual(['', 'true']);
    const pii = screen.getByTestId('spread-pii');
    expect(pii.textContent).toBe('N/A vs rateddisagree');
    expect(pii.title).toBe(
      'Some leads said N/A and others rated it: agree whether it applies before comparing ratings.',
    );
    expect(spreadOf('score')).toEqual(['50', 'true']);
    expect([LEAD, LEAD_2, LEAD_3].map((id) => screen.getByTestId(`score-${id}`).textContent)).toEqual([
      '88',
      '50',
      '100',
    ]);
    // Everyone submitted: the creator's table now has the reference column to choose in.
    const full = screen.getByTestId('spread-table');
    const columns = [...full.querySelectorAll('thead th')].map((th) => th.textContent);
    expect(columns).toEqual(['Criterion', 'Lee Lead (you)', 'Kim Lead', 'Ola Lead', 'Spread', 'Reference']);
    // The phone script does not apply to an X post: said once across the leads, no spread, no reference.
    const script = within(full).getByRole('rowheader', { name: 'Follows the phone script' }).closest('tr')!;
    expect([...script.querySelectorAll('td')].map((td) => td.textContent)).toEqual([
      'Does not apply to this conversation',
      '—',
    ]);
    expect(spreadOf('script')).toEqual(['', 'false']);
    expect(screen.queryByTestId('reference-script')).toBeNull();
    expect(within(full).getAllByRole('columnheader', { name: /Opening|Compliance/ })).toHaveLength(2);
  });

  it('the creator agrees the reference, prefilled with the median; the exact ratings are queued', async () => {
    await putCalibration(db);
    await putThreeReviews(db);
    renderQa(<CalibrationsTab />, { db, connection });
    const empathy = await screen.findByTestId<HTMLSelectElement>('reference-empathy');
    const values = ['greeting', 'empathy', 'pii'].map(
      (id) => screen.getByTestId<HTMLSelectElement>(`reference-${id}`).value,
    );
    expect(values).toEqual(['yes', '4', 'yes']);
    expect(screen.getByTestId('reference-score').textContent).toBe('88');

    await userEvent.selectOptions(empathy, '3');
    expect(screen.getByTestId('reference-score').textContent).toBe('75');
    await userEvent.click(screen.getByTestId('agree-reference'));
    await waitFor(() => expect(connection.ops()).toHaveLength(1));
    expect(connection.ops()[0]).toEqual({
      type: 'calibration.agree',
      // The phone script does not apply: no reference for it.
      payload: { calibrationId: CAL, ratings: { greeting: 'yes', empathy: 3, pii: 'yes' } },
      baseVersion: undefined,
    });

    // Agreed at once (optimistic); the server's reference score and each lead's distance from it.
    const item = screen.getByTestId(`calibration-item-${CAL}`);
    await waitFor(() => expect(item.dataset.status).toBe('agreed'));
    expect(screen.getByTestId('reference-empathy').textContent).toBe('3 of 5');
    await db.calibrations.update(CAL, { referenceScore: 75, agreedAt: '2026-11-21T10:00:00.000Z' });
    await waitFor(() => expect(screen.getByTestId('reference-score').textContent).toBe('75'));
    expect([LEAD, LEAD_2, LEAD_3].map((id) => screen.getByTestId(`distance-${id}`).textContent)).toEqual([
      '+13 points · 1 criterion differs',
      '−25 points · 1 criterion differs',
      '+25 points · 2 criteria differ',
    ]);
    expect(screen.getByTestId('spread-script').textContent).toBe('Does not apply to this conversation');
    expect(screen.queryByTestId('agree-reference')).toBeNull();
  });

  it('asks for at least one rated reference criterion before agreeing', async () => {
    await putCalibration(db);
    await putThreeReviews(db);
    renderQa(<CalibrationsTab />, { db, connection });
    await screen.findByTestId('reference-empathy');
    for (const id of ['greeting', 'empathy', 'pii']) {
      await userEvent.selectOptions(screen.getByTestId(`reference-${id}`), '');
    }
    await userEvent.click(screen.getByTestId('agree-reference'));
    expect(screen.getByTestId('agree-error').textContent).toBe(
      'Give at least one criterion a reference rating other than N/A: the reference score needs one.',
    );
    expect(connection.ops()).toHaveLength(0);
  });

  it('on a call, criteria for public posts do not apply; a single rating has nothing to compare (—)', async () => {
    await putCalibration(db, { conversationId: 'conv-call' });
    await putReview(db, LEAD, { greeting: 'yes', empathy: 4, script: 2 }, 75, 'submitted', 'conv-call');
    renderQa(<CalibrationsTab />, { db, connection });
    await screen.findByTestId('spread-table');
    expect(screen.getByTestId('spread-pii').textContent).toBe('Does not apply to this conversation');
    expect(screen.getByText('Does not apply to this conversation').closest('tr')!.dataset.applies).toBe('false');
    // Only Lee submitted: one rating per criterion, one score.
    for (const id of ['greeting', 'empathy', 'script', 'score']) {
      expect(spreadOf(id)).toEqual(['', 'false']);
      expect(screen.getByTestId(`spread-${id}`).textContent).toBe('—fewer than two ratings to compare');
    }
    expect(screen.getByTestId(`score-${LEAD_2}`).textContent).toBe('waiting');
  });

  it('a participant who did not start it sees the spread and waits for the creator to agree', async () => {
    connection = new FakeConnection(db, LEAD_2);
    await putCalibration(db);
    await putThreeReviews(db);
    renderQa(<CalibrationsTab />, { db, connection, agentId: LEAD_2 });
    await screen.findByTestId('spread-table');
    expect(screen.getByText('Everyone submitted: Lee Lead agrees the reference.')).toBeTruthy();
    expect(screen.queryByTestId('agree-reference')).toBeNull();
    expect(screen.queryByTestId('reference-empathy')).toBeNull();
  });
});
