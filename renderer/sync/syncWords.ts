import { DISPOSITIONS } from '../../shared/domain';
import type { Op, RejectReason } from '../../shared/protocol';

/** What an op was, in the agent's words (the sync-issues list and the status line use these). */
export function describeOp(op: Op): string {
  switch (op.type) {
    case 'presence.set':
      return `Set your status to ${op.payload.presence.replaceAll('_', ' ')}`;
    case 'offer.accept':
      return 'Accept an offered conversation';
    case 'offer.decline':
      return 'Decline an offered conversation';
    case 'conversation.reply':
      return `${op.payload.visibility === 'public' ? 'Public' : 'Private'} reply: “${excerpt(op.payload.body)}”`;
    case 'conversation.note':
      return `Internal note: “${excerpt(op.payload.body)}”`;
    case 'conversation.retry_delivery':
      return 'Send a reply that was not delivered again';
    case 'conversation.transfer':
      return op.payload.to.kind === 'queue'
        ? `Transfer to the ${op.payload.to.skill} queue`
        : 'Transfer to a colleague';
    case 'conversation.escalate':
      return `Escalate to ${op.payload.department}: “${excerpt(op.payload.note)}”`;
    case 'conversation.wrap_up':
      return `Wrap up as “${dispositionLabel(op.payload.disposition)}”`;
    case 'conversation.resolve':
      return 'Resolve a conversation';
    case 'review.save':
      return 'Save a QA review';
    case 'review.submit':
      return 'Submit a QA review';
    case 'calibration.start':
      return 'Start a calibration';
    case 'calibration.agree':
      return 'Agree a calibration’s reference scores';
    case 'dispute.open':
      return `Dispute: “${excerpt(op.payload.comment)}”`;
    case 'dispute.decide':
      return `Decide a dispute (${op.payload.decision.replace('_', ' ')})`;
    case 'review.comment':
      return `Review comment: “${excerpt(op.payload.body)}”`;
    case 'customer.link':
      return 'Link two customer records';
    case 'customer.refuse_link':
      return 'Refuse a customer link';
    case 'customer.unlink':
      return 'Unlink an identity';
  }
}

const reasons: Record<RejectReason | 'unknown', string> = {
  seq_reused: 'this computer sent two different actions under one number; it was kept back to be safe',
  client_bound_to_other_agent: 'this computer’s offline data belongs to another agent',
  invalid_op: 'the server could not accept it as written',
  forbidden: 'you are not allowed to do this',
  not_found: 'it no longer exists',
  not_assignee: 'the conversation is no longer yours',
  conversation_closed: 'the conversation was closed meanwhile',
  not_offered_to_you: 'it was not offered to you',
  offer_expired: 'the offer expired before it arrived',
  already_assigned: 'someone else took it first',
  version_conflict: 'someone changed it first',
  no_capacity: 'you have no free capacity for it',
  unknown_skill: 'no agent works in that queue or department',
  agent_unavailable: 'that colleague is not available',
  suggestion_decided: 'someone already decided this link',
  stale: 'a newer action replaced it',
  messaging_window_closed: 'Messenger’s messaging window with this customer has closed',
  unknown: 'the server refused it',
};

export function describeReason(reason: string, detail?: string): string {
  const sentence = reasons[reason as RejectReason] ?? reasons.unknown;
  return detail ? `${sentence} (${detail})` : sentence;
}

/** The label agents picked from; a code from an older build is shown as it was sent. */
function dispositionLabel(code: string): string {
  return DISPOSITIONS.find((d) => d.code === code)?.label ?? code;
}

function excerpt(body: string): string {
  return body.length > 60 ? `${body.slice(0, 57)}…` : body;
}
