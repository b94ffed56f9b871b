import type { ServerConfig } from '../config';
import { startGraphApiStandin } from '../standins/graphApi';
import { startSmtpStandin } from '../standins/smtp';
import { startXApiStandin } from '../standins/xApi';

/**
 * The demo tenant's providers: X, Graph and SMTP cannot be reached from a demo machine (and must
 * not be written to with demo data), so replies go to local stand-ins that answer like the
 * providers and record what they received. Only for providers whose URL the environment leaves
 * unset; set X_API_BASE_URL, META_GRAPH_BASE_URL or SMTP_URL to send to real ones.
 */
export interface ProviderSandbox {
  /** The provider URLs to use, for the ones the environment left unset. */
  overrides: Partial<ServerConfig>;
  /** What the console says about where replies go. */
  describe(): string;
  close(): Promise<void>;
}

export async function startProviderSandbox(config: ServerConfig): Promise<ProviderSandbox> {
  const overrides: Partial<ServerConfig> = {};
  const closers: (() => Promise<void>)[] = [];
  const local: string[] = [];
  if (!config.X_API_BASE_URL) {
    const x = await startXApiStandin({ accessToken: config.X_ACCESS_TOKEN, accountId: config.X_ACCOUNT_ID });
    overrides.X_API_BASE_URL = x.url;
    closers.push(() => x.close());
    local.push(`X ${x.url}`);
  }
  if (!config.META_GRAPH_BASE_URL) {
    const graph = await startGraphApiStandin({
      pageId: config.META_PAGE_ID,
      pageAccessToken: config.META_PAGE_ACCESS_TOKEN,
    });
    overrides.META_GRAPH_BASE_URL = graph.url;
    closers.push(() => graph.close());
    local.push(`Graph API ${graph.url}`);
  }
  if (!config.SMTP_URL) {
    const smtp = await startSmtpStandin();
    overrides.SMTP_URL = smtp.url;
    closers.push(() => smtp.close());
    local.push(`SMTP ${smtp.url}`);
  }
  return {
    overrides,
    describe: () =>
      local.length
        ? `Replies go to local provider stand-ins (${local.join(', ')}); set X_API_BASE_URL, META_GRAPH_BASE_URL and SMTP_URL to reach the real ones.`
        : 'Replies go to the providers set in the environment.',
    async close() {
      for (const close of closers) await close();
    },
  };
}
