import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirInUseError, lockDataDir } from './dataDirLock';
import { openPglite } from './pglite';

describe('data folder lock', () => {
  const dirs: string[] = [];
  const freshDir = async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'switchboard-lock-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  it('a second server on the same folder is refused with what to do; after release it may start', async () => {
    const dir = await freshDir();
    const lock = await lockDataDir(dir);
    const refused = await lockDataDir(dir).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DataDirInUseError);
    expect((refused as Error).message).toContain(`pid ${process.pid}`);
    expect((refused as Error).message).toContain('set SWITCHBOARD_DATA_DIR to another folder');
    await lock.release();
    expect(existsSync(path.join(dir, 'switchboard.lock'))).toBe(false);
    await (await lockDataDir(dir)).release();
  });

  it('a lock left by a process that died (crash, SIGKILL) is taken over', async () => {
    const dir = await freshDir();
    const dead = spawnSync(process.execPath, ['-e', 'process.pid']).pid;
    await writeFile(path.join(dir, 'switchboard.lock'), JSON.stringify({ pid: dead, host: hostname(), since: 'then' }));
    const lock = await lockDataDir(dir);
    expect(JSON.parse(await readFile(path.join(dir, 'switchboard.lock'), 'utf8'))).toMatchObject({ pid: process.pid });
    await lock.release();
  });

  it('PGlite on disk holds the lock while open: a second open of the folder fails and leaves the first working', async () => {
    const dir = await freshDir();
    const db = await openPglite(dir);
    try {
      await expect(openPglite(dir)).rejects.toThrow('is using the data folder');
      expect((await db.query<{ n: number }>('select 1 as n')).rows[0]!.n).toBe(1);
    } finally {
      await db.close();
    }
    const again = await openPglite(dir);
    await again.close();
  }, 60_000);
});
