import { ApiErrorSchema } from '../../../shared/api';
import type { ApiSession } from '../qaApi';
import { filenameFromDisposition } from './qualitySeries';

/**
 * `GET /api/qa/quality.csv` with the tab's query: the file and its name (the server's
 * content-disposition when the page may read it, else `fallbackName`), or a sentence.
 */
export async function fetchQualityCsv(
  session: ApiSession,
  query: string,
  fallbackName: string,
  fetchImpl: typeof fetch = fetch,
): Promise<{ ok: true; blob: Blob; filename: string } | { ok: false; message: string }> {
  let response: Response;
  try {
    response = await fetchImpl(`${session.serverUrl}/api/qa/quality.csv?${query}`, {
      headers: { Authorization: `Bearer ${session.token}` },
      signal: AbortSignal.timeout(30_000),
    });
  } catch {
    return {
      ok: false,
      message: `Not exported: cannot reach the Switchboard server at ${session.serverUrl}. Try again once you are online.`,
    };
  }
  if (!response.ok) {
    if (response.status === 401) return { ok: false, message: 'Your sign-in is being renewed; try again in a moment.' };
    const error = ApiErrorSchema.safeParse(await response.json().catch(() => undefined));
    return {
      ok: false,
      message: error.success ? error.data.error.message : `Not exported: the server refused (HTTP ${response.status}).`,
    };
  }
  try {
    const blob = await response.blob();
    return {
      ok: true,
      blob,
      filename: filenameFromDisposition(response.headers.get('content-disposition'), fallbackName),
    };
  } catch {
    return { ok: false, message: 'Not exported: the download was cut off. Try again.' };
  }
}

/** Saves a file the way an email attachment is saved: an object URL and a link with `download`. */
export function saveFile(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
