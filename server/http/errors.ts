import type { FastifyReply } from 'fastify';

/** Every error body: a stable code for programs and a sentence saying what to do. */
export function sendError(reply: FastifyReply, status: number, code: string, message: string) {
  return reply.code(status).send({ error: { code, message } });
}
