import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import { startTestServer, TEST_PASSWORD, type AgentSpec, type TestServer } from '../../server/testing/testServer';
import { startWebAgentHost, type WebAgentHost } from '../../server/webAgentHost';
import { FaultProxy } from '../reliability/faultProxy';

/** The built renderer the web agent serves: out/renderer, or another build named by SWITCHBOARD_RENDERER_ROOT. */
export const rendererRoot = path.resolve(
  process.env.SWITCHBOARD_RENDERER_ROOT ?? path.join(import.meta.dirname, '../../out/renderer'),
);

/**
 * Every skill ingestion can ask for (server/ingest/priority.ts baseSkills: the channel class, and a
 * language skill for the languages routing detects, server/enrich/language.ts), so whatever a
 * customer writes, in whatever language franc reads it, the agent qualifies.
 */
export const ALL_SKILLS = {
  social: 3,
  email: 3,
  chat: 3,
  voice: 3,
  'lang:es': 3,
  'lang:fr': 3,
  'lang:de': 3,
  'lang:pt': 3,
  'lang:it': 3,
  'lang:nl': 3,
} as const;
/** The most the capacity schema allows per class (shared/domain.ts CapacitySchema). */
export const MAX_CAPACITY = { voice: 1, chat: 10, social: 20, email: 50 } as const;

/**
 * The agents of the workspace specs: `ann` takes every channel with room for many conversations
 * at once; `lead` (team t1, like ann) sees the queue and the team's work under Queue / All.
 * Override per file with `test.use({ agents: [...] })`.
 */
export const DEFAULT_AGENTS: AgentSpec[] = [
  { id: 'ann', name: 'Ann Agent', skills: { ...ALL_SKILLS }, capacity: { ...MAX_CAPACITY } },
  { id: 'lead', name: 'Lee Lead', role: 'lead', skills: { ...ALL_SKILLS } },
];

export interface WorkspaceFixtures {
  /** A real routing backend (PGlite in memory) with `agents` added. */
  server: TestServer;
  /** The fault proxy the web agent reaches the server through (cut, refuse, delay …). */
  faults: FaultProxy;
  /** The built renderer served as the web agent, its server address enforced to `faults.url`. */
  webAgent: WebAgentHost;
  /** Every request the browser made to a host other than 127.0.0.1: recorded, and aborted. */
  outsideRequests: string[];
}

export const test = base.extend<WorkspaceFixtures & { agents: AgentSpec[] }>({
  agents: [DEFAULT_AGENTS, { option: true }],
  server: async ({ agents }, use) => {
    const server = await startTestServer('pglite');
    for (const agent of agents) await server.addAgent(agent);
    await use(server);
    await server.close();
  },
  faults: async ({ server }, use) => {
    const proxy = await FaultProxy.start({ host: '127.0.0.1', port: Number(new URL(server.url).port) });
    await use(proxy);
    await proxy.close();
  },
  webAgent: async ({ faults }, use) => {
    const host = await startWebAgentHost({ rendererRoot, serverUrl: faults.url });
    await use(host);
    await host.close();
  },
  outsideRequests: async ({ context }, use) => {
    const outside: string[] = [];
    await context.route(
      (url) => url.hostname !== '127.0.0.1',
      (route) => {
        outside.push(route.request().url());
        return route.abort();
      },
    );
    await use(outside);
  },
});

export { expect };

/** Fills the sign-in form as `${agentId}@test.example` and waits for the workspace and its first sync. */
export async function signIn(page: Page, agentId: string): Promise<void> {
  await page.getByLabel('Email').fill(`${agentId}@test.example`);
  await page.getByLabel('Password').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('signed-in-agent')).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'saved', { timeout: 15_000 });
}

/** Sets presence to Available and waits until the server acknowledged it (nothing left queued). */
export async function goAvailable(page: Page): Promise<void> {
  const presence = page.getByTestId('presence');
  await presence.selectOption('available');
  await expect(presence).toHaveValue('available');
  const sync = page.getByTestId('sync-status');
  await expect(sync).toHaveAttribute('data-pending', '0', { timeout: 15_000 });
  await expect(sync).toHaveAttribute('data-state', 'saved', { timeout: 15_000 });
}

/** The server's view of an agent's presence (routing only assigns to `available`). */
export async function presenceOnServer(server: TestServer, agentId: string): Promise<string> {
  const { rows } = await server.db.query<{ presence: string }>('select presence from agents where id = $1', [agentId]);
  return rows[0]!.presence;
}

/** How many open conversations are assigned to an agent on the server. */
export async function assignedOnServer(server: TestServer, agentId: string): Promise<number> {
  const { rows } = await server.db.query<{ n: number }>(
    "select count(*)::int as n from conversations where assigned_agent_id = $1 and status = 'assigned'",
    [agentId],
  );
  return rows[0]!.n;
}

/**
 * Whether the built renderer (out/renderer) contains a string, e.g. a test id: lets a spec
 * cover a piece of UI once it is in the build and say clearly that it is not yet otherwise.
 */
export function builtWith(needle: string): boolean {
  const assets = path.join(rendererRoot, 'assets');
  try {
    return readdirSync(assets)
      .filter((f) => f.endsWith('.js'))
      .some((f) => readFileSync(path.join(assets, f), 'utf8').includes(needle));
  } catch {
    return false;
  }
}
