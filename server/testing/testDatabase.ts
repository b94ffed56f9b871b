import pg from 'pg';
import type { Db } from '../db/db';
import { openPglite } from '../db/pglite';
import { openPostgres } from '../db/postgres';

export type DbKind = 'pglite' | 'postgres';

/** Storage and routing tests run on both; `.ci/run` makes sure a PostgreSQL answers. */
export const DB_KINDS: readonly DbKind[] = ['pglite', 'postgres'];

/** A PostgreSQL role allowed to create databases (trust auth on these machines). */
export const TEST_POSTGRES_URL = process.env.SWITCHBOARD_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * A fresh, empty database: in-memory PGlite, or a new PostgreSQL database dropped afterwards,
 * so tests never see each other's rows.
 */
export async function openTestDatabase(kind: DbKind): Promise<{ db: Db; drop: () => Promise<void> }> {
  if (kind === 'pglite') {
    const db = await openPglite();
    return { db, drop: () => db.close() };
  }
  const name = `switchboard_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  try {
    await admin.connect();
  } catch (err) {
    throw new Error(
      `PostgreSQL tests need a server at ${TEST_POSTGRES_URL} (set SWITCHBOARD_TEST_POSTGRES_URL); .ci/run starts one. ${(err as Error).message}`,
      { cause: err },
    );
  }
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  const db = await openPostgres(url.toString(), 10);
  return {
    db,
    drop: async () => {
      await db.close();
      const cleanup = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}
