import { afterEach, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../testing/testDatabase';
import { startTestServer, type TestServer } from '../testing/testServer';

/** An email's files: listed and downloaded by whoever may see the conversation, by nobody else. */
describe.each(DB_KINDS)('email attachments on %s', { timeout: 30_000 }, (kind) => {
  let t: TestServer;
  afterEach(async () => {
    await t?.close();
  });

  it("serves a message's files to its agent as downloads, refuses other agents, and explains a skipped file", async () => {
    t = await startTestServer(kind);
    await t.addAgent({ id: 'dana' });
    await t.addAgent({ id: 'omar' });
    await t.addAgent({ id: 'lee', role: 'lead' });
    const dana = await t.connect('dana');
    await dana.op('presence.set', { presence: 'available' });
    await t.settle();
    const { body } = await t.ingest({
      channel: 'email',
      subject: 'Broken case',
      text: 'Photos attached.',
      author: { kind: 'email', value: 'maya@example.com' },
    });
    const messageId = body.messageId as string;
    expect((await t.conversation(body.conversationId as string)).assigned_agent_id).toBe('dana');
    await t.db.query(
      `insert into attachments (id, message_id, filename, content_type, size, sha256, content, skipped_reason) values
       ('a1', $1, 'case photo.jpg', 'image/jpeg', 4, 'h1', $2, null),
       ('a2', $1, 'invoice.html', 'text/html', 20, 'h2', $3, null),
       ('a3', $1, 'video.mov', 'video/quicktime', 99999999, 'h3', null, 'Larger than the 10 MB limit for one file.')`,
      [messageId, Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('<script>x()</script>')],
    );
    const get = async (agentId: string, path: string) =>
      fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${await t.signIn(agentId)}` } });

    const list = await get('dana', `/api/messages/${messageId}/attachments`);
    expect(list.status).toBe(200);
    expect(await list.json()).toEqual({
      attachments: [
        {
          id: 'a1',
          filename: 'case photo.jpg',
          contentType: 'image/jpeg',
          size: 4,
          contentId: null,
          skippedReason: null,
        },
        {
          id: 'a2',
          filename: 'invoice.html',
          contentType: 'text/html',
          size: 20,
          contentId: null,
          skippedReason: null,
        },
        {
          id: 'a3',
          filename: 'video.mov',
          contentType: 'video/quicktime',
          size: 99999999,
          contentId: null,
          skippedReason: 'Larger than the 10 MB limit for one file.',
        },
      ],
    });

    const photo = await get('dana', '/api/attachments/a1');
    expect(photo.status).toBe(200);
    expect(photo.headers.get('content-type')).toBe('image/jpeg');
    expect(photo.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''case%20photo.jpg");
    expect(photo.headers.get('x-content-type-options')).toBe('nosniff');
    expect([...new Uint8Array(await photo.arrayBuffer())]).toEqual([0xff, 0xd8, 0xff, 0xe0]);
    // A customer's HTML file is never rendered: bytes to save.
    const html = await get('dana', '/api/attachments/a2');
    expect(html.headers.get('content-type')).toBe('application/octet-stream');
    const skipped = await get('dana', '/api/attachments/a3');
    expect(skipped.status).toBe(410);
    expect(((await skipped.json()) as { error: { message: string } }).error.message).toContain('10 MB limit');

    // Another agent learns nothing, not even that the message exists; the team's lead may look.
    expect((await get('omar', `/api/messages/${messageId}/attachments`)).status).toBe(404);
    expect((await get('omar', '/api/attachments/a1')).status).toBe(404);
    expect((await get('lee', '/api/attachments/a1')).status).toBe(200);
    expect((await fetch(`${t.url}/api/attachments/a1`)).status).toBe(401);
  });
});
