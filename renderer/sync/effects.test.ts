import { describe, expect, it } from 'vitest';
import type { Op } from '../../shared/protocol';
import { effectsOf } from './effects';
import { describeOp, describeReason } from './syncWords';

const base = {
  opId: '0190a0a0-0000-7000-8000-000000000001',
  clientId: '0190a0a0-0000-7000-8000-000000000002',
  seq: 1,
  createdAt: '2024-05-01T10:00:00.000Z',
};
const escalate: Op = {
  ...base,
  type: 'conversation.escalate',
  payload: { conversationId: 'c1', department: 'refunds', note: 'Charged twice for one ticket.' },
};

describe('escalation on this computer', () => {
  it('leaves the sender’s view at once; a lead watching someone else’s conversation keeps it', () => {
    const [effect] = effectsOf(escalate, { agentId: 'dana' });
    expect(effect!.key).toEqual(['conversation', 'c1']);
    expect(effect!.apply({ id: 'c1', assignedAgentId: 'dana' })).toBeNull();
    expect(effect!.apply({ id: 'c1', assignedAgentId: 'sam' })).toEqual({ id: 'c1', assignedAgentId: 'sam' });
  });

  it('is described in the agent’s words, and so is a wrap-up code', () => {
    expect(describeOp(escalate)).toBe('Escalate to refunds: “Charged twice for one ticket.”');
    const wrap: Op = {
      ...base,
      type: 'conversation.wrap_up',
      payload: { conversationId: 'c1', disposition: 'refund_issued' },
    };
    expect(describeOp(wrap)).toBe('Wrap up as “Refund issued”');
    expect(describeReason('unknown_skill', 'No agent works in “lost luggage”')).toBe(
      'no agent works in that queue or department (No agent works in “lost luggage”)',
    );
  });
});

describe('a QA review on this computer', () => {
  const reviewId = '0190a0a0-0000-7000-8000-0000000000aa';
  const save: Op = {
    ...base,
    type: 'review.save',
    payload: { reviewId, conversationId: 'c1', scorecardId: 'sc', scorecardVersion: 2, ratings: { greeting: 'yes' } },
  };

  it('shows a new review at once as the lead’s draft, and keeps what the server said of an existing one', () => {
    const [effect] = effectsOf(save, { agentId: 'lee' });
    expect(effect!.key).toEqual(['review', reviewId]);
    expect(effect!.apply(null)).toEqual({
      id: reviewId,
      reviewerId: 'lee',
      status: 'draft',
      version: 0,
      conversationId: 'c1',
      scorecardId: 'sc',
      scorecardVersion: 2,
      ratings: { greeting: 'yes' },
      feedback: '',
      calibrationId: null,
    });
    expect(effect!.apply({ id: reviewId, reviewerId: 'lou', version: 3, score: 40, ratings: {} })).toMatchObject({
      reviewerId: 'lou',
      version: 3,
      ratings: { greeting: 'yes' },
    });
  });

  it('marks a submitted review, and says both in the lead’s words', () => {
    const submit: Op = { ...base, type: 'review.submit', payload: { reviewId } };
    expect(effectsOf(submit, { agentId: 'lee' })[0]!.apply({ id: reviewId, status: 'draft' })).toEqual({
      id: reviewId,
      status: 'submitted',
    });
    expect(describeOp(save)).toBe('Save a QA review');
    expect(describeOp(submit)).toBe('Submit a QA review');
  });
});
