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
