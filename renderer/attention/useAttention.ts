import { useLiveQuery } from 'dexie-react-hooks';
import { useContext, useEffect, useRef, useState } from 'react';
import { useHost } from '../host/hostContext';
import { StoreContext } from '../store/store';
import type { MirrorRow, SyncDb } from '../sync/db';
import { useSync, type SyncHandle } from '../sync/ui/syncContext';
import {
  conversationOfTag,
  decideAttention,
  nextAttentionChange,
  snapshotOf,
  type AttentionRows,
  type AttentionSnapshot,
} from './attention';

/** Look again at least this often, whatever the next known change: a clock may have jumped. */
const MAX_WAIT_MS = 60_000;

export interface Attention {
  /** Work waiting for the agent (pending offers and unread conversations): the badge count. */
  waiting: number;
  /**
   * Why the last notification was not shown, when it was not: off in Settings, not allowed by the
   * browser yet (offer a button that calls `host.requestNotifications()`), no OS support.
   */
  notificationProblem: string | null;
}

export interface AttentionOptions {
  /** The sync handle, for a caller that provides the SyncContext itself (the Workspace). */
  sync?: SyncHandle | null;
  win?: Window;
}

/**
 * The agent's work, read live through indexes only: their conversations by `assignedAgentId`,
 * offers by `conversationId` among those, read marks and customer names by key.
 */
export async function readAttentionRows(db: SyncDb, agentId: string): Promise<AttentionRows> {
  const conversations = await db.conversations.where('assignedAgentId').equals(agentId).toArray();
  const open = conversations.filter((c) => c.status !== 'resolved');
  const ids = open.map((c) => c.id);
  const offeredIds = open.filter((c) => c.status === 'offered').map((c) => c.id);
  const customerIds = [...new Set(open.flatMap((c) => (typeof c.customerId === 'string' ? [c.customerId] : [])))];
  // The read marks came with version 2 of the database; a window on an older one has none.
  const hasReads = db.tables.some((t) => t.name === 'reads');
  const [offers, reads, customers] = await Promise.all([
    offeredIds.length ? db.offers.where('conversationId').anyOf(offeredIds).toArray() : [],
    hasReads && ids.length ? db.table<{ conversationId: string; readAt: unknown }>('reads').bulkGet(ids) : [],
    db.customers.bulkGet(customerIds),
  ]);
  return {
    conversations: open,
    offers,
    reads: new Map(reads.flatMap((r) => (r ? [[r.conversationId, r.readAt] as const] : []))),
    customers: new Map(customers.flatMap((c: MirrorRow | undefined) => (c ? [[c.id, c.displayName] as const] : []))),
  };
}

/**
 * Keeps the badge (tray, dock, tab title) at the count of waiting work and raises an OS
 * notification for new work and SLA warnings while the window is not in front. Each is raised
 * once; clicking one opens its conversation.
 */
export function useAttention(options: AttentionOptions = {}): Attention {
  const host = useHost();
  const fromContext = useSync();
  const sync = options.sync === undefined ? fromContext : options.sync;
  const store = useContext(StoreContext);
  const win = options.win ?? window;
  // The rows carry the handle they were read with: after a switch of agent, the old agent's last
  // rows must not become the new agent's baseline.
  const live = useLiveQuery(
    async () => (sync ? { sync, rows: await readAttentionRows(sync.db, sync.agentId) } : null),
    [sync],
  );
  const [tick, setTick] = useState(0);
  const [waiting, setWaiting] = useState(0);
  const [notificationProblem, setNotificationProblem] = useState<string | null>(null);
  const previous = useRef<AttentionSnapshot | null>(null);
  const notified = useRef(new Set<string>());
  const badge = useRef<number | null>(null);

  // A new agent (or database) starts a new baseline.
  useEffect(() => {
    previous.current = null;
    notified.current = new Set();
  }, [sync]);

  useEffect(() => {
    if (!live || !sync || live.sync !== sync) return;
    const now = Date.now();
    const current = snapshotOf(live.rows, sync.agentId, now);
    const decision = decideAttention(previous.current, current, notified.current);
    previous.current = current;
    decision.remember.forEach((key) => notified.current.add(key));

    setWaiting(decision.badge);
    if (badge.current !== decision.badge) {
      badge.current = decision.badge;
      void host.setBadge(decision.badge).catch(() => undefined);
    }
    // In front of the agent the workspace shows it; a notification would only repeat it.
    const inFront = win.document.visibilityState === 'visible' && win.document.hasFocus();
    if (!inFront) {
      for (const { title, body, tag } of decision.notices) {
        host.notify({ title, body, tag }).then(
          (result) => setNotificationProblem(result.shown ? null : (result.reason ?? null)),
          (err: unknown) => setNotificationProblem((err as Error).message),
        );
      }
    }

    const next = nextAttentionChange(current);
    const wait = Math.min(MAX_WAIT_MS, Math.max(250, (next ?? Infinity) - now));
    const timer = setTimeout(() => setTick((t) => t + 1), wait);
    return () => clearTimeout(timer);
  }, [live, sync, tick, host, win]);

  // Signed out (or the workspace gone): nothing is waiting on this computer any more.
  useEffect(
    () => () => {
      if (badge.current) void host.setBadge(0).catch(() => undefined);
      badge.current = null;
    },
    [host],
  );

  useEffect(
    () =>
      host.on('host:notificationClicked', ({ tag }) => {
        const id = conversationOfTag(tag, previous.current?.conversations);
        if (id) store?.getState().openConversation(id);
      }),
    [host, store],
  );

  return { waiting, notificationProblem };
}
