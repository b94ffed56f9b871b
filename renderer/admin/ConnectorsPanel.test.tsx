import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConnectorStatus } from '../../shared/api';
import { createAppStore, StoreContext } from '../store/store';
import { ConnectorsPanel } from './ConnectorsPanel';

const quiet = (connector: ConnectorStatus['connector']): ConnectorStatus => ({
  connector,
  status: 'idle',
  events: 0,
  badSignatures: 0,
  authFailures: 0,
  malformed: 0,
  badSignatureRate: 0,
  lastEventAt: null,
  sent: 0,
  sendFailures: 0,
  lastSentAt: null,
  lastError: null,
});

function panel(role: 'lead' | 'admin' = 'admin') {
  const store = createAppStore();
  store.setState({
    session: {
      token: 'tok-1',
      serverUrl: 'http://127.0.0.1:4400',
      agent: { id: 'admin', name: 'Ada Admin', email: 'admin@demo.test', role },
      expiresAt: '2026-11-26T12:00:00Z',
    },
  });
  return render(
    <StoreContext.Provider value={store}>
      <ConnectorsPanel onClose={() => {}} />
    </StoreContext.Provider>,
  );
}

describe('ConnectorsPanel', () => {
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it("shows each connector's state, refusals and last problem, asking with the admin's token", async () => {
    const fetch = vi.fn(() =>
      Promise.resolve(
        new Response(
          JSON.stringify({
            connectors: [
              {
                ...quiet('x'),
                status: 'failing',
                events: 120,
                badSignatures: 3,
                badSignatureRate: 0.025,
                lastEventAt: '2026-11-26T10:00:00.000Z',
                sent: 40,
                sendFailures: 2,
                lastError: { at: '2026-11-26T10:01:00.000Z', message: 'The signature header does not match.' },
              },
              { ...quiet('meta'), status: 'connected', events: 5 },
              quiet('email'),
              quiet('cti'),
              quiet('chat'),
            ],
          }),
          { status: 200 },
        ),
      ),
    );
    vi.stubGlobal('fetch', fetch);
    panel();
    const table = await screen.findByTestId('connectors');
    expect(fetch).toHaveBeenCalledWith(
      'http://127.0.0.1:4400/api/admin/connectors',
      expect.objectContaining({ headers: { Authorization: 'Bearer tok-1' } }),
    );
    const x = within(table).getByTestId('connector-x');
    expect(x.dataset.status).toBe('failing');
    expect(x.textContent).toContain('X (Twitter)');
    expect(x.textContent).toContain('Failing');
    expect(x.textContent).toContain('3 bad signatures (2.5 % in the last hour)');
    expect(x.textContent).toContain('40, 2 failed');
    expect(x.textContent).toContain('The signature header does not match.');
    expect(within(table).getByTestId('connector-meta').textContent).toContain('Connected');
    expect(within(table).getByTestId('connector-chat').textContent).toContain('Never');
  });

  it('says what is wrong when the server refuses or cannot be reached', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(() => Promise.reject(new TypeError('network'))),
    );
    panel('lead');
    expect((await screen.findByTestId('connectors-problem')).textContent).toContain(
      'Cannot reach the Switchboard server at http://127.0.0.1:4400',
    );
    cleanup();
    vi.stubGlobal(
      'fetch',
      vi.fn(() => Promise.resolve(new Response('{"error":{"code":"forbidden","message":"no"}}', { status: 403 }))),
    );
    panel('lead');
    expect((await screen.findByTestId('connectors-problem')).textContent).toBe(
      'Connector health is for team leads and admins.',
    );
  });
});
