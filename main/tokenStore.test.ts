import { describe, expect, it, vi } from 'vitest';
import type { StoredSession } from '../shared/ipc';
import {
  MEMORY_ONLY_NOTICE,
  NO_ENCRYPTION_NOTICE,
  TokenStore,
  type SafeStorageLike,
  type TokenFiles,
} from './tokenStore';

const sessionFile = '/home/agent/.config/Switchboard/session.bin';
const session: StoredSession = {
  token: 'tok_live_4f9a2c',
  refreshToken: 'ref_8d7e1b',
  serverUrl: 'https://sb.example.com',
  agent: { id: 'agent-dana', name: 'Dana Reyes', email: 'dana@example.com', role: 'agent' },
  expiresAt: '2030-01-01T00:00:00.000Z',
};

/** Reversible stand-in for the OS keyring: base64 behind a marker, so plain text never shows. */
function fakeSafeStorage(options: { available?: boolean; backend?: string; shouldReEncrypt?: boolean } = {}) {
  const safeStorage: SafeStorageLike = {
    isAsyncEncryptionAvailable: async () => options.available ?? true,
    encryptStringAsync: vi.fn(async (plain: string) =>
      Buffer.from(`enc:${Buffer.from(plain, 'utf8').toString('base64')}`),
    ),
    decryptStringAsync: async (encrypted: Buffer) => {
      const text = encrypted.toString('utf8');
      if (!text.startsWith('enc:')) throw new Error('cannot decrypt');
      return {
        result: Buffer.from(text.slice(4), 'base64').toString('utf8'),
        shouldReEncrypt: options.shouldReEncrypt ?? false,
      };
    },
  };
  if (options.backend !== undefined) {
    const backend = options.backend;
    safeStorage.getSelectedStorageBackend = () => backend;
  }
  return safeStorage;
}

/** Token files held in a Map that outlives a TokenStore, so a test can "restart" the app. */
function memoryFiles(initial: Record<string, Buffer> = {}) {
  const disk = new Map(Object.entries(initial));
  const files: TokenFiles = {
    read: async (file) => {
      const data = disk.get(file);
      if (!data) throw Object.assign(new Error(`ENOENT: ${file}`), { code: 'ENOENT' });
      return data;
    },
    writeAtomic: vi.fn(async (file: string, data: Buffer) => void disk.set(file, data)),
    remove: vi.fn(async (file: string) => void disk.delete(file)),
  };
  return { files, disk };
}

const encryptedOnDisk = () => Buffer.from(`enc:${Buffer.from(JSON.stringify(session)).toString('base64')}`);

describe('TokenStore with an OS keyring', () => {
  it('saves the session encrypted, without the token in plain text on disk', async () => {
    const { files, disk } = memoryFiles();
    const store = new TokenStore(fakeSafeStorage({ backend: 'gnome_libsecret' }), files, sessionFile, () => true);

    expect(await store.save(session)).toEqual({ session, storage: 'keyring', notice: null });

    const bytes = disk.get(sessionFile)?.toString('utf8') ?? '';
    expect(bytes).not.toBe('');
    expect(bytes).not.toContain(session.token);
    expect(bytes).not.toContain(session.refreshToken);
  });

  it('loads the saved session after a restart', async () => {
    const { files } = memoryFiles();
    const safeStorage = fakeSafeStorage();
    await new TokenStore(safeStorage, files, sessionFile, () => false).save(session);

    const afterRestart = new TokenStore(safeStorage, files, sessionFile, () => false);
    expect(await afterRestart.load()).toEqual({ session, storage: 'keyring', notice: null });
  });

  it('re-encrypts a session the OS asks to re-encrypt', async () => {
    const { files, disk } = memoryFiles({ [sessionFile]: encryptedOnDisk() });
    const safeStorage = fakeSafeStorage({ shouldReEncrypt: true });
    const store = new TokenStore(safeStorage, files, sessionFile, () => false);

    expect((await store.load()).session).toEqual(session);
    expect(safeStorage.encryptStringAsync).toHaveBeenCalledWith(JSON.stringify(session));
    expect(files.writeAtomic).toHaveBeenCalledTimes(1);
    expect(disk.get(sessionFile)?.equals(encryptedOnDisk())).toBe(true);
  });

  it('does not re-save a session that needs no re-encryption', async () => {
    const { files } = memoryFiles({ [sessionFile]: encryptedOnDisk() });
    await new TokenStore(fakeSafeStorage(), files, sessionFile, () => false).load();
    expect(files.writeAtomic).not.toHaveBeenCalled();
  });

  it('still loads a session whose re-encryption cannot be written', async () => {
    const { files } = memoryFiles({ [sessionFile]: encryptedOnDisk() });
    files.writeAtomic = async () => {
      throw Object.assign(new Error('ENOSPC: disk full'), { code: 'ENOSPC' });
    };
    const store = new TokenStore(fakeSafeStorage({ shouldReEncrypt: true }), files, sessionFile, () => false);
    expect((await store.load()).session).toEqual(session);
  });

  it.each([
    ['bytes that do not decrypt', Buffer.from('garbage')],
    ['decrypted text that is not JSON', Buffer.from(`enc:${Buffer.from('{not json').toString('base64')}`)],
    ['JSON that is not a session', Buffer.from(`enc:${Buffer.from('{"token":""}').toString('base64')}`)],
  ])('treats a file with %s as signed out, without throwing', async (_what, bytes) => {
    const { files } = memoryFiles({ [sessionFile]: bytes });
    const store = new TokenStore(fakeSafeStorage(), files, sessionFile, () => false);
    expect(await store.load()).toEqual({ session: null, storage: 'keyring', notice: null });
  });

  it('treats a missing file as signed out', async () => {
    const { files } = memoryFiles();
    expect(await new TokenStore(fakeSafeStorage(), files, sessionFile, () => false).load()).toEqual({
      session: null,
      storage: 'keyring',
      notice: null,
    });
  });

  it('clear forgets the session and removes the file', async () => {
    const { files, disk } = memoryFiles();
    const store = new TokenStore(fakeSafeStorage(), files, sessionFile, () => false);
    await store.save(session);

    expect(await store.clear()).toEqual({ session: null, storage: 'keyring', notice: null });
    expect(disk.has(sessionFile)).toBe(false);
    expect((await store.load()).session).toBeNull();
  });
});

describe('TokenStore without a keyring (Linux basic_text)', () => {
  it('keeps the session in memory only when policy requires secure storage, and says why', async () => {
    const { files, disk } = memoryFiles();
    const store = new TokenStore(fakeSafeStorage({ backend: 'basic_text' }), files, sessionFile, () => true);

    expect(await store.save(session)).toEqual({ session, storage: 'memory_only', notice: MEMORY_ONLY_NOTICE });
    expect(files.writeAtomic).not.toHaveBeenCalled();
    expect(disk.size).toBe(0);
    expect(await store.load()).toEqual({ session, storage: 'memory_only', notice: MEMORY_ONLY_NOTICE });
  });

  it('removes and does not load a token written before policy required secure storage', async () => {
    const { files, disk } = memoryFiles({ [sessionFile]: encryptedOnDisk() });
    const store = new TokenStore(fakeSafeStorage({ backend: 'basic_text' }), files, sessionFile, () => true);

    expect(await store.load()).toEqual({ session: null, storage: 'memory_only', notice: MEMORY_ONLY_NOTICE });
    expect(disk.has(sessionFile)).toBe(false);
  });

  it('removes a token left on disk when a memory-only save happens', async () => {
    const { files, disk } = memoryFiles({ [sessionFile]: encryptedOnDisk() });
    await new TokenStore(fakeSafeStorage({ backend: 'basic_text' }), files, sessionFile, () => true).save(session);
    expect(disk.has(sessionFile)).toBe(false);
  });

  it('persists with basic_text when policy allows it', async () => {
    const { files, disk } = memoryFiles();
    const safeStorage = fakeSafeStorage({ backend: 'basic_text' });
    const store = new TokenStore(safeStorage, files, sessionFile, () => false);

    expect(await store.save(session)).toEqual({ session, storage: 'basic_text', notice: null });
    expect(disk.get(sessionFile)?.toString('utf8')).not.toContain(session.token);
    expect(await new TokenStore(safeStorage, files, sessionFile, () => false).load()).toEqual({
      session,
      storage: 'basic_text',
      notice: null,
    });
  });

  it('follows the policy as it is now, not as it was when the store was made', async () => {
    let requireSecure = false;
    const store = new TokenStore(
      fakeSafeStorage({ backend: 'basic_text' }),
      memoryFiles().files,
      sessionFile,
      () => requireSecure,
    );
    expect((await store.mode()).storage).toBe('basic_text');
    requireSecure = true;
    expect(await store.mode()).toEqual({ storage: 'memory_only', notice: MEMORY_ONLY_NOTICE });
  });
});

describe('TokenStore without any encryption', () => {
  it('keeps the session in memory only with the no-encryption notice and writes nothing', async () => {
    const { files, disk } = memoryFiles();
    const safeStorage = fakeSafeStorage({ available: false });
    const store = new TokenStore(safeStorage, files, sessionFile, () => false);

    expect(await store.save(session)).toEqual({ session, storage: 'memory_only', notice: NO_ENCRYPTION_NOTICE });
    expect(safeStorage.encryptStringAsync).not.toHaveBeenCalled();
    expect(disk.size).toBe(0);
  });

  it('treats an availability check that fails as no encryption', async () => {
    const safeStorage = fakeSafeStorage();
    safeStorage.isAsyncEncryptionAvailable = () => Promise.reject(new Error('keyring daemon gone'));
    const store = new TokenStore(safeStorage, memoryFiles().files, sessionFile, () => false);
    expect(await store.mode()).toEqual({ storage: 'memory_only', notice: NO_ENCRYPTION_NOTICE });
  });

  it('is signed out after a restart', async () => {
    const { files } = memoryFiles();
    const safeStorage = fakeSafeStorage({ available: false });
    await new TokenStore(safeStorage, files, sessionFile, () => false).save(session);
    expect(await new TokenStore(safeStorage, files, sessionFile, () => false).load()).toEqual({
      session: null,
      storage: 'memory_only',
      notice: NO_ENCRYPTION_NOTICE,
    });
  });

  it('keeps a saved session on disk while the keyring is still locked, and loads it once it opens', async () => {
    const { files, disk } = memoryFiles({ [sessionFile]: encryptedOnDisk() });
    const locked = await new TokenStore(fakeSafeStorage({ available: false }), files, sessionFile, () => false).load();
    expect(locked.session).toBeNull();
    expect(disk.has(sessionFile)).toBe(true);
    const unlocked = await new TokenStore(fakeSafeStorage(), files, sessionFile, () => false).load();
    expect(unlocked.session).toEqual(session);
  });
});
