import type { SessionStatus, StoredSession, TokenStorage } from '../shared/ipc';
import { StoredSessionSchema } from '../shared/ipc';

/** The async safeStorage API (Electron ≥ 39); the sync one is gone in 46. */
export interface SafeStorageLike {
  isAsyncEncryptionAvailable(): Promise<boolean>;
  encryptStringAsync(plainText: string): Promise<Buffer>;
  decryptStringAsync(encrypted: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }>;
  /** Linux only: `basic_text` means no keyring, the key is a hard-coded password. */
  getSelectedStorageBackend?: () => string;
}

export interface TokenFiles {
  read(file: string): Promise<Buffer>;
  writeAtomic(file: string, data: Buffer): Promise<void>;
  remove(file: string): Promise<void>;
}

export const MEMORY_ONLY_NOTICE =
  'This computer has no secure keyring and your organization requires one, so your sign-in is kept in ' +
  'memory only: you will need to sign in again after Switchboard restarts.';
export const NO_ENCRYPTION_NOTICE =
  'This computer offers no encryption for saved sign-ins, so yours is kept in memory only: you will ' +
  'need to sign in again after Switchboard restarts.';

/**
 * Holds the agent's tokens in main, never in the renderer's storage. On disk they are encrypted
 * with safeStorage; where that would mean the `basic_text` fallback and policy requires secure
 * storage, they stay in memory only and the user is told why.
 */
export class TokenStore {
  private memory: StoredSession | null = null;

  constructor(
    private readonly safeStorage: SafeStorageLike,
    private readonly files: TokenFiles,
    private readonly file: string,
    private readonly requireSecure: () => boolean,
  ) {}

  /** Which storage a save would use now, and the notice to show for it. */
  async mode(): Promise<{ storage: TokenStorage; notice: string | null }> {
    const available = await this.safeStorage.isAsyncEncryptionAvailable().catch(() => false);
    if (!available) return { storage: 'memory_only', notice: NO_ENCRYPTION_NOTICE };
    const basicText = this.safeStorage.getSelectedStorageBackend?.() === 'basic_text';
    if (basicText && this.requireSecure()) return { storage: 'memory_only', notice: MEMORY_ONLY_NOTICE };
    return { storage: basicText ? 'basic_text' : 'keyring', notice: null };
  }

  async save(session: StoredSession): Promise<SessionStatus> {
    this.memory = session;
    const { storage, notice } = await this.mode();
    if (storage === 'memory_only') {
      await this.files.remove(this.file).catch(() => {});
    } else {
      const encrypted = await this.safeStorage.encryptStringAsync(JSON.stringify(session));
      await this.files.writeAtomic(this.file, encrypted);
    }
    return { session, storage, notice };
  }

  async load(): Promise<SessionStatus> {
    const { storage, notice } = await this.mode();
    if (this.memory) return { session: this.memory, storage, notice };
    if (storage === 'memory_only') {
      // A token written before policy tightened must not outlive the policy change; one that is
      // merely unreadable now (keyring still locked at login) is kept for the next start.
      if (notice === MEMORY_ONLY_NOTICE) await this.files.remove(this.file).catch(() => {});
      return { session: null, storage, notice };
    }
    try {
      const encrypted = await this.files.read(this.file);
      const { result, shouldReEncrypt } = await this.safeStorage.decryptStringAsync(encrypted);
      const session = StoredSessionSchema.parse(JSON.parse(result));
      this.memory = session;
      // A failed re-encryption keeps the old file, which still decrypts; it must not sign the agent out.
      if (shouldReEncrypt) await this.save(session).catch(() => {});
      return { session, storage, notice };
    } catch {
      // Missing, from another machine, or corrupt: the agent simply signs in again.
      return { session: null, storage, notice };
    }
  }

  async clear(): Promise<SessionStatus> {
    this.memory = null;
    await this.files.remove(this.file).catch(() => {});
    const { storage, notice } = await this.mode();
    return { session: null, storage, notice };
  }
}
