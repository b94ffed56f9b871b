import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Op } from '../../../shared/protocol';
import type { MirrorRow, SyncDb } from '../../sync/db';
import {
  AGENT,
  AGENT_2,
  closeQa,
  type FakeConnection,
  LEAD,
  LEAD_2,
  openSeededQa,
  renderQa,
  reviewRow,
} from '../qaTestKit';
import { MyReviewsTab } from './MyReviewsTab';

const REVIEW_X = '0190a5e0-0000-4000-8000-0000000000a1';
const REVIEW_CALL = '0190a5e0-0000-4000-8000-0000000000a2';
const REVIEW_V3 = '0190a5e0-0000-4000-8000-0000000000a3';
const REVIEW_OTHER = '0190a5e0-0000-4000-8000-0000000000b1';
const REVIEW_DRAFT = '0190a5e0-0000-4000-8000-0000000000b2';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const review = (id: string, fields: Partial<MirrorRow>): MirrorRow =>
  reviewRow(id, {
    ratings: { greeting: 'no', empathy: 3, pii: 'yes', script: 'na' },
    score: 61.66,
    createdAt: '2026-11-21T09:00:00.000Z',
    updatedAt: '2026-11-21T09:30:00.000Z',
    ...fields,
  });

const step = (kind: string, by: string, comment: string, at: string, change: Record<string, unknown> = {}) => ({
  kind,
  by,
  comment,
  at,
  ...change,
});

describe('My reviews (the agent’s own submitted reviews and disputes)', () => {
  let db: SyncDb;
  let connection: FakeConnection;
  beforeEach(async () => {
    ({ db, connection } = await openSeededQa(AGENT));
    await db.reviews.bulkPut([
      review(REVIEW_X, {
        feedback: 'Good recovery, but greet Jordan by name.',
        comments: [
          {
            id: 'c-1',
            anchor: { kind: 'message', messageId: 'm-x2' },
            body: 'Good apology.',
            criterionId: 'empathy',
            authorId: LEAD,
            at: '2026-11-21T09:10:00.000Z',
          },
          {
            id: 'c-2',
            anchor: { kind: 'text', messageId: 'm-x1', start: 12, end: 38 },
            body: 'This is the complaint.',
            criterionId: null,
            authorId: LEAD,
            at: '2026-11-21T09:11:00.000Z',
          },
          {
            id: 'c-3',
            anchor: { kind: 'time', startMs: 15_000, endMs: 87_500 },
            body: 'Long hold here.',
            criterionId: null,
            authorId: LEAD,
            at: '2026-11-21T09:12:00.000Z',
          },
        ],
      }),
      review(REVIEW_CALL, {
        conversationId: 'conv-call',
        ratings: { greeting: 'yes', empathy: 4, script: 2 },
        reviewerId: LEAD_2,
        scorecardVersion: 1,
        score: 100,
        submittedAt: '2026-11-19T09:00:00.000Z',
      }),
      review(REVIEW_V3, { scorecardVersion: 3, score: 12.4, submittedAt: '2026-11-18T09:00:00.000Z' }),
      review(REVIEW_OTHER, { agentId: AGENT_2, submittedAt: '2026-11-25T09:00:00.000Z' }),
      review(REVIEW_DRAFT, { status: 'draft', submittedAt: null, updatedAt: '2026-11-26T09:00:00.000Z' }),
    ]);
  });
  afterEach(() => closeQa(db));

  const openReview = async (id: string) => {
    const item = (await screen.findAllByTestId('my-review-item')).find((el) => el.dataset.reviewId === id)!;
    await userEvent.click(item);
    return screen.findByTestId('my-review');
  };

  it('lists only the agent’s own submitted reviews, newest first, with the version each was scored with', async () => {
    renderQa(<MyReviewsTab />, { db, connection, agentId: AGENT, role: 'agent' });
    const items = await screen.findAllByTestId('my-review-item');
    // Bo's review and Lee's draft are not listed.
    expect(items.map((i) => i.dataset.reviewId)).toEqual([REVIEW_X, REVIEW_CALL, REVIEW_V3]);
    expect(items[0]!.textContent).toContain('Jordan Miles · X post');
    expect(items[0]!.textContent).toContain('Reviewed by Lee Lead');
    expect(items[0]!.textContent).toContain('Customer care, version 2');
    expect(within(items[0]!).getByTestId('my-review-score').textContent).toBe('62');
    expect(items[1]!.textContent).toContain('Priya Shah · Phone call');
    expect(items[1]!.textContent).toContain('Reviewed by Kim Lead');
    expect(items[1]!.textContent).toContain('Customer care (old), version 1');
    // Version 3 is not on this computer: named by its number.
    expect(items[2]!.textContent).toContain('version 3');
    expect(items[2]!.textContent).not.toContain('Customer care');
  });

  it('says so when the agent has no submitted review', async () => {
    await db.reviews.bulkDelete([REVIEW_X, REVIEW_CALL, REVIEW_V3]);
    renderQa(<MyReviewsTab />, { db, connection, agentId: AGENT, role: 'agent' });
    expect((await screen.findByTestId('my-reviews-empty')).textContent).toContain('No reviews of your conversations');
  });

  it('shows each criterion by section with its rating in words, label and guidance, and the feedback', async () => {
    renderQa(<MyReviewsTab />, { db, connection, agentId: AGENT, role: 'agent' });
    const detail = await openReview(REVIEW_X);
    expect(
      within(detail)
        .getAllByRole('heading', { level: 4 })
        .map((h) => h.textContent),
    ).toEqual(['Opening', 'Compliance', 'Feedback', 'Comments', 'The conversation']);
    // The whole conversation is there to read, as the lead scored it.
    expect(within(detail).getAllByTestId('review-message').length).toBeGreaterThan(0);
    const greeting = within(detail).getByTestId('criterion-greeting');
    expect(greeting.textContent).toContain('Greets the customer by name');
    expect(greeting.textContent).toContain('Uses the name the customer gave.');
    expect(within(greeting).getByTestId('criterion-rating').textContent).toBe('No');
    const rating = (id: string) =>
      within(within(detail).getByTestId(`criterion-${id}`)).getByTestId('criterion-rating');
    expect(rating('empathy').textContent).toBe('3 of 5');
    expect(rating('pii').textContent).toBe('Yes');
    // The phone script does not apply to an X post: said so, not "Not applicable" or "Not rated", and not disputable.
    const script = within(detail).getByTestId('criterion-script');
    expect(rating('script').textContent).toBe('Does not apply to this conversation');
    expect(script.dataset.applies).toBe('false');
    expect(within(script).queryByTestId('dispute-button')).toBeNull();
    expect(within(greeting).getByTestId('dispute-button')).toBeTruthy();
    expect(within(detail).getByTestId('review-scorecard').textContent).toBe('Customer care, version 2');
    expect(within(detail).getByTestId('review-score').textContent).toBe('62');
    expect(within(detail).getByTestId('review-feedback').textContent).toBe('Good recovery, but greet Jordan by name.');
  });

  it('on a call, says a criterion for public posts does not apply (no dispute) and the phone script is rated', async () => {
    renderQa(<MyReviewsTab />, { db, connection, agentId: AGENT, role: 'agent' });
    const detail = await openReview(REVIEW_CALL);
    const pii = within(detail).getByTestId('criterion-pii');
    expect(within(pii).getByTestId('criterion-rating').textContent).toBe('Does not apply to this conversation');
    expect(within(pii).queryByTestId('dispute-button')).toBeNull();
    const script = within(detail).getByTestId('criterion-script');
    expect(script.dataset.applies).toBe('true');
    expect(within(script).getByTestId('criterion-rating').textContent).toBe('2 of 3');
    expect(within(script).getByTestId('dispute-button')).toBeTruthy();
    expect(detail.textContent).not.toContain('Not rated');
  });

  it('quotes what each comment points at: a message’s first 80 characters, a text range exactly, a call’s time span', async () => {
    renderQa(<MyReviewsTab />, { db, connection, agentId: AGENT, role: 'agent' });
    const detail = await openReview(REVIEW_X);
    const reply = "We're sorry about your bag, Jordan. Please DM us your booking reference and we'll sort it out. ^AA";
    const complaint = '@SkywardAir my bag arrived torn open at LHR. Really poor.';
    await waitFor(() =>
      expect(
        within(detail)
          .getAllByTestId('comment-anchor')
          .map((a) => a.textContent),
      ).toEqual([
        `On the message “${reply.slice(0, 80)}…”`,
        `On the words “${complaint.slice(12, 38)}”`,
        'At 0:15–1:27 of the call',
      ]),
    );
    expect(complaint.slice(12, 38)).toBe('my bag arrived torn open a');
    const comments = within(detail).getAllByTestId('review-comment');
    expect(comments[0]!.textContent).toContain('About “Shows empathy”');
    expect(comments[0]!.textContent).toContain('Good apology.');
  });

  it('disputes a criterion with a trimmed comment: the exact op, then the dispute instead of the button', async () => {
    renderQa(<MyReviewsTab />, { db, connection, agentId: AGENT, role: 'agent' });
    const detail = await openReview(REVIEW_X);
    const empathy = within(detail).getByTestId('criterion-empathy');
    await userEvent.click(within(empathy).getByTestId('dispute-button'));
    expect(document.activeElement).toBe(within(empathy).getByTestId('dispute-comment'));

    await userEvent.click(within(empathy).getByTestId('send-dispute'));
    expect(within(empathy).getByRole('alert').textContent).toBe(
      'Say why you dispute this rating: write a comment, then send it.',
    );
    await userEvent.type(within(empathy).getByTestId('dispute-comment'), '   ');
    await userEvent.click(within(empathy).getByTestId('send-dispute'));
    expect(within(empathy).getByRole('alert')).toBeTruthy();
    expect(connection.ops()).toHaveLength(0);

    await userEvent.type(within(empathy).getByTestId('dispute-comment'), 'I apologised twice and offered a DM.  ');
    await userEvent.click(within(empathy).getByTestId('send-dispute'));
    await waitFor(() => expect(connection.ops()).toHaveLength(1));
    const [op] = connection.ops();
    expect(op).toEqual({
      type: 'dispute.open',
      payload: {
        disputeId: expect.stringMatching(UUID) as string,
        reviewId: REVIEW_X,
        criterionId: 'empathy',
        comment: 'I apologised twice and offered a DM.',
      },
      baseVersion: undefined,
    });

    // The optimistic dispute shows in place of the button, waiting in the outbox.
    const dispute = await within(empathy).findByTestId('criterion-dispute');
    expect(dispute.dataset.status).toBe('open');
    const steps = within(dispute).getAllByTestId('dispute-step');
    expect(steps).toHaveLength(1);
    expect(steps[0]!.textContent).toContain('Opened by Ann Agent');
    expect(steps[0]!.textContent).toContain('I apologised twice and offered a DM.');
    expect(within(dispute).getByTestId('dispute-waiting')).toBeTruthy();
    expect(within(empathy).queryByTestId('dispute-button')).toBeNull();
    expect(within(empathy).queryByTestId('dispute-form')).toBeNull();
    // Other criteria can still be disputed.
    expect(within(within(detail).getByTestId('criterion-pii')).getByTestId('dispute-button')).toBeTruthy();
  });

  it('refuses a comment over 5,000 characters with a sentence, keeping it', async () => {
    renderQa(<MyReviewsTab />, { db, connection, agentId: AGENT, role: 'agent' });
    const detail = await openReview(REVIEW_X);
    const pii = within(detail).getByTestId('criterion-pii');
    await userEvent.click(within(pii).getByTestId('dispute-button'));
    const field = within(pii).getByTestId<HTMLTextAreaElement>('dispute-comment');
    await userEvent.click(field);
    await userEvent.paste('x'.repeat(5001));
    await userEvent.click(within(pii).getByTestId('send-dispute'));
    expect(within(pii).getByRole('alert').textContent).toBe(
      'The comment is 5,001 characters long; shorten it to 5,000 or fewer.',
    );
    expect(field.value).toHaveLength(5001);
    expect(connection.ops()).toHaveLength(0);
  });

  it('keeps the comment when the dispute cannot be queued', async () => {
    connection.failNext = new Error('The disk is full.');
    renderQa(<MyReviewsTab />, { db, connection, agentId: AGENT, role: 'agent' });
    const detail = await openReview(REVIEW_X);
    const pii = within(detail).getByTestId('criterion-pii');
    await userEvent.click(within(pii).getByTestId('dispute-button'));
    await userEvent.type(within(pii).getByTestId('dispute-comment'), 'Nothing personal was posted.');
    await userEvent.click(within(pii).getByTestId('send-dispute'));
    expect((await within(pii).findByRole('alert')).textContent).toBe(
      'Not queued: The disk is full. Your comment is still here.',
    );
    expect(within(pii).getByTestId<HTMLTextAreaElement>('dispute-comment').value).toBe('Nothing personal was posted.');
  });

  it('does not offer a second dispute while one is open; a decided one shows every step and the rating change', async () => {
    await db.disputes.bulkPut([
      {
        id: 'd-open',
        reviewId: REVIEW_X,
        criterionId: 'greeting',
        agentId: AGENT,
        status: 'open',
        steps: [step('opened', AGENT, 'I used his name.', '2026-11-22T08:00:00.000Z')],
        createdAt: '2026-11-22T08:00:00.000Z',
        decidedAt: null,
      },
      {
        id: 'd-done',
        reviewId: REVIEW_X,
        criterionId: 'empathy',
        agentId: AGENT,
        status: 'partly_accepted',
        steps: [
          step('opened', AGENT, 'I apologised.', '2026-11-22T08:00:00.000Z'),
          step('partly_accepted', LEAD, 'Fair, but a bit short.', '2026-11-22T10:00:00.000Z', { from: 3, to: 4 }),
        ],
        createdAt: '2026-11-22T08:00:00.000Z',
        decidedAt: '2026-11-22T10:00:00.000Z',
      },
      {
        id: 'd-theirs',
        reviewId: REVIEW_OTHER,
        criterionId: 'pii',
        agentId: AGENT_2,
        status: 'open',
        steps: [step('opened', AGENT_2, 'Not mine', '2026-11-22T08:00:00.000Z')],
      },
    ]);
    renderQa(<MyReviewsTab />, { db, connection, agentId: AGENT, role: 'agent' });
    expect((await screen.findAllByTestId('my-review-item'))[0]!.textContent).toContain('1 dispute open');
    const detail = await openReview(REVIEW_X);

    const greeting = within(detail).getByTestId('criterion-greeting');
    expect(within(greeting).queryByTestId('dispute-button')).toBeNull();
    expect(within(greeting).getByTestId('criterion-dispute').textContent).toContain('Dispute: Open');
    expect(within(greeting).getByTestId('dispute-step').textContent).toContain('I used his name.');

    const empathy = within(detail).getByTestId('criterion-empathy');
    const steps = within(empathy).getAllByTestId('dispute-step');
    expect(steps.map((s) => s.dataset.kind)).toEqual(['opened', 'partly_accepted']);
    expect(steps[1]!.textContent).toContain('Partly accepted by Lee Lead');
    expect(steps[1]!.textContent).toContain('Fair, but a bit short.');
    expect(within(steps[1]!).getByTestId('dispute-step-change').textContent).toBe(
      'Rating changed from 3 of 5 to 4 of 5',
    );
    // Decided: the agent may dispute it again.
    expect(within(empathy).getByTestId('dispute-button')).toBeTruthy();
    // Only this review's disputes.
    expect(within(detail).getAllByTestId('criterion-dispute')).toHaveLength(2);
  });

  it('shows a dispute the server refused, and starts a new one from what the agent wrote', async () => {
    const op: Op = {
      opId: '0190a5e0-0000-4000-8000-0000000000f1',
      clientId: '0190a5e0-0000-4000-8000-0000000000f2',
      seq: 4,
      createdAt: '2026-11-22T08:00:00.000Z',
      type: 'dispute.open',
      payload: {
        disputeId: '0190a5e0-0000-4000-8000-0000000000f3',
        reviewId: REVIEW_X,
        criterionId: 'pii',
        comment: 'Only the first name was posted.',
      },
    };
    await db.syncIssues.put({ id: 'issue-1', op, reason: 'stale', detail: 'Wait for the lead.', createdAt: 1 });
    renderQa(<MyReviewsTab />, { db, connection, agentId: AGENT, role: 'agent' });
    const detail = await openReview(REVIEW_X);
    const pii = within(detail).getByTestId('criterion-pii');
    expect(within(pii).getByTestId('dispute-refused').textContent).toContain('Only the first name was posted.');
    await userEvent.click(within(pii).getByTestId('dispute-button'));
    expect(within(pii).getByTestId<HTMLTextAreaElement>('dispute-comment').value).toBe(
      'Only the first name was posted.',
    );
  });

  it('lists criteria by id when the scorecard version is not on this computer, and they can still be disputed', async () => {
    renderQa(<MyReviewsTab />, { db, connection, agentId: AGENT, role: 'agent' });
    const detail = await openReview(REVIEW_V3);
    expect(within(detail).getByTestId('scorecard-missing')).toBeTruthy();
    expect(within(detail).getByTestId('review-scorecard').textContent).toBe('version 3');
    expect(within(within(detail).getByTestId('criterion-empathy')).getByTestId('criterion-rating').textContent).toBe(
      '3',
    );
    await userEvent.click(within(within(detail).getByTestId('criterion-empathy')).getByTestId('dispute-button'));
    await userEvent.type(screen.getByTestId('dispute-comment'), 'Kind words throughout.{Control>}{Enter}{/Control}');
    await waitFor(() => expect(connection.ops('dispute.open')).toHaveLength(1));
    expect(connection.ops()[0]!.payload).toMatchObject({ reviewId: REVIEW_V3, criterionId: 'empathy' });
  });
});
