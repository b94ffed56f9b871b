/**
 * One registry of keyboard commands (issue 5): the key handler, the command palette (Ctrl/Cmd+K)
 * and the `?` overlay all read it, so a shortcut shown is a shortcut that works.
 */

export interface Command {
  id: string;
  title: string;
  /** Group shown in the `?` overlay and the palette. */
  section: string;
  /**
   * Key combinations, written `Mod+K` (Ctrl, or Cmd on macOS), `Shift+?`, `Alt+ArrowDown`, or a
   * single key (`j`). Single keys are the ones the agent may switch off.
   */
  keys: string[];
  run: () => void;
  /** Whether it applies now (for example only with a conversation open). */
  enabled?: () => boolean;
}

export interface KeyEventLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
  /** Where the key was typed: single keys never fire while the agent writes in a field. */
  target: { tagName?: string; isContentEditable?: boolean } | null;
}

interface Chord {
  mod: boolean;
  alt: boolean;
  shift: boolean;
  key: string;
}

export class ShortcutConflictError extends Error {}

export function parseChord(spec: string): Chord {
  const parts = spec.split('+');
  const key = parts.pop()!;
  if (!key) throw new Error(`"${spec}" has no key.`);
  const mods = new Set(parts.map((p) => p.toLowerCase()));
  for (const m of mods)
    if (!['mod', 'alt', 'shift'].includes(m)) throw new Error(`Unknown modifier "${m}" in "${spec}".`);
  return {
    mod: mods.has('mod'),
    alt: mods.has('alt'),
    shift: mods.has('shift'),
    key: key.length === 1 ? key.toLowerCase() : key,
  };
}

export const isSingleKey = (spec: string) => !/\b(?:Mod|Alt)\+/i.test(spec);

function chordId(c: Chord): string {
  return `${c.mod ? 'mod+' : ''}${c.alt ? 'alt+' : ''}${c.shift ? 'shift+' : ''}${c.key}`;
}

const TYPING = new Set(['INPUT', 'TEXTAREA', 'SELECT']);

export class ShortcutRegistry {
  private readonly commands = new Map<string, Command>();
  private readonly byChord = new Map<string, Command>();

  constructor(private readonly options: { mac: boolean; singleKeys: () => boolean }) {}

  /** Adds a command; a key already taken by another command is a programming error, said at once. */
  register(command: Command): () => void {
    const chords = command.keys.map((k) => chordId(parseChord(k)));
    for (const id of chords) {
      const other = this.byChord.get(id);
      if (other && other.id !== command.id) {
        throw new ShortcutConflictError(`"${id}" is already "${other.title}"; "${command.title}" needs another key.`);
      }
    }
    this.commands.set(command.id, command);
    chords.forEach((id) => this.byChord.set(id, command));
    return () => {
      this.commands.delete(command.id);
      chords.forEach((id) => this.byChord.get(id) === command && this.byChord.delete(id));
    };
  }

  /** Everything the palette and the overlay list, in sections, enabled or not. */
  list(): Command[] {
    return [...this.commands.values()].sort(
      (a, b) => a.section.localeCompare(b.section) || a.title.localeCompare(b.title),
    );
  }

  /** Commands whose title matches every word typed in the palette. */
  search(query: string): Command[] {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    return this.list().filter((c) => (c.enabled?.() ?? true) && words.every((w) => c.title.toLowerCase().includes(w)));
  }

  /** Runs the command bound to this key press; returns whether one ran (then the caller prevents default). */
  handle(event: KeyEventLike): boolean {
    const mod = this.options.mac ? event.metaKey : event.ctrlKey;
    const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    // `?` is typed with Shift on most layouts: the character already says so.
    const shift = event.key.length === 1 && !/[a-z]/i.test(event.key) ? false : event.shiftKey;
    const chord: Chord = { mod, alt: event.altKey, shift, key };
    const command = this.byChord.get(chordId(chord)) ?? this.byChord.get(chordId({ ...chord, shift: event.shiftKey }));
    if (!command || !(command.enabled?.() ?? true)) return false;
    const single = !chord.mod && !chord.alt;
    if (single) {
      if (!this.options.singleKeys()) return false;
      const t = event.target;
      if (t && (TYPING.has(t.tagName ?? '') || t.isContentEditable)) return false;
    }
    command.run();
    return true;
  }

  /** How a key is shown: `Ctrl+K` or `⌘K`. */
  label(spec: string): string {
    const c = parseChord(spec);
    const key = c.key.length === 1 ? c.key.toUpperCase() : c.key;
    if (this.options.mac) return `${c.mod ? '⌘' : ''}${c.alt ? '⌥' : ''}${c.shift ? '⇧' : ''}${key}`;
    return [c.mod && 'Ctrl', c.alt && 'Alt', c.shift && 'Shift', key].filter(Boolean).join('+');
  }
}
