import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { HostEvent, HostEventPayload, SettingsView, SwitchboardBridge } from '../../shared/ipc';
import { resolveSettings } from '../../shared/settings';
import { bindHost } from '../host/bindHost';
import { createAppStore, StoreContext } from '../store/store';
import { SyncDb } from '../sync/db';
import type { SyncConnection } from '../sync/syncConnection';
import { SyncContext } from '../sync/ui/syncContext';
import { IdlePrompt } from './IdlePrompt';
import { useIdleAway } from './useIdleAway';

const settings: SettingsView = {
  ...resolveSettings({
    user: { idleAwaySeconds: 300 },
    policy: { status: 'absent', path: 'test' },
    overrides: {},
    overridesBeatPolicy: false,
  }),
  notices: [],
};

/** The host's signals sent by the test, reaching the store through bindHost as in the app. */
function fakeHost() {
  const listeners = new Map<HostEvent, Set<(payload: never) => void>>();
  const host = {
    kind: 'electron',
    getSettings: () => Promise.resolve(settings),
    getSession: () => Promise.resolve({ session: null, storage: 'keyring', notice: null }),
    on: (event: HostEvent, listener: (payload: never) => void) => {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener);
      return () => set.delete(listener);
    },
  } as unknown as SwitchboardBridge;
  const emit = <E extends HostEvent>(event: E, payload: HostEventPayload<E>) =>
    act(() => listeners.get(event)?.forEach((l) => (l as (p: HostEventPayload<E>) => void)(payload)));
  return { host, emit };
}

function Harness() {
  return <IdlePrompt {...useIdleAway()} />;
}

describe('useIdleAway with IdlePrompt', () => {
  let db: SyncDb;
  let unbind: () => void = () => undefined;
  afterEach(async () => {
    cleanup();
    unbind();
    db.close();
    await db.delete();
  });

  async function start(conversations: Record<string, unknown>[] = []) {
    db = new SyncDb(`idle-${crypto.randomUUID()}`);
    await db.agents.put({ id: 'a1', presence: 'available' });
    await db.conversations.bulkPut(conversations.map((c) => ({ id: String(c.id), assignedAgentId: 'a1', ...c })));
    // The worker's optimistic effect: the presence shows in the mirror at once.
    const enqueue = vi.fn((_type: string, payload: { presence: string }) =>
      db.agents.put({ id: 'a1', presence: payload.presence }).then(() => ({ opId: 'op', seq: 1 })),
    );
    const { host, emit } = fakeHost();
    const store = createAppStore();
    unbind = await bindHost(host, store, () => Promise.reject(new TypeError('offline')));
    render(
      <StoreContext.Provider value={store}>
        <SyncContext.Provider value={{ connection: { enqueue } as unknown as SyncConnection, db, agentId: 'a1' }}>
          <Harness />
        </SyncContext.Provider>
      </StoreContext.Provider>,
    );
    // Let the live queries (presence, calls) answer before the host speaks.
    await act(() => new Promise((r) => setTimeout(r, 20)));
    const presence = async () => (await db.agents.get('a1'))?.presence;
    return { emit, enqueue, presence };
  }

  it('sets an idle agent Away, asks when they are back, and returns them only when they choose', async () => {
    const { emit, enqueue, presence } = await start();
    emit('host:idle', { idleSeconds: 295 });
    emit('host:idle', { idleSeconds: 300 });
    await waitFor(async () => expect(await presence()).toBe('away'));
    emit('host:idle', { idleSeconds: 305 });
    expect(enqueue.mock.calls).toEqual([['presence.set', { presence: 'away' }]]);
    expect(screen.getByRole('status').textContent).toBe('');

    emit('host:idle', { idleSeconds: 0 });
    const status = await screen.findByText('You were set to Away after 5 minutes idle.');
    expect(screen.getByRole('status').contains(status)).toBe(true);
    expect(await presence()).toBe('away');

    await userEvent.setup().click(screen.getByRole('button', { name: 'Back to Available' }));
    expect(enqueue).toHaveBeenLastCalledWith('presence.set', { presence: 'available' });
    expect(screen.queryByRole('button', { name: 'Back to Available' })).toBeNull();
    await waitFor(async () => expect(await presence()).toBe('available'));
  });

  it('sets the agent Away on a screen lock and lets them stay Away', async () => {
    const { emit, enqueue, presence } = await start();
    emit('host:screen', { state: 'lock' });
    await waitFor(async () => expect(await presence()).toBe('away'));
    emit('host:screen', { state: 'unlock' });

    await screen.findByText('You were set to Away when your screen locked.');
    await userEvent.setup().click(screen.getByRole('button', { name: 'Stay Away' }));

    expect(screen.getByRole('status').textContent).toBe('');
    expect(enqueue).toHaveBeenCalledTimes(1);
    expect(await presence()).toBe('away');
  });

  it('closes the question when the agent picks a status themselves', async () => {
    const { emit } = await start();
    emit('host:screen', { state: 'lock' });
    emit('host:screen', { state: 'unlock' });
    await screen.findByText('You were set to Away when your screen locked.');

    await act(() => db.agents.put({ id: 'a1', presence: 'busy' }));

    await waitFor(() => expect(screen.getByRole('status').textContent).toBe(''));
  });

  it('does not set an agent on a call Away, however long they stay off the keyboard', async () => {
    const { emit, enqueue } = await start([{ id: 'call', channel: 'voice', status: 'assigned' }]);
    emit('host:idle', { idleSeconds: 1200 });
    emit('host:screen', { state: 'lock' });
    await act(() => new Promise((r) => setTimeout(r, 20)));
    expect(enqueue).not.toHaveBeenCalled();
  });
});
