import { useEffect, useMemo, useRef } from 'react';
import { ShortcutRegistry } from './registry';

/**
 * The window's one registry and its key handler. Single keys follow the setting (which policy can
 * enforce); Mod+K and `?` are registered by the workspace like any other command.
 */
export function useShortcutRegistry(singleKeys: boolean): ShortcutRegistry {
  const single = useRef(singleKeys);
  single.current = singleKeys;
  const registry = useMemo(
    () =>
      new ShortcutRegistry({
        mac: typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform),
        singleKeys: () => single.current,
      }),
    [],
  );
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing) return;
      if (registry.handle({ ...pick(event), target: event.target as HTMLElement | null })) event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [registry]);
  return registry;
}

const pick = (e: KeyboardEvent) => ({
  key: e.key,
  ctrlKey: e.ctrlKey,
  metaKey: e.metaKey,
  altKey: e.altKey,
  shiftKey: e.shiftKey,
});
