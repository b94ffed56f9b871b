import { z } from 'zod';

/**
 * The web chat's socket protocol on the `/chat` namespace: what the widget (a visitor) sends and
 * what it receives. Every event is parsed with these.
 */

/** The handshake: the visitor id the widget keeps in localStorage, the name and email asked at the start. */
export const VisitorHandshakeSchema = z.object({
  visitorId: z.uuid().transform((id) => id.toLowerCase()),
  name: z.string().trim().min(1, 'a name of at least one character').max(100),
  email: z
    .union([z.literal(''), z.email().max(320)])
    .optional()
    .transform((email) => (email ? email.toLowerCase() : undefined)),
});
export type Visitor = z.output<typeof VisitorHandshakeSchema>;

/** What a visitor types: 5,000 characters is a long chat message; more is a paste of something else. */
export const MAX_CHAT_MESSAGE = 5000;

export const VisitorMessageSchema = z.object({
  /** The widget's id for the message: a resend after a lost answer is the same message. */
  clientMessageId: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[\x21-\x7e]+$/u, 'printable ASCII without spaces'),
  text: z
    .string()
    .max(MAX_CHAT_MESSAGE, `at most ${MAX_CHAT_MESSAGE} characters`)
    .refine((text) => text.trim().length > 0, 'some text'),
});

export const VisitorTypingSchema = z.object({ typing: z.boolean() });

export type MessageAck =
  | { ok: true; messageId: string }
  | { ok: false; error: string; /** Sending the same message again shortly may work. */ retryable: boolean };

/** An agent's reply as the visitor receives it. */
export interface AgentMessage {
  messageId: string;
  text: string;
  /** The agent's first name: what a customer is told of who answers. */
  agentName: string;
  at: string;
}

/** One line of the visitor's open conversation, for `history`. */
export interface HistoryLine {
  messageId: string;
  from: 'visitor' | 'agent';
  text: string;
  at: string;
  /** The widget's id of a visitor's message, so a message it still holds as pending is known as sent. */
  clientMessageId?: string;
  agentName?: string;
}

export type HistoryAck =
  { ok: true; conversationId: string | null; messages: HistoryLine[] } | { ok: false; error: string };

/** The visitor's room on `/chat`: every tab they have open. */
export const visitorRoom = (visitorId: string) => `visitor:${visitorId}`;

/** What a customer sees of an agent's name: the first name only. */
export const firstName = (name: string) => name.trim().split(/\s+/u)[0] || 'Support';
