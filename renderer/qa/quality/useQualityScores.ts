import { useCallback, useEffect, useState } from 'react';
import { z } from 'zod';
import { useAppStore } from '../../store/store';
import { qaRequest, type ApiResult } from '../qaApi';

/** `GET /api/qa/quality` (server/qa/qualityRoutes.ts). */
export const QualityResponseSchema = z.object({
  groupBy: z.enum(['agent', 'team', 'channel', 'scorecard']),
  bucket: z.enum(['day', 'week', 'month']),
  from: z.string(),
  to: z.string(),
  rows: z.array(
    z.object({
      group: z.string().nullable(),
      /** The group's name from the server (a channel's id); absent from servers before it was added. */
      label: z.string().nullable().optional(),
      bucketStart: z.string(),
      score: z.number(),
      reviews: z.number().int(),
    }),
  ),
});
export type QualityResponse = z.infer<typeof QualityResponseSchema>;

export type QualityScores =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'ready'; data: QualityResponse }
  | { status: 'error'; message: string };

/**
 * The quality scores for one query string (null: the controls make no query yet). Online only:
 * a failure is a sentence, and `reload` asks again with the same query.
 */
export function useQualityScores(
  query: string | null,
  fetchImpl?: typeof fetch,
): { scores: QualityScores; reload: () => void } {
  const session = useAppStore((s) => s.session);
  const [attempt, setAttempt] = useState(0);
  const [answer, setAnswer] = useState<{ key: string; result: ApiResult<QualityResponse> } | null>(null);
  const key = `${attempt}|${query}`;

  useEffect(() => {
    if (!session || query === null) return;
    let live = true;
    void qaRequest(session, `/api/qa/quality?${query}`, QualityResponseSchema, {}, fetchImpl).then((result) => {
      if (live) setAnswer({ key, result });
    });
    return () => {
      live = false;
    };
  }, [session, query, key, fetchImpl]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);

  let scores: QualityScores;
  if (query === null) scores = { status: 'idle' };
  else if (!session) scores = { status: 'error', message: 'Sign in to see quality scores.' };
  else if (answer?.key !== key) scores = { status: 'loading' };
  else if (answer.result.ok) scores = { status: 'ready', data: answer.result.data };
  else scores = { status: 'error', message: answer.result.message };
  return { scores, reload };
}
