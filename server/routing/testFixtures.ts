import type { AgentState, QueuedItem } from './queue';

/** Small builders for the routing core's tests: an idle English-speaking agent, an email item. */
export const MIN = 60_000;
export const IDLE_LOAD = { voice: 0, chat: 0, social: 0, email: 0 };

export function agent(id: string, overrides: Partial<AgentState> = {}): AgentState {
  return {
    id,
    skills: { en: 3 },
    capacity: { voice: 1, chat: 3, social: 3, email: 5 },
    load: { ...IDLE_LOAD },
    presence: 'available',
    idleSince: 0,
    ...overrides,
  };
}

export function item(conversationId: string, overrides: Partial<QueuedItem> = {}): QueuedItem {
  return {
    conversationId,
    channel: 'email',
    requiredSkills: ['en'],
    priority: 0,
    slaDueAt: 60 * MIN,
    enqueuedAt: 0,
    ...overrides,
  };
}
