import 'fake-indexeddb/auto';
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAppStore, StoreContext } from '../store/store';
import { SyncDb } from '../sync/db';
import type { SyncConnection } from '../sync/syncConnection';
import { SyncContext } from '../sync/ui/syncContext';
import { Offers } from './Offers';

describe('Offers', () => {
  let db: SyncDb;
  afterEach(async () => {
    cleanup();
    db.close();
    await db.delete();
  });

  it('shows a call offered to this agent with a countdown, and accepting opens it', async () => {
    db = new SyncDb(`offers-${crypto.randomUUID()}`);
    const expiresAt = new Date(Date.now() + 20_000).toISOString();
    await db.offers.bulkPut([
      { id: 'o1', conversationId: 'call-1', agentId: 'me', status: 'pending', expiresAt },
      { id: 'o2', conversationId: 'call-2', agentId: 'someone', status: 'pending', expiresAt },
      { id: 'o3', conversationId: 'call-3', agentId: 'me', status: 'expired', expiresAt },
    ]);
    await db.conversations.bulkPut([
      { id: 'call-1', channel: 'voice', status: 'offered', assignedAgentId: 'me', customerId: 'cu1', subject: null },
      { id: 'call-2', channel: 'voice', status: 'offered', assignedAgentId: 'someone', customerId: 'cu1' },
      { id: 'call-3', channel: 'voice', status: 'offered', assignedAgentId: 'me', customerId: 'cu1' },
    ]);
    await db.customers.put({ id: 'cu1', displayName: '<b>Ola</b> Nordmann' });
    const enqueue = vi.fn(() => Promise.resolve({ opId: 'x', seq: 1 }));
    const store = createAppStore();
    render(
      <StoreContext.Provider value={store}>
        <SyncContext.Provider value={{ connection: { enqueue } as unknown as SyncConnection, db, agentId: 'me' }}>
          <Offers />
        </SyncContext.Provider>
      </StoreContext.Provider>,
    );
    const offer = await screen.findByTestId('offer');
    expect(offer.textContent).toContain('Incoming call from <b>Ola</b> Nordmann');
    expect(screen.getAllByTestId('offer')).toHaveLength(1);
    expect(screen.getByTestId('offer-countdown').textContent).toMatch(/^(19|20) s left/);
    await userEvent.setup().click(screen.getByTestId('offer-accept'));
    expect(enqueue).toHaveBeenCalledWith('offer.accept', { conversationId: 'call-1' });
    expect(store.getState().openConversationId).toBe('call-1');
  });
});
