import 'fake-indexeddb/auto';
import { act, cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Role } from '../../shared/domain';
import { createAppStore, StoreContext } from '../store/store';
import { SyncDb } from '../sync/db';
import type { SyncConnection } from '../sync/syncConnection';
import { SyncContext } from '../sync/ui/syncContext';
import { SpikeAlertBanner } from './SpikeAlertBanner';

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

/** A spike alert as the server publishes it (server/channels/listening/spikeAlert.ts). */
function spikeAlert(id: string, overrides: Record<string, unknown> = {}) {
  return {
    id,
    kind: 'spike',
    conversationId: 'c-guitar',
    ruleId: 'rule-guitars',
    ruleName: 'skyward breaks guitars',
    message: 'Listening spike: "skyward breaks guitars" — 23 posts in 10 min, 6× the last hour',
    createdAt: minutesAgo(2),
    spike: {
      matches: 23,
      windowMinutes: 10,
      windowStart: minutesAgo(12),
      baselineMatches: 23,
      baselineMinutes: 60,
      ratio: 6,
      threshold: 15.3,
      sample: {
        channel: 'x_public',
        provider: 'x',
        providerMessageId: '190001',
        author: '@jessmarlowemusic',
        authorName: 'Jess Marlowe',
        followers: 1_850_000,
        text: 'Skyward breaks guitars <b>again</b> 🎸💔',
        occurredAt: minutesAgo(3),
      },
    },
    ...overrides,
  };
}

describe('SpikeAlertBanner', () => {
  let db: SyncDb;
  beforeEach(() => {
    localStorage.clear();
    db = new SyncDb(`alerts-${crypto.randomUUID()}`);
  });
  afterEach(async () => {
    cleanup();
    db.close();
    await db.delete();
  });

  function show(role: Role, agentId = 'lia') {
    const store = createAppStore();
    store.getState().setSession(
      {
        token: 't',
        serverUrl: 'http://127.0.0.1:4400',
        agent: { id: agentId, name: agentId, email: `${agentId}@demo.test`, role },
        expiresAt: new Date(Date.now() + 3600_000).toISOString(),
      },
      'memory_only',
      null,
    );
    const view = render(
      <StoreContext.Provider value={store}>
        <SyncContext.Provider value={{ connection: {} as SyncConnection, db, agentId }}>
          <SpikeAlertBanner />
        </SyncContext.Provider>
      </StoreContext.Provider>,
    );
    return { store, view };
  }

  it('shows a lead a new spike alert live from the mirror, with its sample post as text', async () => {
    await db.conversations.put({ id: 'c-guitar', channel: 'x_public', status: 'queued' });
    const { store } = show('lead');
    // Nothing yet; the alert arrives through sync while the workspace is open.
    expect(screen.queryByTestId('spike-alert')).toBeNull();
    await act(() => db.alerts.put(spikeAlert('a1')));
    const banner = await screen.findByTestId('spike-alert');
    expect(banner.getAttribute('role')).toBe('alert');
    expect(screen.getByTestId('spike-alert-message').textContent).toBe(
      'Listening spike: "skyward breaks guitars" — 23 posts in 10 min, 6× the last hour',
    );
    expect(screen.getByTestId('spike-alert-sample').textContent).toBe(
      '“Skyward breaks guitars <b>again</b> 🎸💔” — Jess Marlowe (@jessmarlowemusic), X post',
    );
    expect(banner.querySelector('b')).toBeNull();
    await userEvent.setup().click(screen.getByRole('button', { name: 'Open this post' }));
    expect(store.getState().openConversationId).toBe('c-guitar');
  });

  it('dismiss hides it, and it stays dismissed after the workspace is shown again', async () => {
    await db.alerts.bulkPut([spikeAlert('a1'), spikeAlert('a2', { ruleName: 'refunds', message: 'Refunds spike' })]);
    const first = show('admin', 'ada');
    expect(await screen.findAllByTestId('spike-alert')).toHaveLength(2);
    await userEvent
      .setup()
      .click(screen.getByRole('button', { name: 'Dismiss the spike alert for skyward breaks guitars' }));
    expect(screen.getAllByTestId('spike-alert').map((b) => b.textContent)).toEqual([
      expect.stringContaining('Refunds spike'),
    ]);
    first.view.unmount();

    show('admin', 'ada');
    const again = await screen.findAllByTestId('spike-alert');
    expect(again.map((b) => b.querySelector('strong')?.textContent)).toEqual(['Refunds spike']);
  });

  it('shows only spike alerts of the last hours, newest first, three at a time, and skips rows it cannot read', async () => {
    await db.alerts.bulkPut([
      spikeAlert('old', { createdAt: minutesAgo(7 * 60), message: 'too old' }),
      {
        id: 'l1',
        kind: 'listening',
        conversationId: null,
        ruleId: 'r',
        message: 'one post matched',
        createdAt: minutesAgo(1),
      },
      { id: 'broken', kind: 'spike', message: 'no figures', createdAt: minutesAgo(1) },
      ...[5, 4, 3, 2, 1].map((m) => spikeAlert(`s${m}`, { createdAt: minutesAgo(m), message: `spike ${m} min ago` })),
    ]);
    show('lead');
    await screen.findAllByTestId('spike-alert');
    expect(screen.getAllByTestId('spike-alert-message').map((m) => m.textContent)).toEqual([
      'spike 1 min ago',
      'spike 2 min ago',
      'spike 3 min ago',
    ]);
    expect(screen.getByTestId('spike-alert-more').textContent).toBe('2 more spike alerts behind these.');
    // The sample's conversation is not in this mirror: nothing to open.
    expect(screen.queryByRole('button', { name: 'Open this post' })).toBeNull();
  });

  it('an agent never sees a company alert, even one in the mirror', async () => {
    await db.alerts.put(spikeAlert('a1'));
    show('agent', 'dana');
    // Give the live query its turn: still nothing.
    await act(() => new Promise((resolve) => setTimeout(resolve, 50)));
    expect(screen.queryByTestId('spike-alert')).toBeNull();
    expect(screen.queryByRole('region', { name: 'Company alerts' })).toBeNull();
  });
});
