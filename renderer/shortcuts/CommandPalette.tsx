import { useEffect, useRef, useState } from 'react';
import type { Command, ShortcutRegistry } from './registry';

interface Props {
  registry: ShortcutRegistry;
  onClose: () => void;
}

/**
 * Ctrl/Cmd+K: every command by name, the same ones the keys run. ↑/↓ choose, Enter runs, Esc
 * closes. A combobox over a listbox, so a screen reader follows the choice.
 */
export function CommandPalette({ registry, onClose }: Props) {
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const results = registry.search(query);
  const chosen = results[Math.min(active, results.length - 1)];

  useEffect(() => input.current?.focus(), []);

  const run = (command: Command | undefined) => {
    if (!command) return;
    onClose();
    command.run();
  };

  const onKey = (event: React.KeyboardEvent) => {
    if (event.key === 'ArrowDown') setActive((a) => Math.min(a + 1, results.length - 1));
    else if (event.key === 'ArrowUp') setActive((a) => Math.max(a - 1, 0));
    else if (event.key === 'Enter') run(chosen);
    else if (event.key === 'Escape') onClose();
    else return;
    event.preventDefault();
    event.stopPropagation();
  };

  return (
    <div className="overlay" onClick={onClose}>
      <div
        className="palette"
        role="dialog"
        aria-modal="true"
        aria-labelledby="palette-title"
        data-testid="command-palette"
        onClick={(e) => e.stopPropagation()}
      >
        <h2 id="palette-title" className="visually-hidden">
          Command palette
        </h2>
        <input
          ref={input}
          role="combobox"
          aria-expanded="true"
          aria-controls="palette-results"
          aria-activedescendant={chosen ? `palette-${chosen.id}` : undefined}
          aria-label="Type a command"
          placeholder="Type a command…"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
          onKeyDown={onKey}
        />
        <ul id="palette-results" role="listbox" aria-label="Commands">
          {results.map((c) => (
            <li
              key={c.id}
              id={`palette-${c.id}`}
              role="option"
              aria-selected={c === chosen}
              className={c === chosen ? 'active' : ''}
              onClick={() => run(c)}
            >
              <span>{c.title}</span>
              <span className="palette-section">{c.section}</span>
              {c.keys[0] && <kbd>{registry.label(c.keys[0])}</kbd>}
            </li>
          ))}
          {results.length === 0 && (
            <li role="option" aria-selected="false" aria-disabled="true">
              No command matches “{query}”.
            </li>
          )}
        </ul>
      </div>
    </div>
  );
}
