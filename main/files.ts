import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SettingsFiles } from './settingsStore';
import type { TokenFiles } from './tokenStore';

async function writeAtomic(file: string, data: string | Buffer): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, data, { mode: 0o600 });
  await rename(temp, file);
}

export const settingsFiles: SettingsFiles = {
  readText: (file) => readFile(file, 'utf8'),
  writeTextAtomic: writeAtomic,
};

export const tokenFiles: TokenFiles = {
  read: (file) => readFile(file),
  writeAtomic,
  remove: (file) => rm(file, { force: true }),
};
