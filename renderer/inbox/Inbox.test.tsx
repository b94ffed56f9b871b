import 'fake-indexeddb/auto';
import { act, cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ShortcutRegistry } from '../shortcuts/registry';
import { ShortcutsContext } from '../shortcuts/useCommands';
import { createAppStore, StoreContext, type AppStore } from '../store/store';
import { SyncDb, type MirrorRow } from '../sync/db';
import { Inbox } from './Inbox';
import { InboxSource } from './inboxSource';

const soon = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

const conversation = (id: string, over: Record<string, unknown> = {}): MirrorRow => ({
  id,
  customerId: `cust-${id}`,
  channel: 'email',
  status: 'assigned',
  assignedAgentId: 'me',
  subject: `About ${id}`,
  sentiment: 0,
  priority: 5,
  reach: 0,
  createdAt: new Date(Date.now() - 3_600_000).toISOString(),
  updatedAt: new Date().toISOString(),
  ...over,
});

// happy-dom lays nothing out: give elements the size of a window so the virtual list renders rows.
const sized = ['clientHeight', 'clientWidth', 'offsetHeight', 'offsetWidth'] as const;
beforeAll(() => {
  for (const prop of sized) {
    Object.defineProperty(HTMLElement.prototype, prop, {
      configurable: true,
      get: () => (prop.endsWith('Height') ? 600 : 400),
    });
  }
});
afterAll(() => {
  for (const prop of sized) delete (HTMLElement.prototype as unknown as Record<string, unknown>)[prop];
});

describe('Inbox', () => {
  let db: SyncDb;
  let source: InboxSource;
  let store: AppStore;
  afterEach(async () => {
    cleanup();
    source.stop();
    db.close();
    await db.delete();
  });

  async function mount(rows: MirrorRow[], role: 'agent' | 'lead' = 'agent') {
    db = new SyncDb(`inbox-ui-${crypto.randomUUID()}`);
    await db.conversations.bulkPut(rows);
    await db.customers.bulkPut(rows.map((r) => ({ id: String(r.customerId), displayName: `Name ${r.id}` })));
    source = new InboxSource(db, 'me');
    source.start();
    await source.idle();
    store = createAppStore();
    const registry = new ShortcutRegistry({ mac: false, singleKeys: () => true });
    render(
      <StoreContext.Provider value={store}>
        <ShortcutsContext.Provider value={registry}>
          <Inbox source={source} agentId="me" role={role} />
        </ShortcutsContext.Provider>
      </StoreContext.Provider>,
    );
    return registry;
  }

  it('shows every channel in one list with SLA, sentiment, reach and unread, hostile text as text', async () => {
    await mount([
      conversation('a', {
        channel: 'x_public',
        reach: 12_300,
        sentiment: -0.5,
        firstResponseDue: soon(-2),
        lastInboundAt: new Date().toISOString(),
      }),
      conversation('b', { channel: 'voice', subject: '<img src=x onerror=alert(1)>', firstResponseDue: soon(3) }),
      conversation('c', { channel: 'chat', firstResponseDue: soon(120) }),
    ]);
    const rows = await screen.findAllByTestId('inbox-row');
    expect(rows.map((r) => r.dataset.conversationId)).toEqual(['a', 'b', 'c']);
    expect(rows.map((r) => r.dataset.sla)).toEqual(['breached', 'warning', 'ok']);
    expect(within(rows[0]!).getByRole('img', { name: 'X post' })).toBeTruthy();
    expect(within(rows[0]!).getByText('12.3k reach')).toBeTruthy();
    expect(rows[0]!.dataset.unread).toBe('true');
    expect(within(rows[1]!).getByText('<img src=x onerror=alert(1)>')).toBeTruthy();
    expect(document.querySelector('img')).toBeNull();
    expect(screen.getByTestId('inbox-count').textContent).toBe('3 conversations');
  });

  it('filters by channel and search, and only leads see the queue', async () => {
    await mount([
      conversation('a', { channel: 'x_public' }),
      conversation('b', { subject: 'Missing luggage' }),
      conversation('q', { status: 'queued', assignedAgentId: null }),
    ]);
    const user = userEvent.setup();
    expect(screen.queryByTestId('scope-queue')).toBeNull();
    await user.selectOptions(screen.getByTestId('filter-channel'), 'x_public');
    expect((await screen.findAllByTestId('inbox-row')).map((r) => r.dataset.conversationId)).toEqual(['a']);
    await user.selectOptions(screen.getByTestId('filter-channel'), 'any');
    await user.type(screen.getByTestId('inbox-search'), 'LUGGAGE name');
    expect((await screen.findAllByTestId('inbox-row')).map((r) => r.dataset.conversationId)).toEqual(['b']);
  });

  it('moves with the keyboard and opens the conversation', async () => {
    const registry = await mount([
      conversation('a', { firstResponseDue: soon(5) }),
      conversation('b', { firstResponseDue: soon(50) }),
    ]);
    const user = userEvent.setup();
    await screen.findAllByTestId('inbox-row');
    screen.getByTestId('inbox-list').focus();
    await user.keyboard('{ArrowDown}');
    expect(store.getState().openConversationId).toBe('a');
    await user.keyboard('{ArrowDown}');
    expect(store.getState().openConversationId).toBe('b');
    act(() => {
      registry.handle({
        key: 'k',
        ctrlKey: false,
        metaKey: false,
        altKey: false,
        shiftKey: false,
        target: document.body,
      });
    });
    expect(store.getState().openConversationId).toBe('a');
    expect(screen.getByTestId('inbox-list').getAttribute('aria-activedescendant')).toBe('inbox-row-a');
  });

  it('follows the mirror: a conversation resolved by the sync worker leaves the open view', async () => {
    await mount([conversation('a'), conversation('b')]);
    await screen.findAllByTestId('inbox-row');
    await db.conversations.put(conversation('a', { status: 'resolved' }));
    await source.idle();
    await screen.findByText('1 conversation');
  });
});
