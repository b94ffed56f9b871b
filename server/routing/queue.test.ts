import { describe, expect, it } from 'vitest';
import { ChannelClassSchema } from '../../shared/domain';
import { canTake, PRIORITY_WEIGHT_MS, rankOf, RoutingQueue } from './queue';

import { agent, item, MIN } from './testFixtures';

describe('routing queue', () => {
  it('ranks by SLA deadline pulled one minute ahead per priority point', () => {
    expect(PRIORITY_WEIGHT_MS).toBe(60_000);
    expect(rankOf(item('a', { slaDueAt: 100 * MIN, priority: 30 }))).toBe(70 * MIN);
  });

  it('offers the lowest rank across buckets the agent qualifies for, ties by arrival', () => {
    const queue = new RoutingQueue();
    queue.enqueue(item('email-late', { slaDueAt: 50 * MIN }));
    queue.enqueue(item('chat-soon', { channel: 'chat', slaDueAt: 20 * MIN }));
    queue.enqueue(item('social-soon-later', { channel: 'x_dm', slaDueAt: 20 * MIN, enqueuedAt: 5 }));
    queue.enqueue(item('french', { requiredSkills: ['fr'], slaDueAt: 1 * MIN }));
    const dana = agent('dana');
    expect(queue.bestFor(dana, 0)?.conversationId).toBe('chat-soon');
    queue.take('chat-soon');
    expect(queue.bestFor(dana, 0)?.conversationId).toBe('social-soon-later');
    expect(queue.size).toBe(3);
  });

  it('never offers a conversation to an agent without every required skill at the minimum level', () => {
    const queue = new RoutingQueue();
    queue.enqueue(item('billing', { requiredSkills: ['en', 'billing'] }));
    queue.enqueue(item('expert', { requiredSkills: ['en'], minLevel: { en: 4 } }));
    expect(queue.bestFor(agent('dana', { skills: { en: 3 } }), 0)).toBeUndefined();
    expect(queue.bestFor(agent('eli', { skills: { en: 3, billing: 1 } }), 0)?.conversationId).toBe('billing');
    expect(queue.bestFor(agent('fay', { skills: { en: 5 } }), 0)?.conversationId).toBe('expert');
  });

  it('keeps an exact size through removal and re-enqueue, and drops empty buckets', () => {
    const queue = new RoutingQueue();
    queue.enqueue(item('a'));
    queue.enqueue(item('b', { channel: 'chat' }));
    queue.enqueue(item('a', { priority: 10 }));
    expect(queue.size).toBe(2);
    expect(queue.remove('a')).toBe(true);
    expect(queue.remove('a')).toBe(false);
    expect(queue.has('a')).toBe(false);
    expect(queue.size).toBe(1);
    expect(queue.bucketSizes()).toEqual([
      { key: JSON.stringify(['chat', [['en', 1]]]), channelClass: 'chat', requirements: [['en', 1]], size: 1 },
    ]);
  });

  it('shows a reservation only to its sticky agent until the window closes, then to everyone', () => {
    const queue = new RoutingQueue();
    queue.reserve(item('vip', { stickyAgentId: 'dana', stickyUntil: 5 * MIN, slaDueAt: 10 * MIN }), 'dana');
    queue.reserve(item('later', { stickyAgentId: 'dana', stickyUntil: 9 * MIN }), 'dana');
    expect(queue.reservedFor('vip')).toBe('dana');
    expect(queue.nextStickyExpiry()).toBe(5 * MIN);
    expect(queue.bestFor(agent('eli'), 1 * MIN)).toBeUndefined();
    expect(queue.bestFor(agent('dana'), 1 * MIN)?.conversationId).toBe('vip');

    expect(queue.releaseExpiredSticky(5 * MIN).map((i) => i.conversationId)).toEqual(['vip']);
    expect(queue.reservedFor('vip')).toBeUndefined();
    expect(queue.bestFor(agent('eli'), 5 * MIN)?.conversationId).toBe('vip');
    expect(queue.collectReleased().map((i) => i.conversationId)).toEqual(['vip']);
    expect(queue.collectReleased()).toEqual([]);
    expect(queue.reservedCount).toBe(1);
    expect(queue.size).toBe(2);
  });

  it("releases an agent's reservations except those they keep", () => {
    const queue = new RoutingQueue();
    queue.reserve(item('a', { stickyUntil: 5 * MIN }), 'dana');
    queue.reserve(item('b', { channel: 'voice', stickyUntil: 5 * MIN }), 'dana');
    const moved = queue.releaseReservations('dana', (kept) => kept.channel === 'voice');
    expect(moved.map((i) => i.conversationId)).toEqual(['a']);
    expect(queue.reservedFor('b')).toBe('dana');
    expect(queue.reservedCount).toBe(1);
    expect(queue.take('b')?.conversationId).toBe('b');
    expect(queue.reservedCount).toBe(0);
    expect(queue.nextStickyExpiry()).toBeUndefined();
  });

  it('refuses an item whose rank cannot be ordered', () => {
    const queue = new RoutingQueue();
    expect(() => queue.enqueue(item('a', { slaDueAt: Number.NaN }))).toThrow(RangeError);
    expect(() => queue.enqueue(item('a', { priority: 101 }))).toThrow(RangeError);
    expect(() => queue.reserve(item('a'), 'dana')).toThrow(RangeError);
    expect(queue.size).toBe(0);
  });

  it('blends capacity: a call blocks all other work, chats block calls, email and social do not', () => {
    const onCall = agent('a', { load: { voice: 1, chat: 0, social: 0, email: 0 } });
    expect(ChannelClassSchema.options.filter((cls) => canTake(onCall, cls))).toEqual([]);
    const chatting = agent('b', { load: { voice: 0, chat: 1, social: 0, email: 0 } });
    expect(canTake(chatting, 'voice')).toBe(false);
    expect(canTake(chatting, 'chat')).toBe(true);
    const writing = agent('c', { load: { voice: 0, chat: 0, social: 2, email: 4 } });
    expect(canTake(writing, 'voice')).toBe(true);
    expect(canTake(agent('d', { presence: 'busy' }), 'email')).toBe(false);
  });
});
