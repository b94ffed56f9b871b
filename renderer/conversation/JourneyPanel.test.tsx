import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SyncDb } from '../sync/db';
import { FakeConnection, openDb, renderView, seed } from './testKit';

describe('Customer journey', () => {
  let db: SyncDb;
  let connection: FakeConnection;
  beforeEach(async () => {
    db = openDb();
    connection = new FakeConnection(db);
    await seed(db);
  });
  afterEach(async () => {
    cleanup();
    db.close();
    await db.delete();
  });

  it('lists every conversation of the customer across channels, newest first, and opens one', async () => {
    const onOpenConversation = vi.fn();
    renderView(db, connection, { onOpenConversation });
    const journey = await screen.findByTestId('journey');
    await waitFor(() => expect(within(journey).getAllByTestId('journey-item')).toHaveLength(4));
    const items = within(journey).getAllByTestId('journey-item');
    expect(items.map((i) => i.dataset.conversationId)).toEqual(['conv-x', 'conv-dm', 'conv-call', 'conv-mail']);
    expect(items[0]!.textContent).toContain('This conversation');
    expect(items[2]!.textContent).toContain('Phone call');
    // No subject: the first words of the first message stand in.
    expect(items[2]!.textContent).toContain('Hi, my suitcase never arrived');
    expect(items[3]!.textContent).toContain('Lost bag on SK101');
    expect(items[3]!.textContent).toContain('Resolved · Information given');

    await userEvent.click(within(items[3]!).getByRole('button'));
    expect(onOpenConversation).toHaveBeenCalledWith('conv-mail');
  });

  it('shows profile fields and identities with their evidence, as text', async () => {
    renderView(db, connection);
    const journey = await screen.findByTestId('journey');
    const profile = await within(journey).findByTestId('customer-profile');
    expect(profile.textContent).toContain('Tier');
    expect(profile.textContent).toContain('Gold');
    expect(profile.textContent).toContain('Home airport');
    const identities = await within(journey).findAllByTestId('identity');
    expect(identities).toHaveLength(2);
    const x = identities.find((i) => i.dataset.identityId === 'id-x')!;
    expect(x.textContent).toContain('X @jordanm');
    expect(x.textContent).toContain('12.3k followers');
    expect(x.textContent).toContain('Type: Same name');
    expect(x.textContent).toContain('Handle: @jordanm');
  });

  it('unlinks an identity through the outbox', async () => {
    renderView(db, connection);
    await userEvent.click(await screen.findByRole('button', { name: 'Unlink Email jordan@example.com' }));
    await waitFor(() => expect(connection.ops()).toHaveLength(1));
    expect(connection.ops()[0]).toMatchObject({ type: 'customer.unlink', payload: { identityId: 'id-mail' } });
    // The optimistic effect marks it while the server splits it off.
    expect(await screen.findByText('Unlinking…')).toBeTruthy();
  });

  it('links or refuses a suggested customer record, showing the evidence', async () => {
    renderView(db, connection);
    const suggestion = await screen.findByTestId('link-suggestion');
    expect(screen.getAllByTestId('link-suggestion')).toHaveLength(1); // decided ones are not asked again
    expect(suggestion.textContent).toContain('J. Miles');
    expect(suggestion.textContent).toContain('Type: Mentioned email');
    expect(suggestion.textContent).toContain('Value: jordan@example.com');
    await userEvent.click(within(suggestion).getByRole('button', { name: 'Link J. Miles' }));
    await waitFor(() => expect(connection.ops()).toHaveLength(1));
    expect(connection.ops()[0]).toMatchObject({ type: 'customer.link', payload: { suggestionId: 'sug-1' } });
    // Confirmed: it leaves the list.
    await waitFor(() => expect(screen.queryByTestId('link-suggestion')).toBeNull());

    await db.suggestions.put({
      id: 'sug-2',
      customerId: 'cust-9',
      otherCustomerId: 'cust-1',
      evidence: [{ type: 'same_name', value: 'Jordan Miles' }],
      status: 'pending',
    });
    const other = await screen.findByTestId('link-suggestion');
    expect(other.textContent).toContain('Another customer record');
    await userEvent.click(within(other).getByRole('button', { name: 'Not the same person' }));
    await waitFor(() => expect(connection.ops()).toHaveLength(2));
    expect(connection.ops()[1]).toMatchObject({ type: 'customer.refuse_link', payload: { suggestionId: 'sug-2' } });
  });
});
