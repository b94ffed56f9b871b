import { useCallback, useEffect, useRef, useState } from 'react';
import type { SyncConnection } from '../sync/syncConnection';
import type { OtherViewer } from './words';

/** Typing stops counting after this long without a keystroke. */
export const TYPING_IDLE_MS = 3000;
/** A visitor's "typing" is dropped after this long without news (their tab closed mid-sentence). */
export const CUSTOMER_TYPING_MS = 8000;

const ignore = () => undefined;

export interface Viewing {
  /** Other agents in this conversation (collision presence), as the server last said. */
  others: OtherViewer[];
  /** The web chat visitor is typing. */
  customerTyping: boolean;
  /** A keystroke in the reply: tells the server once, then again when it goes idle. */
  typed: () => void;
  /** The reply was sent or abandoned: no longer typing. */
  stoppedTyping: () => void;
}

/**
 * Collision presence for one open conversation: tells the server this window shows it (and, when
 * the agent types a reply, that they type), and listens for the other agents there.
 */
export function useViewing(connection: SyncConnection, conversationId: string): Viewing {
  const [others, setOthers] = useState<OtherViewer[]>([]);
  const [customerTyping, setCustomerTyping] = useState(false);
  const typing = useRef(false);
  const idle = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => {
    let customerIdle: ReturnType<typeof setTimeout> | undefined;
    const off = connection.onCollision((c) => {
      if (c.conversationId !== conversationId) return;
      setOthers(c.others);
      clearTimeout(customerIdle);
      setCustomerTyping(Boolean(c.customerTyping));
      if (c.customerTyping) customerIdle = setTimeout(() => setCustomerTyping(false), CUSTOMER_TYPING_MS);
    });
    connection.view(conversationId, false).catch(ignore);
    return () => {
      off();
      clearTimeout(customerIdle);
      setCustomerTyping(false);
      if (idle.current) clearTimeout(idle.current);
      idle.current = null;
      typing.current = false;
      connection.view(null, false).catch(ignore);
    };
  }, [connection, conversationId]);

  const stoppedTyping = useCallback(() => {
    if (idle.current) clearTimeout(idle.current);
    idle.current = null;
    if (!typing.current) return;
    typing.current = false;
    connection.view(conversationId, false).catch(ignore);
  }, [connection, conversationId]);

  const typed = useCallback(() => {
    if (!typing.current) {
      typing.current = true;
      connection.view(conversationId, true).catch(ignore);
    }
    if (idle.current) clearTimeout(idle.current);
    idle.current = setTimeout(stoppedTyping, TYPING_IDLE_MS);
  }, [connection, conversationId, stoppedTyping]);

  return { others, customerTyping, typed, stoppedTyping };
}
