import { act, cleanup, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SyncDb } from '../sync/db';
import { FakeConnection, openDb, renderView, seed } from './testKit';
import { CUSTOMER_TYPING_MS } from './useViewing';

describe('ConversationView', () => {
  let db: SyncDb;
  let connection: FakeConnection;
  beforeEach(async () => {
    sessionStorage.clear();
    db = openDb();
    connection = new FakeConnection(db);
    await seed(db);
  });
  afterEach(async () => {
    cleanup();
    db.close();
    await db.delete();
  });

  it('heads the conversation with the customer, channel, status, sentiment, reach and priority', async () => {
    const now = Date.now();
    await db.conversations.update('conv-x', {
      firstResponseDue: new Date(now + 3 * 60_000).toISOString(),
      lastInboundAt: '2026-11-25T09:10:00.000Z',
    });
    renderView(db, connection);
    expect((await screen.findByRole('heading', { level: 2, name: 'Jordan Miles' })).id).toBeTruthy();
    expect(screen.getByRole('article', { name: 'Jordan Miles' }).dataset.status).toBe('assigned');
    expect(screen.getByTestId('conversation-channel').textContent).toContain('X post');
    expect(screen.getByTestId('conversation-status').textContent).toBe('Status: Open');
    const sla = screen.getByTestId('conversation-sla');
    expect(sla.dataset.sla).toBe('warning');
    expect(sla.textContent).toContain('First response');
    const header = screen.getByTestId('conversation-header');
    expect(header.textContent).toContain('negative');
    expect(header.textContent).toContain('12.3k');
    expect(header.textContent).toContain('P3');
    expect(header.querySelector('time')?.getAttribute('dateTime')).toBe('2026-11-25T09:10:00.000Z');
  });

  it('is read-only, and says why, for a conversation held by another agent', async () => {
    renderView(db, connection, { conversationId: 'conv-dm' });
    expect((await screen.findByTestId('read-only')).textContent).toBe(
      'This conversation is with Maya Chen: you can read it, not act on it.',
    );
    expect(screen.queryByTestId('composer')).toBeNull();
    expect(screen.queryByTestId('wrap-up')).toBeNull();
    expect(screen.queryByTestId('transfer')).toBeNull();
    expect(screen.queryByRole('button', { name: /^Unlink/ })).toBeNull();
    expect(screen.queryByRole('button', { name: /^Link/ })).toBeNull();
  });

  it('is read-only once resolved, even for its agent', async () => {
    await db.conversations.update('conv-x', { status: 'resolved' });
    renderView(db, connection);
    expect((await screen.findByTestId('read-only')).textContent).toContain('resolved');
    expect(screen.queryByTestId('composer')).toBeNull();
  });

  it('tells the server it is viewed, and warns when a colleague views or types in it', async () => {
    const view = renderView(db, connection);
    await screen.findByTestId('composer');
    expect(connection.view).toHaveBeenCalledWith('conv-x', false);
    const warning = screen.getByTestId('collision-warning');
    expect(warning.getAttribute('role')).toBe('status');
    expect(warning.textContent).toBe('');

    act(() =>
      connection.collide({
        conversationId: 'conv-x',
        others: [{ agentId: 'agent-maya', name: 'Maya Chen', typing: false }],
      }),
    );
    expect(warning.textContent).toBe('Maya Chen is also viewing.');
    act(() =>
      connection.collide({
        conversationId: 'conv-x',
        others: [
          { agentId: 'agent-maya', name: 'Maya Chen', typing: true },
          { agentId: 'agent-sam', name: 'Sam Ortiz', typing: false },
        ],
      }),
    );
    expect(warning.textContent).toBe('Maya Chen is typing a reply. Sam Ortiz is also viewing.');
    // Another conversation's news is not this one's.
    act(() => connection.collide({ conversationId: 'conv-dm', others: [] }));
    expect(warning.textContent).toContain('Maya Chen');
    act(() => connection.collide({ conversationId: 'conv-x', others: [] }));
    expect(warning.textContent).toBe('');

    view.unmount();
    expect(connection.view).toHaveBeenLastCalledWith(null, false);
  });

  it('shows when the web chat visitor is typing, and drops it when they stop or go quiet', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      renderView(db, connection);
      await screen.findByTestId('composer');
      expect(screen.queryByTestId('customer-typing')).toBeNull();
      act(() => connection.collide({ conversationId: 'conv-x', others: [], customerTyping: true }));
      expect(screen.getByTestId('customer-typing').textContent).toBe('Jordan Miles is typing…');
      act(() => connection.collide({ conversationId: 'conv-x', others: [], customerTyping: false }));
      expect(screen.queryByTestId('customer-typing')).toBeNull();
      act(() => connection.collide({ conversationId: 'conv-x', others: [], customerTyping: true }));
      act(() => {
        vi.advanceTimersByTime(CUSTOMER_TYPING_MS + 10);
      });
      expect(screen.queryByTestId('customer-typing')).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it('offers an offered call to accept or decline', async () => {
    await db.conversations.update('conv-call', { status: 'offered', assignedAgentId: 'agent-dana' });
    const onClosed = vi.fn();
    renderView(db, connection, { conversationId: 'conv-call', onClosed });
    expect((await screen.findByTestId('conversation-offer')).textContent).toContain('This call is offered to you.');
    expect(screen.queryByTestId('composer')).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Accept' }));
    await waitFor(() => expect(connection.ops()).toHaveLength(1));
    expect(connection.ops()[0]).toMatchObject({ type: 'offer.accept', payload: { conversationId: 'conv-call' } });
    // Accepted (optimistically): the composer opens.
    expect(await screen.findByTestId('composer')).toBeTruthy();
    expect(screen.getByTestId('tone-name').textContent).toBe('Phone script');
    expect(onClosed).not.toHaveBeenCalled();
  });

  it('declining an offer closes the view', async () => {
    await db.conversations.update('conv-call', { status: 'offered', assignedAgentId: 'agent-dana' });
    const onClosed = vi.fn();
    renderView(db, connection, { conversationId: 'conv-call', onClosed });
    await userEvent.click(await screen.findByRole('button', { name: 'Decline' }));
    await waitFor(() => expect(onClosed).toHaveBeenCalled());
    expect(connection.ops()[0]).toMatchObject({ type: 'offer.decline', payload: { conversationId: 'conv-call' } });
  });

  it('says so when the conversation is not on this computer', async () => {
    const onClosed = vi.fn();
    renderView(db, connection, { conversationId: 'conv-gone', onClosed });
    expect((await screen.findByRole('status')).textContent).toContain('no longer on this computer');
    await userEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(onClosed).toHaveBeenCalled();
  });
});
