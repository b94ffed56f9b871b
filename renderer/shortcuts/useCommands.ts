import { createContext, useContext, useEffect, useRef } from 'react';
import type { Command, ShortcutRegistry } from './registry';

export const ShortcutsContext = createContext<ShortcutRegistry | null>(null);

/**
 * Registers a component's commands while it is mounted. `run` and `enabled` always see the
 * component's latest state (through a ref), so the registry is not re-registered on each render.
 */
export function useCommands(commands: Command[], own?: ShortcutRegistry): void {
  const provided = useContext(ShortcutsContext);
  // The workspace, which provides the context, passes its registry itself.
  const registry = own ?? provided;
  const latest = useRef(commands);
  latest.current = commands;
  const ids = commands.map((c) => `${c.id}=${c.keys.join(',')}`).join('|');
  useEffect(() => {
    if (!registry) return;
    const offs = latest.current.map((c, i) =>
      registry.register({
        ...c,
        run: () => latest.current[i]?.run(),
        enabled: () => latest.current[i]?.enabled?.() ?? true,
      }),
    );
    return () => offs.forEach((off) => off());
  }, [registry, ids]);
}
