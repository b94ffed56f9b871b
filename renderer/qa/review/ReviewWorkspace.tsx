import type { ReviewTarget } from '../../store/qaSlice';

/** Being built (issue 8). */
export function ReviewWorkspace({ target }: { target: ReviewTarget }) {
  return <p>{target.conversationId}</p>;
}
