import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Op } from '../../shared/protocol';
import { createAppStore, StoreContext } from '../store/store';
import { SyncDb } from '../sync/db';
import type { SyncConnection } from '../sync/syncConnection';
import { SyncContext } from '../sync/ui/syncContext';
import { workerStatus } from '../test/workerStatus';
import { scorecardRow } from '../qa/qaTestKit';
import { SyncPanel } from './SyncPanel';

const reply = (conversationId: string): Op => ({
  opId: '0190a5e0-0000-7000-8000-000000000001',
  clientId: 'c1',
  seq: 4,
  type: 'conversation.reply',
  payload: {
    conversationId,
    messageId: '0190a5e0-0000-4000-8000-000000000002',
    body: 'Your refund is on its way',
    visibility: 'private',
  },
  createdAt: '2026-11-25T10:00:00.000Z',
});

describe('SyncPanel', () => {
  let db: SyncDb;
  afterEach(async () => {
    cleanup();
    db.close();
    await db.delete();
  });

  it('shows a review another lead changed first beside theirs, and keeps either', async () => {
    db = new SyncDb(`panel-${crypto.randomUUID()}`);
    const reviewId = '0190a5e0-0000-4000-8000-0000000000aa';
    const save: Op = {
      opId: '0190a5e0-0000-7000-8000-0000000000ab',
      clientId: 'c1',
      seq: 7,
      type: 'review.save',
      baseVersion: 2,
      payload: {
        reviewId,
        conversationId: 'conv-call',
        scorecardId: 'card-social',
        scorecardVersion: 2,
        ratings: { empathy: 5, script: 3 },
        feedback: 'Mine',
      },
      createdAt: '2026-11-25T10:00:00.000Z',
    };
    await db.syncIssues.put({ id: 'op-7', op: save, reason: 'version_conflict', createdAt: 1 });
    await db.scorecards.put(scorecardRow());
    await db.agents.put({ id: 'lead-kim', name: 'Kim Lead' });
    await db.reviews.put({
      id: reviewId,
      conversationId: 'conv-call',
      reviewerId: 'lead-kim',
      scorecardId: 'card-social',
      scorecardVersion: 2,
      ratings: { empathy: 2, script: 3 },
      feedback: 'Theirs',
      status: 'draft',
      version: 3,
    });
    const issue = vi.fn(() => Promise.resolve());
    render(
      <StoreContext.Provider value={createAppStore()}>
        <SyncContext.Provider value={{ connection: { issue } as unknown as SyncConnection, db, agentId: 'lead-lee' }}>
          <SyncPanel onClose={() => undefined} />
        </SyncContext.Provider>
      </StoreContext.Provider>,
    );
    const conflict = await screen.findByTestId('review-conflict');
    expect(conflict.querySelector('caption')!.textContent).toBe(
      'Your review against the version saved by Kim Lead (version 3)',
    );
    // Only what differs, then feedback and the score each gives: mine (2×100 + 100) / 3, theirs (2×25 + 100) / 3.
    expect(within(conflict).getByTestId('conflict-empathy').textContent).toBe('Shows empathy5 of 52 of 5');
    expect(within(conflict).queryByTestId('conflict-script')).toBeNull();
    expect(within(conflict).getByTestId('conflict-score-mine').textContent).toBe('100');
    expect(within(conflict).getByTestId('conflict-score-theirs').textContent).toBe('50');
    const user = userEvent.setup();
    await user.click(within(conflict).getByTestId('keep-mine'));
    expect(issue).toHaveBeenLastCalledWith('keep_mine', 'op-7', undefined);
    await user.click(within(conflict).getByTestId('keep-theirs'));
    expect(issue).toHaveBeenLastCalledWith('discard', 'op-7', undefined);
  });

  it('lists refused actions with the reason and sends the action the agent picks', async () => {
    db = new SyncDb(`panel-${crypto.randomUUID()}`);
    await db.syncIssues.put({
      id: 'op-1',
      op: reply('conv-old'),
      reason: 'not_assignee',
      detail: 'Now with Sam Ortiz',
      createdAt: 1,
    });
    await db.conversations.bulkPut([
      { id: 'conv-old', assignedAgentId: 'someone-else', subject: 'Old thread' },
      { id: 'conv-new', assignedAgentId: 'a1', subject: 'Refund, again' },
    ]);
    const issue = vi.fn(() => Promise.resolve());
    const connection = { issue } as unknown as SyncConnection;
    const store = createAppStore();
    store
      .getState()
      .setSyncStatus(workerStatus({ issues: 1, storage: { persisted: false, usage: null, quota: null } }));
    render(
      <StoreContext.Provider value={store}>
        <SyncContext.Provider value={{ connection, db, agentId: 'a1' }}>
          <SyncPanel onClose={() => undefined} />
        </SyncContext.Provider>
      </StoreContext.Provider>,
    );
    const item = await screen.findByTestId('sync-issue');
    expect(item.textContent).toContain(
      'Private reply: “Your refund is on its way” was not applied: the conversation is no longer yours (Now with Sam Ortiz).',
    );
    expect(screen.getByTestId('sync-not-persisted').textContent).toContain('may clear offline data');

    const user = userEvent.setup();
    await user.click(within(item).getByRole('button', { name: 'Keep as draft' }));
    expect(issue).toHaveBeenLastCalledWith('draft', 'op-1', undefined);
    // Only the agent's own other conversations are offered as a new home for the reply.
    const forward = within(item).getByRole('combobox', { name: 'Send it on another conversation' });
    expect(
      within(forward)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['Send on another conversation…', 'Refund, again']);
    await user.selectOptions(forward, 'conv-new');
    expect(issue).toHaveBeenLastCalledWith('forward', 'op-1', 'conv-new');
    await user.click(within(item).getByRole('button', { name: 'Discard' }));
    expect(issue).toHaveBeenLastCalledWith('discard', 'op-1', undefined);
  });
});
