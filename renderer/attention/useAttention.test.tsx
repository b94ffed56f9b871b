import { act, cleanup, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { HostEvent, SwitchboardBridge } from '../../shared/ipc';
import { HostContext } from '../host/hostContext';
import { createAppStore, StoreContext } from '../store/store';
import { SyncDb, type MirrorRow } from '../sync/db';
import type { SyncConnection } from '../sync/syncConnection';
import { SyncContext } from '../sync/ui/syncContext';
import { useAttention } from './useAttention';

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

const conversation = (id: string, fields: Record<string, unknown> = {}): MirrorRow => ({
  id,
  customerId: 'cu1',
  channel: 'chat',
  status: 'assigned',
  assignedAgentId: 'a1',
  subject: 'Where is my order?',
  version: 1,
  createdAt: minutesAgo(30),
  ...fields,
});

function fakeHost() {
  const listeners = new Map<HostEvent, (payload: never) => void>();
  const host = {
    kind: 'electron',
    setBadge: vi.fn(() => Promise.resolve()),
    notify: vi.fn(() => Promise.resolve({ shown: true })),
    on: (event: HostEvent, listener: (payload: never) => void) => {
      listeners.set(event, listener);
      return () => listeners.delete(event);
    },
  } as unknown as SwitchboardBridge;
  const click = (tag: string) => (listeners.get('host:notificationClicked') as (p: { tag: string }) => void)({ tag });
  return { host, click };
}

const page = (focused: boolean) =>
  ({ document: { visibilityState: focused ? 'visible' : 'hidden', hasFocus: () => focused } }) as unknown as Window;

describe('useAttention', () => {
  let db: SyncDb;
  afterEach(async () => {
    cleanup();
    db.close();
    await db.delete();
  });

  async function start(focused: boolean) {
    db = new SyncDb(`attention-${crypto.randomUUID()}`);
    await db.customers.put({ id: 'cu1', displayName: 'Dana Reyes' });
    await db.conversations.bulkPut([
      conversation('c0', { lastInboundAt: minutesAgo(5) }),
      conversation('other', { assignedAgentId: 'a2', lastInboundAt: minutesAgo(1) }),
    ]);
    const { host, click } = fakeHost();
    const store = createAppStore();
    const sync = { connection: {} as SyncConnection, db, agentId: 'a1' };
    const wrapper = ({ children }: { children: ReactNode }) => (
      <HostContext.Provider value={host}>
        <StoreContext.Provider value={store}>
          <SyncContext.Provider value={sync}>{children}</SyncContext.Provider>
        </StoreContext.Provider>
      </HostContext.Provider>
    );
    const hook = renderHook(() => useAttention({ win: page(focused) }), { wrapper });
    return { host, click, store, hook };
  }

  it('badges waiting work, notifies new work once while the window is away, and opens it on click', async () => {
    const { host, click, store, hook } = await start(false);

    // What the agent already had is the baseline: counted, not announced.
    await waitFor(() => expect(host.setBadge).toHaveBeenLastCalledWith(1));
    expect(hook.result.current.waiting).toBe(1);
    expect(host.notify).not.toHaveBeenCalled();

    await act(() => db.conversations.put(conversation('c1', { channel: 'email', lastInboundAt: minutesAgo(0) })));
    await waitFor(() => expect(host.setBadge).toHaveBeenLastCalledWith(2));
    expect(host.notify).toHaveBeenCalledExactlyOnceWith({
      title: 'New email conversation',
      body: 'From Dana Reyes: Where is my order?',
      tag: 'c1:assigned',
    });

    // Reading c0 on this computer takes it off the badge; nothing is announced again.
    await act(() => db.reads.put({ conversationId: 'c0', readAt: Date.now() }));
    await waitFor(() => expect(host.setBadge).toHaveBeenLastCalledWith(1));
    expect(host.notify).toHaveBeenCalledTimes(1);

    act(() => click('c1:assigned'));
    expect(store.getState().openConversationId).toBe('c1');

    hook.unmount();
    expect(host.setBadge).toHaveBeenLastCalledWith(0);
  });

  it('keeps quiet while the agent is looking at the window, and stays quiet after', async () => {
    const { host } = await start(true);
    await waitFor(() => expect(host.setBadge).toHaveBeenLastCalledWith(1));

    await act(() => db.conversations.put(conversation('c1', { lastInboundAt: minutesAgo(0) })));
    await waitFor(() => expect(host.setBadge).toHaveBeenLastCalledWith(2));
    await act(() => db.conversations.put(conversation('c1', { lastInboundAt: minutesAgo(0), subject: 'Still here' })));

    expect(host.notify).not.toHaveBeenCalled();
  });
});
