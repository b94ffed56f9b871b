import path from 'node:path';
import { z } from 'zod';
import { describeIssues } from '../shared/settings';

/** Environment of `npm run server` (DESIGN.md, Surfaces). Demo values are the defaults. */
const bool = z.enum(['0', '1', 'true', 'false']).transform((v) => v === '1' || v === 'true');

export const ServerEnvSchema = z.object({
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4400),
  DATABASE_URL: z.string().optional(),
  SWITCHBOARD_DATA_DIR: z.string().default(path.resolve('.switchboard-data')),
  SWITCHBOARD_DEMO: bool.default(true),
  SWITCHBOARD_SIMULATOR: bool.default(true),
  /** Demo events per second (a call is several transcript turns, a viral thread many replies). */
  SWITCHBOARD_SIMULATOR_RATE: z.coerce.number().min(0).max(1000).default(0.5),
  SWITCHBOARD_INGEST_KEY: z.string().min(16).default('demo-ingest-key-change-me'),
  SWITCHBOARD_TOKEN_SECRET: z.string().min(32).default('demo-token-secret-change-me-please-0123456789'),
  SWITCHBOARD_ADMIN_EMAIL: z.email().optional(),
  SWITCHBOARD_ADMIN_PASSWORD: z.string().min(12).optional(),
  SWITCHBOARD_DISCONNECT_GRACE_SECONDS: z.coerce.number().int().min(0).max(3600).default(120),
  SWITCHBOARD_OFFER_SECONDS: z.coerce.number().int().min(5).max(600).default(20),
  SWITCHBOARD_STICKY_WINDOW_HOURS: z.coerce
    .number()
    .min(0)
    .max(24 * 90)
    .default(72),
  SWITCHBOARD_STICKY_WAIT_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  /** Interactions stored at once; more are answered 429 with Retry-After (providers redeliver). */
  SWITCHBOARD_INGEST_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(10_000).default(64),
  /** Event-loop lag past which new interactions are answered 429 with Retry-After. */
  SWITCHBOARD_INGEST_MAX_LAG_MS: z.coerce.number().int().min(10).max(60_000).default(250),
  SWITCHBOARD_CORS_ORIGINS: z.string().default('*'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type ServerConfig = z.output<typeof ServerEnvSchema>;

export function readServerConfig(env: NodeJS.ProcessEnv): ServerConfig {
  const parsed = ServerEnvSchema.safeParse(env);
  if (!parsed.success) throw new Error(`Invalid server configuration: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** A full configuration for tests and embedding, with overrides. */
export function serverConfig(overrides: Partial<ServerConfig> = {}): ServerConfig {
  return { ...ServerEnvSchema.parse({}), ...overrides };
}
