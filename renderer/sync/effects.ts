import type { Op } from '../../shared/protocol';
import type { Entity, EntityKey, MirrorRow } from './db';

/** One optimistic change to one mirror row: pure, so it can be replayed over a newer server image. */
export interface RowEffect {
  key: EntityKey;
  apply(row: MirrorRow | null): MirrorRow | null;
}

export interface EffectContext {
  /** The signed-in agent: presence and authorship are theirs. */
  agentId: string;
}

const key = (entity: Entity, id: string): EntityKey => [entity, id];

/** Changes fields of a row that exists; an absent row stays absent (nothing to show). */
const patch =
  (fields: Record<string, unknown>) =>
  (row: MirrorRow | null): MirrorRow | null =>
    row ? { ...row, ...fields } : null;

const gone = (): null => null;

/**
 * What the agent sees at once when they act, before the server answers (DESIGN.md sync protocol,
 * client side 1). The server's change replaces it; a rejection removes it (I5, I7).
 */
export function effectsOf(op: Op, ctx: EffectContext): RowEffect[] {
  switch (op.type) {
    case 'presence.set':
      return [
        {
          key: key('agent', ctx.agentId),
          // Their own row may not be mirrored yet (first start offline): the status bar still shows it.
          apply: (row) => ({
            ...(row ?? { id: ctx.agentId }),
            presence: op.payload.presence,
            presenceChangedAt: op.createdAt,
          }),
        },
      ];
    case 'offer.accept':
      return [{ key: key('conversation', op.payload.conversationId), apply: patch({ status: 'assigned' }) }];
    case 'offer.decline':
      // Declined work leaves this agent's view; the server routes it to someone else.
      return [{ key: key('conversation', op.payload.conversationId), apply: gone }];
    case 'conversation.reply':
    case 'conversation.note': {
      const reply = op.type === 'conversation.reply';
      const message: MirrorRow = {
        id: op.payload.messageId,
        conversationId: op.payload.conversationId,
        direction: reply ? 'outbound' : 'note',
        visibility: reply ? op.payload.visibility : 'private',
        authorAgentId: ctx.agentId,
        authorIdentityId: null,
        speaker: null,
        body: op.payload.body,
        templateId: reply ? (op.payload.templateId ?? null) : null,
        via: reply ? (op.payload.via ?? null) : null,
        sentiment: null,
        createdAt: op.createdAt,
      };
      const effects: RowEffect[] = [{ key: key('message', message.id), apply: () => message }];
      if (reply) {
        effects.push({
          key: key('conversation', op.payload.conversationId),
          apply: (row) => (row ? { ...row, firstResponseAt: row.firstResponseAt ?? op.createdAt } : null),
        });
      }
      return effects;
    }
    case 'conversation.retry_delivery':
      return [
        {
          key: key('message', op.payload.messageId),
          apply: patch({ delivery: 'pending', deliveryError: null }),
        },
      ];
    case 'conversation.transfer':
    case 'conversation.escalate':
      // Handed on: it leaves the sender's view (a lead watching the team keeps it until the server says).
      return [
        {
          key: key('conversation', op.payload.conversationId),
          apply: (row) => (row && row.assignedAgentId === ctx.agentId ? null : row),
        },
      ];
    case 'conversation.wrap_up':
      return [
        {
          key: key('conversation', op.payload.conversationId),
          apply: patch({ status: 'wrap_up', disposition: op.payload.disposition }),
        },
      ];
    case 'conversation.resolve':
      return [
        {
          key: key('conversation', op.payload.conversationId),
          apply: patch({ status: 'resolved', resolvedAt: op.createdAt }),
        },
      ];
    case 'review.save': {
      const { reviewId, conversationId, scorecardId, scorecardVersion, ratings, feedback } = op.payload;
      return [
        {
          key: key('review', reviewId),
          // The score is the server's to compute (one formula); the lead's screen computes it live.
          apply: (row) => ({
            ...(row ?? { id: reviewId, reviewerId: ctx.agentId, status: 'draft', version: 0 }),
            conversationId,
            scorecardId,
            scorecardVersion,
            ratings,
            feedback: feedback ?? '',
            calibrationId: op.payload.calibrationId ?? null,
          }),
        },
      ];
    }
    case 'review.submit':
      return [{ key: key('review', op.payload.reviewId), apply: patch({ status: 'submitted' }) }];
    case 'calibration.start': {
      const { calibrationId, conversationId, scorecardId, scorecardVersion, participantIds } = op.payload;
      return [
        {
          key: key('calibration', calibrationId),
          apply: (row) =>
            row ?? {
              id: calibrationId,
              conversationId,
              scorecardId,
              scorecardVersion,
              participants: participantIds,
              createdBy: ctx.agentId,
              status: 'open',
              createdAt: op.createdAt,
            },
        },
      ];
    }
    case 'calibration.agree':
      return [
        {
          key: key('calibration', op.payload.calibrationId),
          apply: patch({ status: 'agreed', reference: op.payload.ratings }),
        },
      ];
    case 'dispute.open': {
      const { disputeId, reviewId, criterionId, comment } = op.payload;
      return [
        {
          key: key('dispute', disputeId),
          apply: (row) =>
            row ?? {
              id: disputeId,
              reviewId,
              criterionId,
              agentId: ctx.agentId,
              status: 'open',
              steps: [{ kind: 'opened', by: ctx.agentId, comment, at: op.createdAt }],
              createdAt: op.createdAt,
            },
        },
      ];
    }
    case 'dispute.decide':
      return [{ key: key('dispute', op.payload.disputeId), apply: patch({ status: op.payload.decision }) }];
    case 'review.comment': {
      const { reviewId, commentId, anchor, body, criterionId } = op.payload;
      const comment = {
        id: commentId,
        anchor,
        body,
        criterionId: criterionId ?? null,
        authorId: ctx.agentId,
        at: op.createdAt,
      };
      return [
        {
          key: key('review', reviewId),
          apply: (row) => {
            if (!row) return null;
            const comments = Array.isArray(row.comments) ? (row.comments as { id: string }[]) : [];
            return comments.some((c) => c.id === commentId) ? row : { ...row, comments: [...comments, comment] };
          },
        },
      ];
    }
    case 'customer.link':
      return [{ key: key('suggestion', op.payload.suggestionId), apply: patch({ status: 'confirmed' }) }];
    case 'customer.refuse_link':
      return [{ key: key('suggestion', op.payload.suggestionId), apply: patch({ status: 'refused' }) }];
    case 'customer.unlink':
      return [{ key: key('identity', op.payload.identityId), apply: patch({ unlinking: true }) }];
  }
}
