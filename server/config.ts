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
  // Channel connectors (DESIGN.md, Surfaces). Unset provider URLs under the demo tenant point at
  // the built-in provider stand-ins, so replies are delivered somewhere that records them.
  X_CONSUMER_SECRET: z.string().min(8).default('demo-x-consumer-secret'),
  /** The X user id of the company's account: its own tweets and DMs echoed back are not customers'. */
  X_ACCOUNT_ID: z.string().min(1).default('1402000000000000001'),
  X_API_BASE_URL: z.url().optional(),
  /** OAuth 2.0 user-context access token of the company's account, for posting replies and DMs. */
  X_ACCESS_TOKEN: z.string().default('demo-x-access-token'),
  META_VERIFY_TOKEN: z.string().min(8).default('demo-meta-verify-token'),
  META_APP_SECRET: z.string().min(8).default('demo-meta-app-secret'),
  META_PAGE_ID: z.string().min(1).default('104000000000001'),
  META_PAGE_ACCESS_TOKEN: z.string().default('demo-meta-page-token'),
  META_GRAPH_BASE_URL: z.url().optional(),
  META_GRAPH_VERSION: z
    .string()
    .regex(/^v\d+\.\d+$/u)
    .default('v21.0'),
  INBOUND_EMAIL_TOKEN: z.string().min(16).default('demo-inbound-email-token'),
  /** Outgoing mail, e.g. smtp://user:pass@mail.example.com:587 (smtps:// for implicit TLS). */
  SMTP_URL: z.string().optional(),
  EMAIL_FROM: z.string().default('Demo Support <support@demo.test>'),
  /** Mailbox polled for inbound mail, e.g. imaps://user:pass@imap.example.com:993/INBOX. */
  IMAP_URL: z.string().optional(),
  IMAP_POLL_SECONDS: z.coerce.number().int().min(5).max(3600).default(60),
  EMAIL_MAX_ATTACHMENT_BYTES: z.coerce
    .number()
    .int()
    .min(0)
    .max(100 * 1024 * 1024)
    .default(10 * 1024 * 1024),
  EMAIL_MAX_MESSAGE_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(100 * 1024 * 1024)
    .default(25 * 1024 * 1024),
  CTI_TOKEN: z.string().min(16).default('demo-cti-token-change-me'),
  /** Company alerts (listening spikes, viral complaints) are also POSTed here as JSON. */
  SWITCHBOARD_ALERT_WEBHOOK_URL: z.url().optional(),
  /** A spike: matches of one rule in the last 10 minutes at least this many times the trailing hour's rate. */
  SWITCHBOARD_SPIKE_FACTOR: z.coerce.number().min(1.5).max(100).default(4),
  /** …and at least this many matches, so three posts on a quiet night are not a spike. */
  SWITCHBOARD_SPIKE_MIN_MATCHES: z.coerce.number().int().min(2).max(10_000).default(8),
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
