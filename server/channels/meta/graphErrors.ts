import { z } from 'zod';
import { DeliveryError } from '../types';

/** Graph's error body: `{ error: { message, type, code, error_subcode, fbtrace_id } }`. */
export const GraphErrorSchema = z.looseObject({
  error: z.looseObject({
    message: z.string().catch('(no message)'),
    type: z.string().optional().catch(undefined),
    code: z.number().optional().catch(undefined),
    error_subcode: z.number().optional().catch(undefined),
    is_transient: z.boolean().optional().catch(undefined),
    fbtrace_id: z.string().optional().catch(undefined),
  }),
});

/** Application, user, page and custom rate limits: the same request goes through later. */
const RATE_LIMITS = new Set([4, 17, 32, 613]);
/** "Unknown error" and "service temporarily unavailable": Graph's own failures. */
const GRAPH_FAILURES = new Set([1, 2]);
const INVALID_TOKEN = 190;
const OUTSIDE_WINDOW_SUBCODE = 2018278;

/**
 * What a Graph failure means for the reply: retried later (rate limits, Graph's own failures,
 * 5xx) or refused for good with a sentence the agent or an admin can act on.
 */
export function graphFailure(status: number, body: unknown): DeliveryError {
  const parsed = GraphErrorSchema.safeParse(body);
  if (!parsed.success) {
    return status >= 500 || status === 429
      ? new DeliveryError(`Facebook failed on its side (HTTP ${status}); the reply will be tried again.`, true)
      : new DeliveryError(`Facebook refused the reply (HTTP ${status}) without saying why.`, false);
  }
  const { message, code, error_subcode: subcode, is_transient: transient, fbtrace_id: trace } = parsed.data.error;
  const detail = `${message.slice(0, 300)}${code === undefined ? '' : ` (code ${code}${subcode ? `/${subcode}` : ''})`}${trace ? ` [trace ${trace}]` : ''}`;
  if (code !== undefined && RATE_LIMITS.has(code)) {
    return new DeliveryError(`Facebook is rate-limiting the page: ${detail}. The reply will be tried again.`, true);
  }
  if (transient === true || (code !== undefined && GRAPH_FAILURES.has(code)) || status >= 500 || status === 429) {
    return new DeliveryError(`Facebook failed on its side: ${detail}. The reply will be tried again.`, true);
  }
  if (code === INVALID_TOKEN) {
    return new DeliveryError(
      `Facebook refused the page access token: ${detail}. An admin must renew META_PAGE_ACCESS_TOKEN.`,
      false,
      'auth_failure',
    );
  }
  if (subcode === OUTSIDE_WINDOW_SUBCODE) {
    return new DeliveryError(
      `Messenger refused the reply: it is outside the messaging window (${detail}). Answer by email if the customer has an address.`,
      false,
      'messaging_window_closed',
    );
  }
  if (code === 10 || (code !== undefined && code >= 200 && code <= 299)) {
    return new DeliveryError(
      `Facebook refused the reply for lack of permission: ${detail}. An admin must grant the page's messaging and engagement permissions.`,
      false,
    );
  }
  return new DeliveryError(`Facebook refused the reply: ${detail}.`, false);
}
