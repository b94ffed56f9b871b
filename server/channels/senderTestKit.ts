import { expect } from 'vitest';
import { serverConfig, type ServerConfig } from '../config';
import { ConnectorHealth } from './health';
import { DeliveryError, type ChannelContext } from './types';

/**
 * Test support for the reply senders, which read only their configuration, health and the clock
 * from the ChannelContext: the database and the logger are absent, and ingesting fails loudly.
 */
export function senderContext(config: Partial<ServerConfig>, now: () => number = Date.now): ChannelContext {
  return {
    config: serverConfig(config),
    db: undefined as never,
    health: new ConnectorHealth(),
    log: undefined as never,
    now,
    push: () => undefined,
    ingest: () => Promise.reject(new Error('not used')),
  };
}

/** The DeliveryError a send was refused with (fails the test if it went out, or failed otherwise). */
export async function refusal(promise: Promise<unknown>): Promise<DeliveryError> {
  const error = await promise.then(
    () => null,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(DeliveryError);
  return error as DeliveryError;
}
