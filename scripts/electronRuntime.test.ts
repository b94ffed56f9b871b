import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findElectronRuntime, missingElectronMessage } from './electronRuntime';

async function project(withRuntime: boolean): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'switchboard-runtime-'));
  const pkg = path.join(root, 'node_modules', 'electron');
  await mkdir(path.join(pkg, 'dist'), { recursive: true });
  if (withRuntime) {
    await writeFile(path.join(pkg, 'path.txt'), 'electron');
    await writeFile(path.join(pkg, 'dist', 'electron'), '');
  }
  return root;
}

describe('finding the Electron runtime', () => {
  it('reports a never-downloaded runtime with the reason instead of throwing', async () => {
    const result = findElectronRuntime(await project(false), {}, 'linux');
    expect(result).toEqual({ found: false, reason: expect.stringContaining('never downloaded') as string });
  });

  it('finds the binary named in path.txt', async () => {
    const root = await project(true);
    expect(findElectronRuntime(root, {}, 'linux')).toEqual({
      found: true,
      binary: path.join(root, 'node_modules/electron/dist/electron'),
    });
  });

  it('prefers ELECTRON_OVERRIDE_DIST_PATH and says when it points nowhere', async () => {
    const root = await project(true);
    const result = findElectronRuntime(root, { ELECTRON_OVERRIDE_DIST_PATH: '/nowhere' }, 'linux');
    expect(result).toEqual({
      found: false,
      reason: 'ELECTRON_OVERRIDE_DIST_PATH is set but /nowhere/electron does not exist',
    });
  });

  it('tells the user what to do and where the web agent runs', () => {
    const message = missingElectronMessage('the Electron runtime was never downloaded', 'http://127.0.0.1:4410');
    expect(message).toContain('npm run electron:install');
    expect(message).toContain('ELECTRON_OVERRIDE_DIST_PATH');
    expect(message).toContain('http://127.0.0.1:4410');
  });
});
