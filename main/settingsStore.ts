import {
  applyUserChange,
  parseUserSettings,
  resolveSettings,
  type PartialSettings,
  type PolicyState,
  type ResolvedSettings,
} from '../shared/settings';
import type { SettingsView } from '../shared/ipc';

export interface SettingsFiles {
  readText(file: string): Promise<string>;
  /** Writes atomically (temp file + rename) so a crash never leaves half a settings file. */
  writeTextAtomic(file: string, text: string): Promise<void>;
}

export interface SettingsStoreOptions {
  userFile: string;
  policy: PolicyState;
  overrides: PartialSettings;
  overridesBeatPolicy: boolean;
  files: SettingsFiles;
}

/** Owns the user's settings file and the merged view every other part of main reads. */
export class SettingsStore {
  private user: PartialSettings = {};
  private userProblems: string[] = [];
  private resolved!: ResolvedSettings;
  private readonly listeners = new Set<(view: SettingsView) => void>();

  constructor(private readonly options: SettingsStoreOptions) {
    this.resolve();
  }

  async load(): Promise<void> {
    let text: string | undefined;
    try {
      text = await this.options.files.readText(this.options.userFile);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.userProblems = [`Your settings file ${this.options.userFile} cannot be read; defaults are in use.`];
      }
    }
    if (text !== undefined) {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
        this.userProblems = [`Your settings file ${this.options.userFile} is not valid JSON; defaults are in use.`];
      }
      if (json !== undefined) {
        const parsed = parseUserSettings(json);
        this.user = parsed.settings;
        this.userProblems = parsed.problems.map((p) => `Your settings: ${p}.`);
      }
    }
    this.resolve();
  }

  get settings() {
    return this.resolved.settings;
  }

  view(): SettingsView {
    return {
      settings: this.resolved.settings,
      sources: this.resolved.sources,
      locked: this.resolved.locked,
      notices: [...this.policyNotices(), ...this.userProblems],
    };
  }

  async update(patch: PartialSettings): Promise<SettingsView> {
    const next = applyUserChange(this.user, patch, this.resolved.locked);
    await this.options.files.writeTextAtomic(this.options.userFile, `${JSON.stringify(next, null, 2)}\n`);
    this.user = next;
    // The file now holds only valid keys, so problems found when it was loaded are gone.
    this.userProblems = [];
    this.resolve();
    const view = this.view();
    for (const listener of this.listeners) listener(view);
    return view;
  }

  onChange(listener: (view: SettingsView) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private resolve(): void {
    this.resolved = resolveSettings({
      user: this.user,
      policy: this.options.policy,
      overrides: this.options.overrides,
      overridesBeatPolicy: this.options.overridesBeatPolicy,
    });
  }

  private policyNotices(): string[] {
    const { policy } = this.options;
    if (policy.status !== 'invalid') return [];
    return [
      `Your organization's policy file is invalid: ${policy.message}. Switchboard is running on safe defaults ` +
        '(external links blocked, updates off, sign-in kept only in a secure keyring). Ask IT to fix the file.',
    ];
  }
}
