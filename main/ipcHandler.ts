import { z } from 'zod';
import { ipcContract, type IpcChannel, type IpcResponse, type IpcResult } from '../shared/ipc';
import { isAppUrl } from './appUrl';

/** The parts of Electron's WebFrameMain we check; `parent` is null for a top-level frame. */
export interface SenderFrame {
  url: string;
  parent: unknown;
}

/** Only the app's own top-level page may call main: not a sub-frame, not another origin. */
export function isTrustedSender(frame: SenderFrame | null | undefined): boolean {
  if (!frame) return false;
  if (frame.parent !== null) return false;
  return isAppUrl(frame.url);
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: { senderFrame: SenderFrame | null }, ...args: unknown[]) => unknown): void;
}

type ParsedRequest<C extends IpcChannel> = z.output<(typeof ipcContract)[C]['request']>;
export type IpcImpl<C extends IpcChannel> = (request: ParsedRequest<C>) => Promise<IpcResponse<C>> | IpcResponse<C>;

/** Errors whose message is meant for the user carry a known code; anything else is "failed". */
function errorCode(err: unknown): 'setting_locked' | 'failed' {
  return (err as { code?: unknown })?.code === 'setting_locked' ? 'setting_locked' : 'failed';
}

/**
 * Registers one channel: checks the sender, parses the request with the contract's schema, runs
 * the handler and parses its answer too, so a bug in main cannot leak an unexpected shape.
 */
export function handleIpc<C extends IpcChannel>(
  ipcMain: IpcMainLike,
  channel: C,
  impl: IpcImpl<C>,
  log: (message: string) => void = () => {},
): void {
  const contract = ipcContract[channel];
  ipcMain.handle(channel, async (event, ...args): Promise<IpcResult<IpcResponse<C>>> => {
    if (!isTrustedSender(event.senderFrame)) {
      log(`ipc ${channel}: refused sender ${event.senderFrame?.url ?? '(none)'}`);
      return {
        ok: false,
        error: { code: 'untrusted_sender', message: 'This request did not come from the Switchboard window.' },
      };
    }
    if (args.length > 1) {
      return { ok: false, error: { code: 'invalid_request', message: `${channel} takes one argument` } };
    }
    const request = contract.request.safeParse(args[0]);
    if (!request.success) {
      return {
        ok: false,
        error: { code: 'invalid_request', message: `${channel}: ${z.prettifyError(request.error)}` },
      };
    }
    try {
      const value = await impl(request.data as ParsedRequest<C>);
      return { ok: true, value: contract.response.parse(value) as IpcResponse<C> };
    } catch (err) {
      log(`ipc ${channel}: ${(err as Error).message}`);
      return { ok: false, error: { code: errorCode(err), message: (err as Error).message } };
    }
  });
}
