import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { SignInRequestSchema } from '../../shared/api';
import { ChannelSchema } from '../../shared/domain';
import { InteractionSchema } from '../../shared/ingest';
import { describeIssues } from '../../shared/settings';
import type { Sessions } from '../auth/sessions';
import type { IngestGate } from '../channels/channelIngest';
import type { ConnectorStatus } from '../channels/health';
import { sameBearer } from '../channels/signatures';
import type { TokenIssuer } from '../auth/tokens';
import type { Db } from '../db/db';
import { parseListeningQuery } from '../enrich/listeningQuery';
import { agentData, type AgentRow } from '../store/rows';
import { claimsOf, routeGuards } from './auth';
import { sendError } from './errors';

export interface RouteDeps {
  db: Db;
  sessions: Sessions;
  tokens: TokenIssuer;
  ingestKey: string;
  version: string;
  /** The ingestion path shared with the channel adapters (load shedding included). */
  gate: IngestGate;
  connectors: () => ConnectorStatus[];
  queueSnapshot: () => unknown;
  reloadRules: () => Promise<void>;
  ready: () => boolean;
}

const SlaInputSchema = z
  .object({
    firstResponseSeconds: z
      .number()
      .int()
      .min(5)
      .max(30 * 86_400),
    nextResponseSeconds: z
      .number()
      .int()
      .min(5)
      .max(30 * 86_400),
    resolutionSeconds: z
      .number()
      .int()
      .min(60)
      .max(365 * 86_400),
  })
  .strict();

const RefreshSchema = z.object({ refreshToken: z.string().min(1).max(512) }).strict();
const ListeningRuleInputSchema = z
  .object({
    name: z.string().min(1).max(120),
    query: z.string().min(1).max(2000),
    skills: z.array(z.string().min(1).max(64)).max(10).default([]),
    priorityBoost: z.number().int().min(-50).max(50).default(0),
    alert: z.boolean().default(false),
    createConversation: z.boolean().default(true),
  })
  .strict();

export function registerRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { requireRole } = routeGuards(deps.tokens);

  app.get('/healthz', async (_request, reply) => {
    if (!deps.ready()) return sendError(reply, 503, 'starting', 'The server is starting; try again in a moment.');
    return { status: 'ok', version: deps.version, db: deps.db.kind };
  });

  // Keyed by address and account: a contact center signs forty agents in from one NAT address.
  // The key reads the body, so the limiter must run after parsing (preHandler), not in onRequest.
  const perAccount = (request: FastifyRequest) => {
    const email = (request.body as { email?: unknown } | undefined)?.email;
    return `${request.ip}|${typeof email === 'string' ? email.trim().toLowerCase().slice(0, 320) : ''}`;
  };
  app.post(
    '/api/session',
    { config: { rateLimit: { max: 10, timeWindow: '1 minute', hook: 'preHandler', keyGenerator: perAccount } } },
    async (request, reply) => {
      const body = SignInRequestSchema.safeParse(request.body);
      if (!body.success)
        return sendError(reply, 400, 'invalid_body', `Send { email, password }: ${describeIssues(body.error)}`);
      const session = await deps.sessions.signIn(body.data.email, body.data.password);
      if (!session) return sendError(reply, 401, 'bad_credentials', 'Wrong email or password.');
      return session;
    },
  );

  app.post(
    '/api/session/refresh',
    { config: { rateLimit: { max: 30, timeWindow: '1 minute' } } },
    async (request, reply) => {
      const body = RefreshSchema.safeParse(request.body);
      if (!body.success) return sendError(reply, 400, 'invalid_body', 'Send { refreshToken }.');
      const session = await deps.sessions.refresh(body.data.refreshToken);
      if (!session) return sendError(reply, 401, 'unauthorized', 'This sign-in has ended; sign in again.');
      return session;
    },
  );

  app.post('/api/ingest', { bodyLimit: 1024 * 1024 }, async (request, reply) => {
    if (!sameBearer(request.headers.authorization, deps.ingestKey)) {
      return sendError(
        reply,
        401,
        'unauthorized',
        'Send the ingestion key as Authorization: Bearer $SWITCHBOARD_INGEST_KEY.',
      );
    }
    const body = InteractionSchema.safeParse(request.body);
    if (!body.success) return sendError(reply, 400, 'invalid_interaction', describeIssues(body.error));
    const outcome = await deps.gate.ingest([body.data]);
    if (outcome.status === 'invalid') return sendError(reply, 400, 'invalid_interaction', outcome.reason);
    if (outcome.status === 'overloaded') {
      void reply.header('Retry-After', '1');
      return sendError(reply, 429, 'overloaded', 'The server is busy; nothing was stored. Redeliver in a second.');
    }
    return outcome.results[0];
  });

  app.get('/api/me', { preHandler: requireRole(['agent', 'lead', 'admin']) }, async (request, reply) => {
    const { rows } = await deps.db.query<AgentRow>('select * from agents where id = $1', [claimsOf(request).agentId]);
    if (!rows[0]) return sendError(reply, 404, 'not_found', 'Your account no longer exists.');
    return agentData(rows[0]);
  });

  // Lead and admin surfaces: the live queue and the floor.
  app.get('/api/queue', { preHandler: requireRole(['lead', 'admin']) }, (_request, reply) =>
    reply.send(deps.queueSnapshot()),
  );
  app.get('/api/agents', { preHandler: requireRole(['lead', 'admin']) }, async () => {
    const { rows } = await deps.db.query<AgentRow>('select * from agents order by name');
    return { agents: rows.map(agentData) };
  });

  // Connector health for admins: each provider connection, refusals, last event, last send.
  app.get('/api/admin/connectors', { preHandler: requireRole(['lead', 'admin']) }, () => ({
    connectors: deps.connectors(),
  }));

  // SLA targets per channel: read by leads, set by admins; new conversations use the new targets.
  app.get('/api/sla', { preHandler: requireRole(['lead', 'admin']) }, async () => {
    const { rows } = await deps.db.query(
      'select channel, first_response_seconds as "firstResponseSeconds", next_response_seconds as "nextResponseSeconds", resolution_seconds as "resolutionSeconds" from sla_policies order by channel',
    );
    return { sla: rows };
  });
  app.put('/api/sla/:channel', { preHandler: requireRole(['admin']) }, async (request, reply) => {
    const channel = ChannelSchema.safeParse((request.params as { channel?: unknown }).channel);
    if (!channel.success)
      return sendError(reply, 404, 'not_found', `Unknown channel; use one of ${ChannelSchema.options.join(', ')}.`);
    const body = SlaInputSchema.safeParse(request.body);
    if (!body.success) return sendError(reply, 400, 'invalid_sla', describeIssues(body.error));
    const { firstResponseSeconds, nextResponseSeconds, resolutionSeconds } = body.data;
    await deps.db.query(
      `insert into sla_policies (channel, first_response_seconds, next_response_seconds, resolution_seconds) values ($1, $2, $3, $4)
       on conflict (channel) do update set first_response_seconds = $2, next_response_seconds = $3, resolution_seconds = $4`,
      [channel.data, firstResponseSeconds, nextResponseSeconds, resolutionSeconds],
    );
    return { channel: channel.data, ...body.data };
  });

  app.get('/api/listening-rules', { preHandler: requireRole(['lead', 'admin']) }, async () => {
    const { rows } = await deps.db.query(
      'select id, name, query, skills, priority_boost as "priorityBoost", alert, create_conversation as "createConversation", enabled from listening_rules order by name',
    );
    return { rules: rows };
  });
  app.post('/api/listening-rules', { preHandler: requireRole(['admin']) }, async (request, reply) => {
    const body = ListeningRuleInputSchema.safeParse(request.body);
    if (!body.success) return sendError(reply, 400, 'invalid_rule', describeIssues(body.error));
    const parsed = parseListeningQuery(body.data.query);
    if (!parsed.ok) return sendError(reply, 400, 'invalid_query', `The query does not parse: ${parsed.error}.`);
    const id = crypto.randomUUID();
    await deps.db.query(
      'insert into listening_rules (id, name, query, skills, priority_boost, alert, create_conversation) values ($1, $2, $3, $4, $5, $6, $7)',
      [
        id,
        body.data.name,
        body.data.query,
        body.data.skills,
        body.data.priorityBoost,
        body.data.alert,
        body.data.createConversation,
      ],
    );
    await deps.reloadRules();
    return reply.code(201).send({ id });
  });
}
