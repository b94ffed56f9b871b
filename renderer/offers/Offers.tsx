import { useLiveQuery } from 'dexie-react-hooks';
import { z } from 'zod';
import { ChannelSchema } from '../../shared/domain';
import { CHANNEL_LABELS } from '../inbox/channels';
import { useNow } from '../inbox/useNow';
import { useCommands } from '../shortcuts/useCommands';
import { useAppStore } from '../store/store';
import { useSync } from '../sync/ui/syncContext';

const OfferSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  agentId: z.string(),
  status: z.string(),
  expiresAt: z.string(),
});

export interface PendingOffer {
  offerId: string;
  conversationId: string;
  expiresAt: number;
  channel: z.infer<typeof ChannelSchema> | null;
  customerName: string;
  subject: string;
}

/**
 * Offers waiting for this agent: a call must be accepted before its reservation runs out. An offer
 * leaves the list as soon as the agent answers it (the optimistic effect moves the conversation
 * on), even offline.
 */
export function usePendingOffers(): PendingOffer[] {
  const sync = useSync();
  return (
    useLiveQuery(async () => {
      if (!sync) return [];
      // By index: this agent's offered conversations, then their offers (never the whole history).
      const offered = (await sync.db.conversations.where('assignedAgentId').equals(sync.agentId).toArray()).filter(
        (c) => c.status === 'offered',
      );
      const candidates = await sync.db.offers
        .where('conversationId')
        .anyOf(offered.map((c) => c.id))
        .toArray();
      const rows = candidates.flatMap((r) => {
        const o = OfferSchema.safeParse(r);
        return o.success && o.data.agentId === sync.agentId && o.data.status === 'pending' ? [o.data] : [];
      });
      const conversations = await sync.db.conversations.bulkGet(rows.map((o) => o.conversationId));
      const customers = await sync.db.customers.bulkGet(
        conversations.map((c) => (typeof c?.customerId === 'string' ? c.customerId : '')),
      );
      return rows.flatMap((o, i) => {
        const c = conversations[i];
        if (!c || c.status !== 'offered' || c.assignedAgentId !== sync.agentId) return [];
        const channel = ChannelSchema.safeParse(c.channel);
        const name = customers[i]?.displayName;
        return [
          {
            offerId: o.id,
            conversationId: o.conversationId,
            expiresAt: Date.parse(o.expiresAt),
            channel: channel.success ? channel.data : null,
            customerName: typeof name === 'string' ? name : 'Unknown caller',
            subject: typeof c.subject === 'string' ? c.subject : '',
          },
        ];
      });
    }, [sync]) ?? []
  );
}

/** Incoming offers with a countdown and Accept / Decline; Mod+Shift+A accepts the first. */
export function Offers() {
  const sync = useSync();
  const offers = usePendingOffers();
  const now = useNow(500);
  const open = useAppStore((s) => s.openConversation);
  const setCommandError = useAppStore((s) => s.setCommandError);
  const live = offers.filter((o) => o.expiresAt > now);

  const answer = (offer: PendingOffer, accept: boolean) => {
    if (!sync) return;
    setCommandError(null);
    sync.connection
      .enqueue(accept ? 'offer.accept' : 'offer.decline', { conversationId: offer.conversationId })
      .then(() => accept && open(offer.conversationId))
      .catch((err: unknown) => setCommandError(`The offer was not answered: ${(err as Error).message}`));
  };

  useCommands([
    {
      id: 'offer.accept',
      title: 'Accept the incoming offer',
      section: 'Offers',
      keys: ['Mod+Shift+A'],
      run: () => live[0] && answer(live[0], true),
      enabled: () => live.length > 0,
    },
    {
      id: 'offer.decline',
      title: 'Decline the incoming offer',
      section: 'Offers',
      keys: ['Mod+Shift+D'],
      run: () => live[0] && answer(live[0], false),
      enabled: () => live.length > 0,
    },
  ]);

  if (!live.length) return null;
  return (
    <section className="offers" aria-label="Incoming offers">
      {live.map((o) => {
        const left = Math.max(0, Math.ceil((o.expiresAt - now) / 1000));
        const label = o.channel ? CHANNEL_LABELS[o.channel] : 'Conversation';
        return (
          <div
            key={o.offerId}
            className="offer"
            role="alertdialog"
            aria-labelledby={`offer-${o.offerId}`}
            data-testid="offer"
          >
            <p id={`offer-${o.offerId}`} className="offer-title">
              {o.channel === 'voice' ? 'Incoming call' : `New ${label}`} from <strong>{o.customerName}</strong>
            </p>
            {o.subject && <p className="offer-subject">{o.subject}</p>}
            <p className="offer-countdown" data-testid="offer-countdown">
              <span aria-live="off">{left} s</span> left to answer
            </p>
            <div className="offer-actions">
              <button type="button" className="primary" data-testid="offer-accept" onClick={() => answer(o, true)}>
                Accept
              </button>
              <button type="button" data-testid="offer-decline" onClick={() => answer(o, false)}>
                Decline
              </button>
            </div>
          </div>
        );
      })}
    </section>
  );
}
