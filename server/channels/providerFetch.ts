import { DeliveryError } from './types';

/** What a provider's API answered: the response, and its body parsed as JSON (undefined if it is not). */
export interface ProviderAnswer {
  response: Response;
  json: unknown;
}

/**
 * POSTs a reply to a provider's HTTP API. No answer within `timeoutMs`, or no connection at all,
 * is a retryable DeliveryError naming `provider` (the same request may go through later). Any
 * answer, 2xx or not, comes back as it is: each provider words its errors its own way, so the
 * adapter reads the status and body.
 */
export async function postToProvider(
  provider: string,
  url: string,
  request: { body: unknown; timeoutMs: number; headers?: Record<string, string> },
): Promise<ProviderAnswer> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...request.headers },
      body: JSON.stringify(request.body),
      signal: AbortSignal.timeout(request.timeoutMs),
    });
  } catch (err) {
    const { name, message } = err as Error;
    const timedOut = name === 'TimeoutError' || name === 'AbortError';
    throw new DeliveryError(
      timedOut
        ? `${provider} did not answer within ${request.timeoutMs / 1000} s; the reply will be tried again.`
        : `${provider} could not be reached (${message}); the reply will be tried again.`,
      true,
    );
  }
  const text = await response.text().catch(() => '');
  return { response, json: parseJson(text) };
}

function parseJson(text: string): unknown {
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
}
