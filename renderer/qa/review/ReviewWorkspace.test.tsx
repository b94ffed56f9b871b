import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ShortcutsContext } from '../../shortcuts/useCommands';
import { useShortcutRegistry } from '../../shortcuts/useShortcutRegistry';
import type { SyncDb } from '../../sync/db';
import { AGENT, FakeConnection, LEAD, SCORECARD, openQaDb, renderQa, seedQa } from '../qaTestKit';
import type { ReviewTarget } from '../../store/qaSlice';
import { ReviewWorkspace } from './ReviewWorkspace';

function WithKeys({ children }: { children: ReactNode }) {
  const registry = useShortcutRegistry(true);
  return <ShortcutsContext.Provider value={registry}>{children}</ShortcutsContext.Provider>;
}

const callTarget: ReviewTarget = { conversationId: 'conv-call', scorecardId: 'card-social', scorecardVersion: 2 };
const xTarget: ReviewTarget = { conversationId: 'conv-x', scorecardId: 'card-social', scorecardVersion: 2 };

/** The server's automatic checks: unreachable unless a test answers. */
const offline = () => vi.fn(() => Promise.reject(new TypeError('Failed to fetch')));

describe('ReviewWorkspace', () => {
  let db: SyncDb;
  let connection: FakeConnection;
  beforeEach(async () => {
    db = openQaDb();
    await seedQa(db);
    connection = new FakeConnection(db, LEAD);
    vi.stubGlobal('fetch', offline());
  });
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
    db.close();
  });

  const open = (target = callTarget) =>
    renderQa(
      <WithKeys>
        <ReviewWorkspace target={target} />
      </WithKeys>,
      { db, connection },
    );

  it('shows the call transcript with speakers and times, and asks only the criteria that apply', async () => {
    open();
    const messages = await screen.findAllByTestId('review-message');
    expect(messages).toHaveLength(4);
    expect(screen.getAllByTestId('segment-time').map((t) => t.textContent)).toEqual(['0:00', '0:15', '0:30', '0:45']);
    expect(screen.getByTestId('review-scorecard').textContent).toContain('Customer care, version 2');
    // Phone script applies to a call; no personal data in public does not (no public post).
    expect(screen.getByTestId('rate-script-2')).toBeTruthy();
    expect(screen.queryByTestId('rate-pii-yes')).toBeNull();
    expect(within(screen.getByTestId('criterion-pii')).getByText(/Does not apply/)).toBeTruthy();
  });

  it('saves each rating as a review.save op and computes the score live', async () => {
    open();
    await waitFor(() => expect(screen.getByTestId('auto-greeting').textContent).toMatch(/Automatic: No/));
    fireEvent.click(screen.getByTestId('rate-empathy-4'));
    await waitFor(() => expect(connection.ops('review.save')).toHaveLength(1));
    const first = connection.ops('review.save')[0]!;
    expect(first.baseVersion).toBeUndefined();
    expect(first.payload).toMatchObject({
      conversationId: 'conv-call',
      scorecardId: 'card-social',
      scorecardVersion: 2,
      ratings: { empathy: 4 },
      feedback: '',
    });
    // Offline, the greeting is decided here: the agent's last turn has no closing, so No (0 points).
    // With 4 of 5 = 75 points at weight 2: (0 + 2×75) / 3 = 50.
    expect(first.payload.ratings).toEqual({ greeting: 'no', empathy: 4 });
    await waitFor(() => expect(screen.getByTestId('live-score').textContent).toBe('50'));
    fireEvent.click(screen.getByTestId('rate-script-1'));
    // (0 + 2×75 + 0) / 4 = 37.5, shown rounded; the same review id, every rating sent whole.
    await waitFor(() => expect(screen.getByTestId('live-score').textContent).toBe('38'));
    const second = connection.ops('review.save')[1]!;
    expect(second.payload).toMatchObject({ reviewId: first.payload.reviewId });
    expect(second.payload.ratings).toEqual({ greeting: 'no', empathy: 4, script: 1 });
  });

  it('is driven by keys: next criterion, a point of the scale, N/A, yes and no', async () => {
    open(xTarget);
    await screen.findAllByTestId('review-message');
    // Offline: tone and personal data are decided on this screen.
    await waitFor(() => expect(screen.getByTestId('auto-pii').textContent).toMatch(/Automatic: Yes/));
    expect(screen.getByTestId('criterion-greeting').dataset.focused).toBe('true');
    fireEvent.keyDown(window, { key: 'n' });
    await waitFor(() => expect(connection.ops('review.save')).toHaveLength(1));
    expect(screen.getByTestId('criterion-empathy').dataset.focused).toBe('true');
    fireEvent.keyDown(window, { key: '5' });
    await waitFor(() => expect(connection.ops('review.save')).toHaveLength(2));
    fireEvent.keyDown(window, { key: 'k' });
    fireEvent.keyDown(window, { key: 'k' });
    expect(screen.getByTestId('criterion-greeting').dataset.focused).toBe('true');
    fireEvent.keyDown(window, { key: '0' });
    await waitFor(() => expect(connection.ops('review.save')).toHaveLength(3));
    // The phone script does not apply to an X thread: the automatic pii result is kept.
    expect(connection.ops('review.save')[2]!.payload.ratings).toEqual({ greeting: 'na', empathy: 5, pii: 'yes' });
    expect(screen.getByTestId('live-score').textContent).toBe('100');
  });

  it('anchors comments to a span of the call and to a range of a message’s text', async () => {
    open();
    const lines = await screen.findAllByTestId('review-message');
    fireEvent.mouseUp(lines[1]!);
    fireEvent.mouseUp(lines[3]!, { shiftKey: true });
    expect(screen.getByTestId('comment-target').textContent).toBe('Comment on: Call 0:15–0:57');
    fireEvent.change(screen.getByTestId('comment-body'), {
      target: { value: 'Offer the rebooking before the apology.' },
    });
    fireEvent.click(screen.getByTestId('add-comment'));
    await waitFor(() => expect(connection.ops('review.comment')).toHaveLength(1));
    // The review did not exist yet: it is saved first, in the same outbox.
    expect(connection.enqueued.map((e) => e.type)).toEqual(['review.save', 'review.comment']);
    expect(connection.ops('review.comment')[0]!.payload).toMatchObject({
      anchor: { kind: 'time', startMs: 15_000, endMs: 57_000 },
      body: 'Offer the rebooking before the apology.',
    });
    await waitFor(() => expect(screen.getAllByTestId('transcript-comment')).toHaveLength(1));

    // A range of text: select "nobody told me" in the first line.
    const body = lines[0]!.querySelector('.rv-body')!;
    const text = body.firstChild!;
    const start = text.textContent!.indexOf('nobody told me');
    const range = document.createRange();
    range.setStart(text, start);
    range.setEnd(text, start + 'nobody told me'.length);
    document.getSelection()!.removeAllRanges();
    document.getSelection()!.addRange(range);
    fireEvent.mouseUp(lines[0]!);
    expect(screen.getByTestId('comment-target').textContent).toBe('Comment on: “nobody told me”');
    fireEvent.change(screen.getByTestId('comment-criterion'), { target: { value: 'empathy' } });
    fireEvent.change(screen.getByTestId('comment-body'), { target: { value: 'Acknowledge this.' } });
    fireEvent.click(screen.getByTestId('add-comment'));
    await waitFor(() => expect(connection.ops('review.comment')).toHaveLength(2));
    expect(connection.ops('review.comment')[1]!.payload).toMatchObject({
      anchor: { kind: 'text', messageId: 'm-c1', start, end: start + 14 },
      criterionId: 'empathy',
    });
    await waitFor(() => expect(screen.getAllByTestId('comment-mark')[0]!.textContent).toBe('nobody told me'));
  });

  it('prefills automatic criteria from the server with their evidence, and the lead overrides them', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(() =>
        Promise.resolve(
          new Response(
            JSON.stringify({
              checks: [
                {
                  criterionId: 'greeting',
                  check: 'tone_template',
                  rating: 'no',
                  verdict: 'no',
                  evidence: 'No greeting in the public reply.',
                  messageIds: ['m-x2'],
                },
              ],
            }),
            { status: 200, headers: { 'content-type': 'application/json' } },
          ),
        ),
      ),
    );
    open(xTarget);
    await waitFor(() => expect(screen.getByTestId('auto-greeting').textContent).toContain('No greeting'));
    expect(screen.getByTestId('criterion-greeting').dataset.rating).toBe('no');
    expect(vi.mocked(fetch).mock.calls[0]![0] as string).toBe(
      'http://127.0.0.1:9/api/qa/conversations/conv-x/auto-checks?scorecardId=card-social&version=2',
    );
    // The evidence's message is marked while the criterion has the focus.
    expect(document.querySelector('[data-message-id="m-x2"]')!.className).toContain('rv-evidence');
    fireEvent.click(screen.getByTestId('rate-greeting-yes'));
    await waitFor(() => expect(screen.getByTestId('auto-greeting').textContent).toContain('Changed by the lead'));
  });

  it('submits what the lead sees, and then shows the review read-only with the version it was scored with', async () => {
    // The server decided no criterion: nothing is rated until the lead rates.
    vi.stubGlobal(
      'fetch',
      vi.fn(() => Promise.resolve(new Response(JSON.stringify({ checks: [] }), { status: 200 }))),
    );
    open();
    fireEvent.click(await screen.findByTestId('submit-review'));
    expect((await screen.findByTestId('review-problem')).textContent).toContain('Rate at least one criterion');
    fireEvent.click(screen.getByTestId('rate-empathy-3'));
    fireEvent.change(screen.getByTestId('review-feedback'), { target: { value: 'Good recovery.' } });
    await act(async () => {
      fireEvent.click(screen.getByTestId('submit-review'));
      await Promise.resolve();
    });
    await waitFor(() => expect(connection.ops('review.submit')).toHaveLength(1));
    const saves = connection.ops('review.save');
    expect(saves[saves.length - 1]!.payload).toMatchObject({ ratings: { empathy: 3 }, feedback: 'Good recovery.' });
    await waitFor(() => expect(screen.queryByTestId('submit-review')).toBeNull());
    expect(screen.getByTestId('feedback-read').textContent).toBe('Good recovery.');
    expect(within(screen.getByTestId('criterion-empathy')).getByTestId('rating-read').textContent).toBe('3 of 5');
  });

  it('will not submit without the criteria that cannot be left out, and goes to the first of them', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(() => Promise.resolve(new Response(JSON.stringify({ checks: [] }), { status: 200 }))),
    );
    open();
    fireEvent.click(await screen.findByTestId('rate-script-2'));
    fireEvent.click(screen.getByTestId('submit-review'));
    expect((await screen.findByTestId('review-problem')).textContent).toBe(
      'Rate “Shows empathy” before submitting (cannot be not applicable).',
    );
    expect(screen.getByTestId('criterion-empathy').dataset.focused).toBe('true');
    expect(connection.ops('review.submit')).toEqual([]);
  });

  it('names the version a past review was scored with, not the newest', async () => {
    await db.reviews.put({
      id: 'rev-old',
      conversationId: 'conv-call',
      agentId: AGENT,
      reviewerId: LEAD,
      scorecardId: SCORECARD.scorecardId,
      scorecardVersion: 1,
      ratings: { empathy: 2 },
      feedback: '',
      comments: [],
      score: 25,
      status: 'submitted',
      version: 3,
    });
    open({ ...callTarget, reviewId: 'rev-old' });
    await waitFor(() =>
      expect(screen.getByTestId('review-scorecard').textContent).toContain('Customer care (old), version 1'),
    );
    expect(screen.getByTestId('live-score').textContent).toBe('25');
  });

  it('sends the review’s version for compare-and-set once the server has it', async () => {
    await db.reviews.put({
      id: 'rev-1',
      conversationId: 'conv-call',
      agentId: AGENT,
      reviewerId: LEAD,
      scorecardId: SCORECARD.scorecardId,
      scorecardVersion: 2,
      ratings: { empathy: 2 },
      feedback: 'So far',
      comments: [],
      score: 25,
      status: 'draft',
      version: 4,
    });
    open(callTarget);
    fireEvent.click(await screen.findByTestId('rate-script-3'));
    await waitFor(() => expect(connection.ops('review.save')).toHaveLength(1));
    expect(connection.ops('review.save')[0]).toMatchObject({
      baseVersion: 4,
      payload: { reviewId: 'rev-1', ratings: { empathy: 2, script: 3 }, feedback: 'So far' },
    });
  });
});
