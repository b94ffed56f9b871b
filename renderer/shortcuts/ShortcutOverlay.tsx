import { useEffect, useRef } from 'react';
import type { ShortcutRegistry } from './registry';

interface Props {
  registry: ShortcutRegistry;
  singleKeys: boolean;
  onClose: () => void;
}

/** `?`: every shortcut, by section, read from the registry the keys run from. */
export function ShortcutOverlay({ registry, singleKeys, onClose }: Props) {
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => close.current?.focus(), []);
  const sections = new Map<string, ReturnType<ShortcutRegistry['list']>>();
  for (const c of registry.list()) {
    if (!c.keys.length) continue;
    sections.set(c.section, [...(sections.get(c.section) ?? []), c]);
  }
  return (
    <div className="overlay" onClick={onClose}>
      <div
        className="shortcut-overlay panel"
        role="dialog"
        aria-modal="true"
        aria-labelledby="shortcuts-title"
        data-testid="shortcut-overlay"
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => e.key === 'Escape' && onClose()}
      >
        <div className="panel-header">
          <h2 id="shortcuts-title">Keyboard shortcuts</h2>
          <button ref={close} type="button" onClick={onClose}>
            Close
          </button>
        </div>
        {!singleKeys && (
          <p className="notice">Single-key shortcuts are off (Settings or your organisation&apos;s policy).</p>
        )}
        {[...sections].map(([section, commands]) => (
          <section key={section}>
            <h3>{section}</h3>
            <dl className="shortcut-list">
              {commands.map((c) => (
                <div key={c.id}>
                  <dt>{c.title}</dt>
                  <dd>
                    {c.keys.map((k) => (
                      <kbd key={k}>{registry.label(k)}</kbd>
                    ))}
                  </dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      </div>
    </div>
  );
}
