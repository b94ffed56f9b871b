import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import type { Role } from '../../shared/domain';
import { useCommands } from '../shortcuts/useCommands';
import { useAppStore } from '../store/store';
import { InboxFilters } from './InboxFilters';
import { InboxRow } from './InboxRow';
import type { InboxSource } from './inboxSource';
import { useNow } from './useNow';

const ROW_HEIGHT = 60;

interface Props {
  source: InboxSource;
  agentId: string;
  role: Role;
}

/**
 * The unified inbox: every channel in one virtualised list (only the rows on screen exist in the
 * DOM, so 100,000 conversations scroll like 100), filtered and sorted in memory by InboxIndex.
 * Keyboard: ↑/↓ or j/k move, Enter opens, / searches.
 */
export function Inbox({ source, agentId, role }: Props) {
  const filter = useAppStore((s) => s.inboxFilter);
  const setFilter = useAppStore((s) => s.setInboxFilter);
  const openId = useAppStore((s) => s.openConversationId);
  const open = useAppStore((s) => s.openConversation);
  const version = useSyncExternalStore(source.subscribe, () => source.index.version);
  const now = useNow(1000);
  // The SLA filter reads the clock; everything else only changes with the data or the filter.
  const slaMinute = filter.sla === 'any' ? 0 : Math.floor(now / 15_000);
  const rows = useMemo(
    () => source.index.query(filter, agentId, Date.now()),
    // version and slaMinute stand for the index's contents and the clock.
    [source, version, filter, agentId, slaMinute],
  );
  const progress = source.progress;
  const listRef = useRef<HTMLDivElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => listRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });
  // Scrolling re-renders the list every frame: find the open row once per result, not per frame.
  const activeIndex = useMemo(() => (openId ? rows.findIndex((r) => r.id === openId) : -1), [rows, openId]);

  useEffect(() => {
    if (activeIndex >= 0) virtualizer.scrollToIndex(activeIndex, { align: 'auto' });
  }, [activeIndex, virtualizer]);

  const move = (delta: number) => {
    if (!rows.length) return;
    const next = activeIndex < 0 ? (delta > 0 ? 0 : rows.length - 1) : activeIndex + delta;
    const row = rows[Math.max(0, Math.min(rows.length - 1, next))];
    if (row) open(row.id);
  };

  useCommands([
    {
      id: 'inbox.next',
      title: 'Next conversation',
      section: 'Inbox',
      keys: ['j', 'Alt+ArrowDown'],
      run: () => move(1),
    },
    {
      id: 'inbox.previous',
      title: 'Previous conversation',
      section: 'Inbox',
      keys: ['k', 'Alt+ArrowUp'],
      run: () => move(-1),
    },
    {
      id: 'inbox.search',
      title: 'Search the inbox',
      section: 'Inbox',
      keys: ['/'],
      run: () => searchRef.current?.focus(),
    },
    {
      id: 'inbox.mine',
      title: 'Show my conversations',
      section: 'Inbox',
      keys: [],
      run: () => setFilter({ scope: 'mine' }),
    },
    {
      id: 'inbox.queue',
      title: 'Show the queue',
      section: 'Inbox',
      keys: [],
      run: () => setFilter({ scope: 'queue' }),
      enabled: () => role !== 'agent',
    },
    {
      id: 'inbox.unread',
      title: 'Show unread only',
      section: 'Inbox',
      keys: [],
      run: () => setFilter({ unreadOnly: !filter.unreadOnly }),
    },
  ]);

  const onListKey = (event: React.KeyboardEvent) => {
    const keys: Record<string, () => void> = {
      ArrowDown: () => move(1),
      ArrowUp: () => move(-1),
      Home: () => rows[0] && open(rows[0].id),
      End: () => rows.length && open(rows[rows.length - 1]!.id),
      PageDown: () => move(10),
      PageUp: () => move(-10),
    };
    const action = keys[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  };

  return (
    <section className="inbox" aria-labelledby="inbox-title">
      <div className="inbox-head">
        <h2 id="inbox-title">Inbox</h2>
        <span className="inbox-count" data-testid="inbox-count" aria-live="polite">
          {rows.length.toLocaleString()} {rows.length === 1 ? 'conversation' : 'conversations'}
        </span>
      </div>
      <InboxFilters filter={filter} role={role} onChange={setFilter} searchRef={searchRef} />
      {!progress.done && (
        <p className="inbox-loading" role="status" data-testid="inbox-loading">
          Loading conversations… {progress.loaded.toLocaleString()} of {progress.total.toLocaleString()}
        </p>
      )}
      {rows.length === 0 && progress.done && (
        <p className="inbox-empty" data-testid="inbox-empty">
          {filter.scope === 'mine' && filter.status === 'open'
            ? 'Nothing assigned to you right now. Go Available to receive work.'
            : 'No conversations match these filters.'}
        </p>
      )}
      <div
        ref={listRef}
        className="inbox-list"
        role="listbox"
        aria-label="Conversations"
        aria-activedescendant={activeIndex >= 0 ? `inbox-row-${rows[activeIndex]!.id}` : undefined}
        tabIndex={0}
        data-testid="inbox-list"
        onKeyDown={onListKey}
      >
        <div role="presentation" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((v) => {
            const item = rows[v.index]!;
            return (
              <div
                key={item.id}
                role="presentation"
                style={{
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  right: 0,
                  height: ROW_HEIGHT,
                  transform: `translateY(${v.start}px)`,
                }}
              >
                <InboxRow
                  item={item}
                  customerName={source.index.customerName(item.customerId) ?? ''}
                  unread={source.index.isUnread(item)}
                  active={item.id === openId}
                  now={now}
                  index={v.index}
                  count={rows.length}
                  onOpen={open}
                />
              </div>
            );
          })}
        </div>
      </div>
    </section>
  );
}
