import type { z } from 'zod';
import { ApiErrorSchema } from '../../shared/api';

/** What the QA screens need of the signed-in session to call the server. */
export interface ApiSession {
  serverUrl: string;
  token: string;
}

export type ApiResult<T> = { ok: true; data: T } | { ok: false; status: number; message: string };

/**
 * One HTTP call of the QA screens (scorecards, sampling rules, automatic checks, quality scores):
 * the answer parsed by its schema, and every failure turned into a sentence saying what to do.
 * These are the online-only parts of QA; reviews, comments, disputes and calibrations are ops.
 */
export async function qaRequest<S extends z.ZodType>(
  session: ApiSession,
  path: string,
  schema: S,
  init: { method?: 'GET' | 'POST' | 'PUT'; body?: unknown } = {},
  fetchImpl: typeof fetch = fetch,
): Promise<ApiResult<z.infer<S>>> {
  let response: Response;
  try {
    response = await fetchImpl(`${session.serverUrl}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        Authorization: `Bearer ${session.token}`,
        ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      signal: AbortSignal.timeout(15_000),
    });
  } catch {
    return {
      ok: false,
      status: 0,
      message: `Cannot reach the Switchboard server at ${session.serverUrl}. This needs the network; try again once you are online.`,
    };
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const error = ApiErrorSchema.safeParse(body);
    if (response.status === 401)
      return { ok: false, status: 401, message: 'Your sign-in is being renewed; try again in a moment.' };
    return {
      ok: false,
      status: response.status,
      message: error.success ? error.data.error.message : `The server refused this (HTTP ${response.status}).`,
    };
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success)
    return {
      ok: false,
      status: response.status,
      message: 'The server answered in a way this app does not understand.',
    };
  return { ok: true, data: parsed.data };
}
