import { describe, expect, it, vi } from 'vitest';
import { loadPolicy, machinePolicyPath, type ReadText } from './policy';

const file = '/etc/switchboard/policy.json';

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: cannot open ${file}`), { code });
}

const reading =
  (text: string): ReadText =>
  async () =>
    text;
const failing =
  (error: Error): ReadText =>
  async () => {
    throw error;
  };

/** Narrows to the invalid state so the message can be checked without optional chaining. */
async function invalidMessage(readText: ReadText): Promise<string> {
  const state = await loadPolicy(file, readText);
  if (state.status !== 'invalid') throw new Error(`expected an invalid policy, got ${state.status}`);
  return state.message;
}

describe('machinePolicyPath', () => {
  it('is under /etc on Linux', () => {
    expect(machinePolicyPath('linux', {})).toBe('/etc/switchboard/policy.json');
  });

  it('is under ProgramData on Windows, wherever that folder is', () => {
    expect(machinePolicyPath('win32', { ProgramData: 'D:\\ProgramData' })).toBe(
      'D:\\ProgramData\\Switchboard\\policy.json',
    );
  });

  it('falls back to C:\\ProgramData on Windows when the variable is unset', () => {
    expect(machinePolicyPath('win32', {})).toBe('C:\\ProgramData\\Switchboard\\policy.json');
  });

  it('is under /Library/Application Support on macOS', () => {
    expect(machinePolicyPath('darwin', {})).toBe('/Library/Application Support/Switchboard/policy.json');
  });
});

describe('loadPolicy', () => {
  it('reads the file it was given', async () => {
    const readText = vi.fn<ReadText>(async () => '{}');
    await loadPolicy(file, readText);
    expect(readText).toHaveBeenCalledWith(file);
  });

  it('treats a missing file as no policy', async () => {
    expect(await loadPolicy(file, failing(errno('ENOENT')))).toEqual({ status: 'absent', path: file });
  });

  it('treats a missing parent folder as no policy', async () => {
    expect(await loadPolicy(file, failing(errno('ENOTDIR')))).toEqual({ status: 'absent', path: file });
  });

  it('reports an unreadable file as invalid, naming the file and the reason', async () => {
    expect(await loadPolicy(file, failing(errno('EACCES')))).toEqual({
      status: 'invalid',
      path: file,
      message: '/etc/switchboard/policy.json cannot be read (EACCES)',
    });
  });

  it('reports a read error without a code by its message', async () => {
    expect(await invalidMessage(failing(new Error('disk on fire')))).toBe(
      '/etc/switchboard/policy.json cannot be read (disk on fire)',
    );
  });

  it('reports invalid JSON as invalid, naming the file', async () => {
    const message = await invalidMessage(reading('{ "enforced": { "autoUpdate": false, } }'));
    expect(message).toMatch(/^\/etc\/switchboard\/policy\.json is not valid JSON/);
  });

  it('reports a wrongly-typed value naming the file and the field', async () => {
    const message = await invalidMessage(reading('{ "enforced": { "serverUrl": 42 } }'));
    expect(message).toMatch(/^\/etc\/switchboard\/policy\.json: /);
    expect(message).toContain('enforced.serverUrl');
  });

  it('reports an unknown setting naming the file, the section and the key', async () => {
    const message = await invalidMessage(reading('{ "defaults": { "autoUpdates": false } }'));
    expect(message).toBe('/etc/switchboard/policy.json: defaults: unknown setting "autoUpdates"');
  });

  it('reports an unknown top-level section naming the file and the key', async () => {
    const message = await invalidMessage(reading('{ "enforce": { "autoUpdate": false } }'));
    expect(message).toBe('/etc/switchboard/policy.json: unknown setting "enforce"');
  });

  it('reports a policy that is not an object naming the file', async () => {
    expect(await invalidMessage(reading('[]'))).toMatch(/^\/etc\/switchboard\/policy\.json: \(top level\): /);
  });

  it('loads a valid policy, filling in missing sections', async () => {
    expect(
      await loadPolicy(
        file,
        reading('{ "enforced": { "autoUpdate": false, "serverUrl": "https://sb.example.com/" } }'),
      ),
    ).toEqual({
      status: 'ok',
      path: file,
      policy: { defaults: {}, enforced: { autoUpdate: false, serverUrl: 'https://sb.example.com' } },
    });
  });
});
