import { useLiveQuery } from 'dexie-react-hooks';
import { useCallback, useContext, useEffect, useRef, useState } from 'react';
import { PresenceSchema } from '../../shared/domain';
import { DEFAULT_SETTINGS } from '../../shared/settings';
import { StoreContext, useAppStore } from '../store/store';
import { useSync, type SyncHandle } from '../sync/ui/syncContext';
import { IDLE_AWAY_START, idlePromptText, settleIdleAway, stepIdleAway, type IdleAwayState } from './idleAway';

export interface IdleAway {
  /** "You were set to Away after 5 minutes idle." while the agent should choose; null otherwise. */
  prompt: string | null;
  /** Sets the agent Available (through the outbox) and closes the prompt. */
  backToAvailable: () => void;
  /** Closes the prompt; the agent stays Away. */
  stayAway: () => void;
}

/**
 * Sets an available agent Away after `idleAwaySeconds` of idle time or when the screen locks, and
 * asks them, once they are back, whether to be Available again. Reads idle time and the lock from
 * the store (bindHost puts the host's signals there) and presence live from the mirror.
 */
export function useIdleAway(options: { sync?: SyncHandle | null } = {}): IdleAway {
  const fromContext = useSync();
  const sync = options.sync === undefined ? fromContext : options.sync;
  const store = useContext(StoreContext);
  const setCommandError = useAppStore((s) => s.setCommandError);
  const threshold = useAppStore((s) => s.settingsView?.settings.idleAwaySeconds ?? DEFAULT_SETTINGS.idleAwaySeconds);
  // Booleans, not the seconds: the workspace re-renders when idleness flips, not on every sample.
  const idle = useAppStore((s) => s.idleSeconds >= threshold);
  const screenLocked = useAppStore((s) => s.screenLocked);
  const presenceRow = useLiveQuery(() => sync?.db.agents.get(sync.agentId), [sync]);
  const onCall =
    useLiveQuery(
      async () =>
        sync
          ? (await sync.db.conversations.where('assignedAgentId').equals(sync.agentId).toArray()).some(
              (c) => c.channel === 'voice' && c.status === 'assigned',
            )
          : false,
      [sync],
    ) ?? false;
  const parsed = PresenceSchema.safeParse(presenceRow?.presence);
  const presence = parsed.success ? parsed.data : null;

  const state = useRef<IdleAwayState>(IDLE_AWAY_START);
  const [prompt, setPrompt] = useState<string | null>(null);
  const show = useCallback((next: IdleAwayState) => {
    state.current = next;
    setPrompt(next.prompt && next.auto ? idlePromptText(next.auto) : null);
  }, []);

  // Runs when idleness flips (`idle`), the lock, presence or a call changes; reads the seconds then.
  useEffect(() => {
    if (!sync) return;
    const step = stepIdleAway(state.current, {
      presence,
      idleSeconds: store?.getState().idleSeconds ?? 0,
      idleAwaySeconds: threshold,
      screenLocked,
      onCall,
    });
    show(step.state);
    if (!step.setAway) return;
    sync.connection.enqueue('presence.set', { presence: 'away' }).catch((err: unknown) => {
      show(settleIdleAway());
      setCommandError(`You were idle, but your status could not be set to Away: ${(err as Error).message}`);
    });
  }, [sync, store, presence, idle, threshold, screenLocked, onCall, show, setCommandError]);

  const backToAvailable = useCallback(() => {
    show(settleIdleAway());
    if (!sync) return;
    setCommandError(null);
    sync.connection.enqueue('presence.set', { presence: 'available' }).catch((err: unknown) => {
      setCommandError(`Your status was not changed: ${(err as Error).message}`);
    });
  }, [sync, show, setCommandError]);

  const stayAway = useCallback(() => show(settleIdleAway()), [show]);

  return { prompt, backToAvailable, stayAway };
}
