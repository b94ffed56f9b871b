import {
  ApiErrorSchema,
  AttachmentsResponseSchema,
  ConnectorsResponseSchema,
  HealthSchema,
  SignInResponseSchema,
  type Attachment,
  type ConnectorStatus,
  type Health,
  type SignInRequest,
  type SignInResponse,
} from '../../shared/api';

export class SignInError extends Error {
  constructor(
    readonly code: 'bad_credentials' | 'rate_limited' | 'unreachable' | 'bad_response' | 'server_error',
    message: string,
  ) {
    super(message);
  }
}

/** POST /api/session; every failure becomes a sentence that says what to do next. */
export async function signIn(
  serverUrl: string,
  request: SignInRequest,
  fetchImpl: typeof fetch = fetch,
): Promise<SignInResponse> {
  let response: Response;
  try {
    response = await fetchImpl(`${serverUrl}/api/session`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(request),
    });
  } catch {
    throw new SignInError(
      'unreachable',
      `Cannot reach the Switchboard server at ${serverUrl}. Check your network connection, or the server address in Settings.`,
    );
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (response.status === 401) throw new SignInError('bad_credentials', 'Wrong email or password. Try again.');
  if (response.status === 429) {
    throw new SignInError('rate_limited', 'Too many sign-in attempts. Wait a minute, then try again.');
  }
  if (!response.ok) {
    const detail = ApiErrorSchema.safeParse(body);
    throw new SignInError(
      'server_error',
      `The server could not sign you in (${detail.success ? detail.data.error.message : `HTTP ${response.status}`}). Try again shortly.`,
    );
  }
  const parsed = SignInResponseSchema.safeParse(body);
  if (!parsed.success) {
    throw new SignInError(
      'bad_response',
      `The server at ${serverUrl} answered in a way this app does not understand. Is it a Switchboard server?`,
    );
  }
  return parsed.data;
}

/** GET /healthz: null when the server cannot be reached or is not ready. */
export async function checkHealth(
  serverUrl: string,
  fetchImpl: typeof fetch = fetch,
  timeoutMs = 5000,
): Promise<Health | null> {
  try {
    const response = await fetchImpl(`${serverUrl}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return null;
    const parsed = HealthSchema.safeParse(await response.json());
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * POST /api/session/refresh: a fresh access token (and the next refresh token; the old one is
 * spent). `ended` means the sign-in is over and the agent must sign in again; `unreachable` that
 * it should be tried again later.
 */
export async function refreshSession(
  serverUrl: string,
  refreshToken: string,
  fetchImpl: typeof fetch = fetch,
): Promise<{ ok: true; session: SignInResponse } | { ok: false; reason: 'ended' | 'unreachable' }> {
  let response: Response;
  try {
    response = await fetchImpl(`${serverUrl}/api/session/refresh`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ refreshToken }),
    });
  } catch {
    return { ok: false, reason: 'unreachable' };
  }
  if (response.status === 401 || response.status === 400) return { ok: false, reason: 'ended' };
  if (!response.ok) return { ok: false, reason: 'unreachable' };
  const parsed = SignInResponseSchema.safeParse(await response.json().catch(() => undefined));
  return parsed.success ? { ok: true, session: parsed.data } : { ok: false, reason: 'unreachable' };
}

/**
 * GET /api/admin/connectors (leads and admins): each channel connection's health. Failures come
 * back as a sentence for the panel, never thrown.
 */
export async function fetchConnectors(
  serverUrl: string,
  token: string,
  fetchImpl: typeof fetch = fetch,
): Promise<{ ok: true; connectors: ConnectorStatus[] } | { ok: false; message: string }> {
  let response: Response;
  try {
    response = await fetchImpl(`${serverUrl}/api/admin/connectors`, {
      headers: { Authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(10_000),
    });
  } catch {
    return {
      ok: false,
      message: `Cannot reach the Switchboard server at ${serverUrl}; the figures show once it answers.`,
    };
  }
  if (response.status === 401) return { ok: false, message: 'Your sign-in is being renewed; try again in a moment.' };
  if (response.status === 403) return { ok: false, message: 'Connector health is for team leads and admins.' };
  const parsed = ConnectorsResponseSchema.safeParse(await response.json().catch(() => undefined));
  if (!response.ok || !parsed.success) {
    return { ok: false, message: `The server could not report connector health (HTTP ${response.status}).` };
  }
  return { ok: true, connectors: parsed.data.connectors };
}

/** GET /api/messages/:id/attachments: an email's files, or a sentence saying why not. */
export async function fetchAttachments(
  serverUrl: string,
  token: string,
  messageId: string,
  fetchImpl: typeof fetch = fetch,
): Promise<{ ok: true; attachments: Attachment[] } | { ok: false; message: string }> {
  try {
    const response = await fetchImpl(`${serverUrl}/api/messages/${encodeURIComponent(messageId)}/attachments`, {
      headers: { Authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(10_000),
    });
    const parsed = AttachmentsResponseSchema.safeParse(await response.json().catch(() => undefined));
    if (response.ok && parsed.success) return { ok: true, attachments: parsed.data.attachments };
    if (response.status === 401) return { ok: false, message: 'Your sign-in is being renewed; try again in a moment.' };
    return { ok: false, message: `The server could not list the files (HTTP ${response.status}).` };
  } catch {
    return { ok: false, message: 'Files are kept on the server: connect to see and download them.' };
  }
}

/** GET /api/attachments/:id as bytes, for the agent to save. */
export async function downloadAttachment(
  serverUrl: string,
  token: string,
  attachmentId: string,
  fetchImpl: typeof fetch = fetch,
): Promise<{ ok: true; blob: Blob } | { ok: false; message: string }> {
  try {
    const response = await fetchImpl(`${serverUrl}/api/attachments/${encodeURIComponent(attachmentId)}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    if (response.ok) return { ok: true, blob: await response.blob() };
    const error = ApiErrorSchema.safeParse(await response.json().catch(() => undefined));
    return {
      ok: false,
      message: error.success ? error.data.error.message : `Download failed (HTTP ${response.status}).`,
    };
  } catch {
    return { ok: false, message: 'The file could not be downloaded: check the connection and try again.' };
  }
}
