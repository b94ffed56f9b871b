import { hostname } from 'node:os';
import { open, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';

/**
 * PGlite has no lock of its own: two servers opening one data folder both write to it and can
 * damage it (a second `npm start` left running is enough). The lock file holds the owner's pid;
 * a lock whose process is gone (a crash, SIGKILL, a power cut) is stale and taken over.
 */
export interface DataDirLock {
  release(): Promise<void>;
}

const LOCK_FILE = 'switchboard.lock';

interface Owner {
  pid: number;
  host: string;
  since: string;
}

export class DataDirInUseError extends Error {}

export async function lockDataDir(dataDir: string, pid = process.pid): Promise<DataDirLock> {
  const file = path.join(dataDir, LOCK_FILE);
  const me: Owner = { pid, host: hostname(), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(JSON.stringify(me));
      await handle.close();
      return {
        release: async () => {
          const owner = await readOwner(file);
          if (owner?.pid === me.pid && owner.since === me.since) await unlink(file).catch(() => undefined);
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = await readOwner(file);
    if (owner && owner.host === me.host && isAlive(owner.pid)) {
      throw new DataDirInUseError(
        `Another Switchboard server (pid ${owner.pid}, since ${owner.since}) is using the data folder ${dataDir}. ` +
          `Stop it first, or set SWITCHBOARD_DATA_DIR to another folder. If no server is running, delete ${file}.`,
      );
    }
    // Stale (its process is gone) or unreadable: take it over.
    await unlink(file).catch(() => undefined);
  }
  throw new DataDirInUseError(`Could not take the lock ${file}: another server is starting at the same time.`);
}

async function readOwner(file: string): Promise<Owner | null> {
  try {
    const owner = JSON.parse(await readFile(file, 'utf8')) as Partial<Owner>;
    return typeof owner.pid === 'number' && typeof owner.host === 'string'
      ? { pid: owner.pid, host: owner.host, since: String(owner.since) }
      : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else, so it is alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
