import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SyncDb } from '../sync/db';
import { FakeConnection, openDb, renderView, seed } from './testKit';

describe('Wrap-up and handing on', () => {
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

  it('asks for an outcome, then wraps up with the disposition and notes', async () => {
    renderView(db, connection);
    await userEvent.click(await screen.findByTestId('wrap-up'));
    expect((await screen.findByTestId('handling-error')).textContent).toBe('Choose an outcome before wrapping up.');
    expect(connection.ops()).toHaveLength(0);

    await userEvent.selectOptions(screen.getByTestId('wrap-up-disposition'), 'refund_issued');
    await userEvent.type(screen.getByLabelText('Wrap-up notes (optional)'), 'Refund of 120 EUR');
    await userEvent.click(screen.getByTestId('wrap-up'));
    await waitFor(() => expect(connection.ops()).toHaveLength(1));
    expect(connection.ops()[0]).toMatchObject({
      type: 'conversation.wrap_up',
      payload: { conversationId: 'conv-x', disposition: 'refund_issued', notes: 'Refund of 120 EUR' },
    });
    // The optimistic effect shows it wrapped up; resolving is the next step.
    expect((await screen.findByTestId('wrapped-as')).textContent).toContain('“Refund issued”');
    const onClosed = vi.fn();
    cleanup();
    renderView(db, connection, { onClosed });
    await userEvent.click(await screen.findByTestId('resolve'));
    await waitFor(() => expect(onClosed).toHaveBeenCalled());
    expect(connection.ops().map((o) => o.type)).toEqual(['conversation.wrap_up', 'conversation.resolve']);
  });

  it('asks for an outcome on a call the phone system ended (in wrap-up without one)', async () => {
    await db.conversations.update('conv-call', { status: 'wrap_up', assignedAgentId: 'agent-dana' });
    renderView(db, connection, { conversationId: 'conv-call' });
    expect((await screen.findByTestId('wrapped-as')).textContent).toBe(
      'The call ended: choose an outcome, then resolve it.',
    );
  });

  it('“Wrap up and resolve” queues both, in order, then closes the view', async () => {
    const onClosed = vi.fn();
    renderView(db, connection, { onClosed });
    await userEvent.selectOptions(await screen.findByTestId('wrap-up-disposition'), 'information_given');
    await userEvent.click(screen.getByRole('button', { name: 'Wrap up and resolve' }));
    await waitFor(() => expect(onClosed).toHaveBeenCalled());
    expect(connection.ops()).toEqual([
      {
        type: 'conversation.wrap_up',
        payload: { conversationId: 'conv-x', disposition: 'information_given' },
        baseVersion: undefined,
      },
      { type: 'conversation.resolve', payload: { conversationId: 'conv-x' }, baseVersion: undefined },
    ]);
  });

  it('transfers to a skill queue with a note', async () => {
    const onClosed = vi.fn();
    renderView(db, connection, { onClosed });
    await userEvent.click(await screen.findByTestId('transfer'));
    const dialog = screen.getByRole('dialog', { name: 'Transfer conversation' });
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Transfer' }));
    expect(within(dialog).getByRole('alert').textContent).toBe('Choose a queue to transfer to.');

    const queue = within(dialog).getByTestId('transfer-queue');
    // Every skill any agent has.
    expect(
      within(queue)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['Choose a queue…', 'baggage', 'email', 'refunds', 'social', 'voice']);
    await userEvent.selectOptions(queue, 'refunds');
    await userEvent.type(within(dialog).getByLabelText(/Note for whoever takes it/), 'Wants a refund, not a voucher');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Transfer' }));
    await waitFor(() => expect(onClosed).toHaveBeenCalled());
    expect(connection.ops()[0]).toMatchObject({
      type: 'conversation.transfer',
      payload: {
        conversationId: 'conv-x',
        to: { kind: 'queue', skill: 'refunds' },
        note: 'Wants a refund, not a voucher',
      },
    });
  });

  it('transfers to a colleague; offline colleagues cannot be chosen', async () => {
    renderView(db, connection);
    await userEvent.click(await screen.findByTestId('transfer'));
    const dialog = screen.getByRole('dialog', { name: 'Transfer conversation' });
    await userEvent.click(within(dialog).getByRole('radio', { name: 'A colleague' }));
    const options = within(within(dialog).getByTestId('transfer-agent')).getAllByRole<HTMLOptionElement>('option');
    expect(options.map((o) => [o.textContent, o.disabled])).toEqual([
      ['Choose a colleague…', false],
      ['Maya Chen (available)', false],
      ['Sam Ortiz (offline)', true],
    ]);
    await userEvent.selectOptions(within(dialog).getByTestId('transfer-agent'), 'agent-maya');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Transfer' }));
    await waitFor(() => expect(connection.ops()).toHaveLength(1));
    expect(connection.ops()[0]!.payload).toEqual({
      conversationId: 'conv-x',
      to: { kind: 'agent', agentId: 'agent-maya' },
    });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('escalates to a department only with a note saying why', async () => {
    const onClosed = vi.fn();
    renderView(db, connection, { onClosed });
    await userEvent.click(await screen.findByTestId('escalate'));
    const dialog = screen.getByRole('dialog', { name: 'Escalate conversation' });
    await userEvent.selectOptions(within(dialog).getByTestId('escalate-department'), 'email');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Escalate' }));
    expect(within(dialog).getByRole('alert').textContent).toBe('Write a note saying why you escalate it.');
    expect(connection.ops()).toHaveLength(0);
    await userEvent.type(within(dialog).getByLabelText('Why (required)'), 'Legal threat in the DM');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Escalate' }));
    await waitFor(() => expect(onClosed).toHaveBeenCalled());
    expect(connection.ops()[0]).toMatchObject({
      type: 'conversation.escalate',
      payload: { conversationId: 'conv-x', department: 'email', note: 'Legal threat in the DM' },
    });
  });

  it('closes a dialog with Escape and sends nothing', async () => {
    renderView(db, connection);
    await userEvent.click(await screen.findByTestId('escalate'));
    expect(screen.getByRole('dialog')).toBeTruthy();
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(connection.ops()).toHaveLength(0);
  });
});
