import type { Settings } from '../shared/settings';

const order = ['error', 'warn', 'info', 'debug'] as const;
type Level = Settings['logLevel'];

/** A console logger that honours the `logLevel` setting at the time of each call. */
export function createLogger(level: () => Level) {
  const at = (wanted: Level) => (message: string) => {
    if (order.indexOf(wanted) <= order.indexOf(level()))
      console[wanted === 'debug' ? 'log' : wanted](`[main] ${message}`);
  };
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}
export type Logger = ReturnType<typeof createLogger>;
