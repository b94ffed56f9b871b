import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import pg from 'pg';
import { oneAtATime } from '../../shared/oneAtATime';
import { lockDataDir, type DataDirLock } from './dataDirLock';
import type { Db } from './db';
import { pgTypes, wrapPg } from './pgDriver';

/**
 * PGlite in-process; `dataDir` on disk, or in memory when omitted (tests). It has one connection,
 * so statements and transactions take turns through one queue: a statement outside a transaction
 * never lands inside another caller's open transaction.
 */
export async function openPglite(dataDir?: string): Promise<Db> {
  let lock: DataDirLock | undefined;
  if (dataDir) {
    await mkdir(dataDir, { recursive: true });
    lock = await lockDataDir(dataDir);
  }
  let lite: PGlite;
  try {
    lite = await PGlite.create(dataDir);
  } catch (err) {
    await lock?.release();
    throw new Error(
      `The database in ${dataDir ?? 'memory'} could not be opened (${(err as Error).message}). ` +
        'If it was used by two servers at once it may be damaged: move the folder aside to start afresh, or restore it from a backup.',
      { cause: err },
    );
  }
  const client = new pg.Client({ ...createPgConfig(lite), types: pgTypes });
  await client.connect();
  const q = wrapPg(client);
  const exclusive = oneAtATime();
  return {
    kind: 'pglite',
    query: (sql, params) => exclusive(() => q.query(sql, params)),
    transaction: (fn) =>
      exclusive(async () => {
        await client.query('begin');
        try {
          const result = await fn(q);
          await client.query('commit');
          return result;
        } catch (err) {
          await client.query('rollback').catch(() => {});
          throw err;
        }
      }),
    exec: (sql) =>
      exclusive(async () => {
        await client.query(sql);
      }),
    close: async () => {
      await client.end().catch(() => {});
      await lite.close();
      await lock?.release();
    },
  };
}
