import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { createAppStore, StoreContext } from '../store/store';
import { SyncContext } from '../sync/ui/syncContext';
import { QualityWorkspace } from './QualityWorkspace';

describe('QualityWorkspace', () => {
  afterEach(cleanup);

  it('waits for the sync worker instead of failing when opened right after sign-in', () => {
    const store = createAppStore();
    store.getState().setSession(
      {
        token: 't',
        serverUrl: 'http://127.0.0.1:9',
        agent: { id: 'ann', name: 'Ann', email: 'ann@example.test', role: 'agent' },
        expiresAt: '2099-01-01T00:00:00.000Z',
      },
      'keyring',
      null,
    );
    // Every tab, and an open review, read from the sync worker: none may render without it.
    for (const tab of ['mine', 'quality'] as const) {
      store.getState().setQualityTab(tab);
      render(
        <StoreContext.Provider value={store}>
          <SyncContext.Provider value={null}>
            <QualityWorkspace />
          </SyncContext.Provider>
        </StoreContext.Provider>,
      );
      expect(screen.getByTestId('quality-connecting').textContent).toBe('Opening your data on this computer…');
      cleanup();
    }
  });
});
