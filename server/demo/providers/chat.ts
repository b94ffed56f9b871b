import { io } from 'socket.io-client';
import { v5 as uuidV5 } from 'uuid';
import type { InteractionInput } from '../../../shared/ingest';
import { CHAT_NAMESPACE } from '../../channels/chat/index';
import type { MessageAck } from '../../channels/chat/visitorProtocol';

/**
 * The demo's web chats as the widget would send them: the traffic generator's chat interactions
 * (the lines of one session) → a socket.io-client visitor on `/chat` that connects with the
 * visitor's id and name and sends each line, so simulated chats go through the real channel.
 */

/** Fixed namespace for the generator's visitor ids → the UUIDs the widget would have made. */
const DEMO_VISITOR_NAMESPACE = '8d0f7b8e-4c1a-4f65-9a53-0b7f1c2d3e4a';

/** The widget keeps a UUID per browser; the generator's ids are not UUIDs: the same one always maps to the same UUID. */
export function demoVisitorId(generatorVisitorId: string): string {
  return uuidV5(generatorVisitorId, DEMO_VISITOR_NAMESPACE);
}

export interface ChatVisitorSession {
  auth: { visitorId: string; name: string; email?: string };
  messages: { clientMessageId: string; text: string }[];
}

/** Groups chat interactions by the generator's session (its thread key), in order; other channels are skipped. */
export function chatSessions(interactions: readonly InteractionInput[]): ChatVisitorSession[] {
  const sessions = new Map<string, ChatVisitorSession>();
  for (const interaction of interactions) {
    if (interaction.channel !== 'chat') continue;
    let session = sessions.get(interaction.threadKey);
    if (!session) {
      session = {
        // The widget asks a name; a visitor the generator left unnamed typed "Visitor".
        auth: { visitorId: demoVisitorId(interaction.author.value), name: interaction.author.displayName ?? 'Visitor' },
        messages: [],
      };
      sessions.set(interaction.threadKey, session);
    }
    session.messages.push({ clientMessageId: interaction.providerMessageId, text: interaction.text });
  }
  return [...sessions.values()];
}

export interface PlayOptions {
  /** The backend, e.g. http://127.0.0.1:4400. */
  baseUrl: string;
  /** Between two lines, as a person types (default 300 ms). */
  gapMs?: number;
  timeoutMs?: number;
}

/**
 * One visitor session: connects, sends each line and waits for its answer, resending a line the
 * server asked to send again (rate limit, load shedding) up to 3 times, then disconnects. Resolves
 * with the answers; never throws for a refused line, only for a connection that cannot be made.
 */
export async function playChatSession(session: ChatVisitorSession, options: PlayOptions): Promise<MessageAck[]> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const socket = io(`${options.baseUrl.replace(/\/+$/u, '')}${CHAT_NAMESPACE}`, {
    auth: session.auth,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    timeout: timeoutMs,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    const answers: MessageAck[] = [];
    for (const [i, message] of session.messages.entries()) {
      if (i > 0) await delay(options.gapMs ?? 300);
      let answer = (await socket.timeout(timeoutMs).emitWithAck('message', message)) as MessageAck;
      for (let retry = 0; !answer.ok && answer.retryable && retry < 3; retry++) {
        await delay(1000);
        answer = (await socket.timeout(timeoutMs).emitWithAck('message', message)) as MessageAck;
      }
      answers.push(answer);
    }
    return answers;
  } finally {
    socket.close();
  }
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
