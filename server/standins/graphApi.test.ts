import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraphApiStandin } from './graphApi';
import type { Standin } from './standin';

interface GraphAnswer {
  id?: string;
  recipient_id?: string;
  message_id?: string;
  error?: Record<string, unknown>;
}

const PAGE = '104000000000001';
const TOKEN = 'page-token';

describe('Graph API stand-in', () => {
  let graph: Standin;
  beforeAll(async () => {
    graph = await startGraphApiStandin({ pageId: PAGE, pageAccessToken: TOKEN });
  });
  afterAll(async () => {
    await graph.close();
  });

  const call = async (path: string, body: unknown, token = TOKEN) => {
    const res = await fetch(`${graph.url}${path}?access_token=${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as GraphAnswer };
  };

  it('answers the three reply endpoints with Graph’s documented shapes and records them', async () => {
    const comment = await call('/v21.0/771_900/comments', { message: 'Thanks!' });
    expect(comment.status).toBe(200);
    expect(Object.keys(comment.body)).toEqual(['id']);
    expect(comment.body.id).toMatch(/^900_\d{9}$/);
    const sent = await call(`/v21.0/${PAGE}/messages`, {
      recipient: { id: '6100' },
      messaging_type: 'RESPONSE',
      message: { text: 'Hi' },
    });
    expect(sent.status).toBe(200);
    expect(Object.keys(sent.body)).toEqual(['recipient_id', 'message_id']);
    expect(sent.body).toMatchObject({ recipient_id: '6100' });
    expect(sent.body.message_id).toMatch(/^m_/);
    const privateReply = await call(`/v21.0/${PAGE}/messages`, {
      recipient: { comment_id: '771_900' },
      message: { text: 'Hi' },
    });
    expect(Object.keys(privateReply.body)).toEqual(['recipient_id', 'message_id']);
    expect(privateReply.body.recipient_id).toMatch(/^\d+$/);
    expect(privateReply.body.message_id).toMatch(/^m_/);
    expect(graph.requests.map((r) => r.path)).toEqual([
      '/v21.0/771_900/comments',
      `/v21.0/${PAGE}/messages`,
      `/v21.0/${PAGE}/messages`,
    ]);
  });

  it('answers Graph’s error shape on a bad token, a tag-less MESSAGE_TAG, another page and an unknown path', async () => {
    const badToken = await call('/v21.0/771_900/comments', { message: 'x' }, 'nope');
    expect(badToken.status).toBe(400);
    expect(badToken.body.error).toMatchObject({ type: 'OAuthException', code: 190 });
    expect(badToken.body.error!.fbtrace_id).toMatch(/^A\w+$/);
    const noTag = await call(`/v21.0/${PAGE}/messages`, {
      recipient: { id: '6100' },
      messaging_type: 'MESSAGE_TAG',
      message: { text: 'Hi' },
    });
    expect(noTag.body.error).toMatchObject({ code: 100 });
    const otherPage = await call('/v21.0/999/messages', { recipient: { id: '1' }, message: { text: 'x' } });
    expect(otherPage.body.error).toMatchObject({ code: 100, error_subcode: 33 });
    const unknown = await call('/v21.0/me/feed', {});
    expect(unknown).toMatchObject({ status: 400, body: { error: { code: 2500 } } });
  });
});
