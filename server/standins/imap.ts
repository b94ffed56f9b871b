import { createRequire } from 'node:module';
import type { AddressInfo, Server, Socket } from 'node:net';

/**
 * A local IMAP server standing in for the company's support mailbox, for tests of IMAP polling:
 * hoodiecrow-imap (a scriptable in-memory IMAP4rev1 server by imapflow's author, a dev
 * dependency) on 127.0.0.1 and a free port, one mailbox (INBOX) and one login. Tests put mail in
 * with `deliver`, read flags back, and take the server away and bring it back on the same port.
 */

interface HoodiecrowMessage {
  uid: number;
  flags: string[];
  raw: string;
}
interface HoodiecrowServer {
  server: Server;
  listen(port: number, host: string, callback: () => void): void;
  getMailbox(path: string): { messages: HoodiecrowMessage[] };
  appendMessage(
    mailbox: string,
    flags: string[],
    internaldate: Date | undefined,
    raw: string,
  ): { message: HoodiecrowMessage };
}
type Hoodiecrow = (options: Record<string, unknown>) => HoodiecrowServer;

export interface ImapStandin {
  /** `imap://standin:standin@127.0.0.1:port/INBOX` for IMAP_URL. */
  url: string;
  /** Puts a message in INBOX (unseen unless flags say otherwise); returns its UID. */
  deliver(raw: string, flags?: string[]): number;
  flags(uid: number): string[];
  /** Connections accepted so far. */
  readonly connections: number;
  /** Stops listening and drops every connection, as a mail server that went away. */
  goAway(): Promise<void>;
  /** Listens again on the same port, with the same mailbox. */
  comeBack(): Promise<void>;
  close(): Promise<void>;
}

export async function startImapStandin(): Promise<ImapStandin> {
  const hoodiecrow = createRequire(import.meta.url)('hoodiecrow-imap') as Hoodiecrow;
  const imap = hoodiecrow({
    plugins: ['ID', 'UIDPLUS', 'UNSELECT', 'ENABLE'],
    users: { standin: { password: 'standin' } },
    storage: { INBOX: { messages: [] }, '': { separator: '/', folders: {} } },
  });
  const sockets = new Set<Socket>();
  let connections = 0;
  imap.server.on('connection', (socket: Socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => imap.listen(0, '127.0.0.1', resolve));
  imap.server.unref();
  const { port } = imap.server.address() as AddressInfo;
  let listening = true;

  const goAway = () =>
    new Promise<void>((resolve) => {
      if (!listening) return resolve();
      listening = false;
      for (const socket of sockets) socket.destroy();
      imap.server.close(() => resolve());
    });

  return {
    url: `imap://standin:standin@127.0.0.1:${port}/INBOX`,
    deliver: (raw, flags = []) => imap.appendMessage('INBOX', flags, undefined, raw).message.uid,
    flags: (uid) => imap.getMailbox('INBOX').messages.find((m) => m.uid === uid)?.flags ?? [],
    get connections() {
      return connections;
    },
    goAway,
    comeBack: () =>
      new Promise<void>((resolve) => {
        if (listening) return resolve();
        listening = true;
        imap.server.listen(port, '127.0.0.1', () => resolve());
      }),
    close: goAway,
  };
}
