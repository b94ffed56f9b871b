import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect } from 'react';
import { ConversationView } from '../conversation/ConversationView';
import { useAppStore } from '../store/store';
import { useSync } from '../sync/ui/syncContext';

/**
 * The right-hand side: the open conversation, or what to do when none is. Opening a conversation
 * (and a customer writing while it is open) moves its read mark, which is what "unread" means.
 */
export function ConversationPane() {
  const sync = useSync();
  const openId = useAppStore((s) => s.openConversationId);
  const open = useAppStore((s) => s.openConversation);
  const lastInboundAt = useLiveQuery(
    async () => (openId && sync ? (await sync.db.conversations.get(openId))?.lastInboundAt : undefined),
    [openId, sync],
  );
  useEffect(() => {
    if (!openId || !sync) return;
    void sync.db.reads.put({ conversationId: openId, readAt: Date.now() }).catch(() => undefined);
  }, [openId, sync, lastInboundAt]);

  return (
    <section className="conversation-pane" aria-label="Conversation">
      {openId ? (
        <ConversationView conversationId={openId} onClosed={() => open(null)} onOpenConversation={open} />
      ) : (
        <p className="empty-conversation">Choose a conversation from the inbox, or press Ctrl+K for commands.</p>
      )}
    </section>
  );
}
