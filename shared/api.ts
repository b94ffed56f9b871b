import { z } from 'zod';
import { RoleSchema } from './domain';

/** HTTP surfaces of the routing backend that the desktop client calls (DESIGN.md, Surfaces). */

export { RoleSchema, type Role } from './domain';

export const SignInRequestSchema = z.object({
  email: z.string().trim().email('enter the email address you sign in with'),
  password: z.string().min(1, 'enter your password').max(1024),
});
export type SignInRequest = z.infer<typeof SignInRequestSchema>;

export const SessionAgentSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  role: RoleSchema,
});
export type SessionAgent = z.infer<typeof SessionAgentSchema>;

export const SignInResponseSchema = z.object({
  // Same bounds as StoredSessionSchema: a token the app could not keep is refused at sign-in.
  token: z.string().min(1).max(8192),
  refreshToken: z.string().min(1).max(8192).optional(),
  agent: SessionAgentSchema,
  expiresAt: z.string(),
});
export type SignInResponse = z.infer<typeof SignInResponseSchema>;

export const HealthSchema = z.object({
  status: z.literal('ok'),
  version: z.string(),
  db: z.enum(['pglite', 'postgres']),
});
export type Health = z.infer<typeof HealthSchema>;

/** Error bodies: a stable code for programs and a sentence for people. */
export const ApiErrorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});

/** GET /api/admin/connectors (lead, admin): each provider connection's health. */
export const ConnectorStatusSchema = z.object({
  connector: z.enum(['x', 'meta', 'email', 'cti', 'chat']),
  /** connected: the newest outcome was good and recent; failing: the newest was a failure or refusal; idle: nothing for a day. */
  status: z.enum(['connected', 'failing', 'idle']),
  events: z.number(),
  badSignatures: z.number(),
  authFailures: z.number(),
  malformed: z.number(),
  /** Refused signatures over signed requests in the last hour, 0–1. */
  badSignatureRate: z.number(),
  lastEventAt: z.string().nullable(),
  sent: z.number(),
  sendFailures: z.number(),
  lastSentAt: z.string().nullable(),
  lastError: z.object({ at: z.string(), message: z.string() }).nullable(),
});
export type ConnectorStatus = z.infer<typeof ConnectorStatusSchema>;
export const ConnectorsResponseSchema = z.object({ connectors: z.array(ConnectorStatusSchema) });

/** GET /api/messages/:id/attachments: the files that came with an email. */
export const AttachmentSchema = z.object({
  id: z.string(),
  filename: z.string(),
  contentType: z.string(),
  size: z.number(),
  contentId: z.string().nullable(),
  /** Why the file was not kept (over the size limit); null when it can be downloaded. */
  skippedReason: z.string().nullable(),
});
export type Attachment = z.infer<typeof AttachmentSchema>;
export const AttachmentsResponseSchema = z.object({ attachments: z.array(AttachmentSchema) });
