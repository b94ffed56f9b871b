import { useEffect, useState } from 'react';
import type { SyncDb } from '../sync/db';
import { InboxSource } from './inboxSource';

/** One inbox source per signed-in database, started while the workspace shows it. */
export function useInboxSource(db: SyncDb | undefined, agentId: string | undefined): InboxSource | null {
  const [source, setSource] = useState<InboxSource | null>(null);
  useEffect(() => {
    if (!db || !agentId) return;
    const next = new InboxSource(db, agentId);
    next.start();
    setSource(next);
    return () => {
      next.stop();
      setSource(null);
    };
  }, [db, agentId]);
  return source;
}
