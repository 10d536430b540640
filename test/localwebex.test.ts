import {
  fakeWebexLog,
  nextSpawn,
  sharedFakeWebex,
  startFramework,
  stopFramework,
  TEST_BOT_TOKEN,
  type BotFramework,
  type FrameworkBot,
  type FrameworkTrigger,
  type RunningFramework,
} from './support/sharedFakeWebex.js';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeWebex, type Change } from '../src/localwebex/fakeWebex.js';

const SECRET = 'webhook-secret';
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(3000)]);

describe('local fake Webex with the real webex-node-bot-framework', () => {
  let fake: FakeWebex;
  let hydraUrl: string;
  let running: RunningFramework;
  let framework: BotFramework;
  const hearsIds: string[] = [];

  /** Registers a hears handler for one test; afterEach removes it. */
  function hears(phrase: string | RegExp, action: (bot: FrameworkBot, trigger: FrameworkTrigger) => void): void {
    hearsIds.push(framework.hears(phrase, action));
  }

  function api(path: string, init: RequestInit = {}, token = TEST_BOT_TOKEN): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${token}`);
    if (typeof init.body === 'string') headers.set('content-type', 'application/json');
    return fetch(`${hydraUrl}${path}`, { ...init, headers });
  }

  before(async () => {
    ({ fake, hydraUrl } = await sharedFakeWebex());
    running = await startFramework({ webhookSecret: SECRET });
    framework = running.framework;
  });

  after(async () => {
    await stopFramework(framework);
  });

  beforeEach(() => fake.reset());

  afterEach(() => {
    for (const id of hearsIds.splice(0)) framework.clearHears(id);
  });

  it('delivers a 1:1 message to framework.hears, and bot.say lands in the space', async () => {
    const room = fake.directSpace('alice@example.com');
    hears('ping', (bot, trigger) => void bot.say(`pong to ${trigger.person.displayName}`));

    fake.postMessage({ roomId: room.id, fromEmail: 'alice@example.com', text: 'ping' });
    const reply = await fake.waitForMessage((m) => m.personEmail === 'gobot@webex.bot');

    assert.equal(reply.roomId, room.id);
    assert.equal(reply.text, 'pong to Alice');
    assert.deepEqual(
      fake.messages(room.id).map((m) => [m.personEmail, m.text]),
      [
        ['alice@example.com', 'ping'],
        ['gobot@webex.bot', 'pong to Alice'],
      ],
    );
    const sent = fake.requests.find((r) => r.method === 'POST' && r.path === '/v1/messages');
    assert.deepEqual(sent?.body, { text: 'pong to Alice', roomId: room.id });
  });

  it('tells the bot of a group-space message only when it is mentioned', async () => {
    const spawned = nextSpawn(framework, (bot) => bot.room.title === 'Admins');
    const room = fake.createGroupSpace('Admins', ['alice@example.com', 'bob@example.com']);
    await spawned;
    const heard: string[] = [];
    hears('status', (bot, trigger) => {
      heard.push(trigger.text ?? '');
      void bot.say('all good');
    });

    const unmentioned = fake.postMessage({ roomId: room.id, fromEmail: 'bob@example.com', text: 'status' });
    fake.postMessage({ roomId: room.id, fromEmail: 'alice@example.com', text: 'status please', mentionBot: true });
    await fake.waitForMessage((m) => m.text === 'all good');

    assert.deepEqual(heard, ['GoBot status please']);
    await fake.idle();
    assert.ok(!running.deliveries.some((d) => d.rawBody.includes(unmentioned.id)), 'unmentioned message was delivered');
  });

  it('brings a card button press to framework.on("attachmentAction") with the inputs', async () => {
    const room = fake.directSpace('alice@example.com');
    const card = {
      type: 'AdaptiveCard',
      version: '1.3',
      body: [{ type: 'Input.Text', id: 'name' }],
      actions: [{ type: 'Action.Submit', title: 'Go', data: { action: 'go' } }],
    };
    hears('card', (bot) => void bot.sendCard(card, 'A card'));
    const pressed = new Promise<FrameworkTrigger>((resolve) =>
      framework.once('attachmentAction', (_bot: FrameworkBot, trigger: FrameworkTrigger) => resolve(trigger)),
    );

    fake.postMessage({ roomId: room.id, fromEmail: 'alice@example.com', text: 'card' });
    const cardMessage = await fake.waitForMessage((m) => m.attachments !== undefined);
    assert.deepEqual(cardMessage.attachments, [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }]);
    fake.pressButton({ messageId: cardMessage.id, fromEmail: 'alice@example.com', inputs: { name: 'Bob', action: 'go' } });
    const trigger = await pressed;

    assert.equal(trigger.attachmentAction?.messageId, cardMessage.id);
    assert.deepEqual(trigger.attachmentAction?.inputs, { name: 'Bob', action: 'go' });
    assert.equal(trigger.person.emails[0], 'alice@example.com');
  });

  it('sends bot.dm with a PNG file to the person\'s 1:1 with the bytes intact', async () => {
    fake.addPerson({ email: 'bob@example.com', displayName: 'Bob Builder' });
    const admin = fake.directSpace('alice@example.com');
    hears('qr', (bot) => {
      void bot.dm('bob@example.com', {
        markdown: 'Your **activation** QR',
        files: [{ value: PNG, options: { filename: 'qr.png', contentType: 'image/png' } }],
      });
    });

    fake.postMessage({ roomId: admin.id, fromEmail: 'alice@example.com', text: 'qr' });
    const dm = await fake.waitForMessage((m) => m.files !== undefined);

    assert.equal(dm.roomId, fake.directSpace('bob@example.com').id);
    assert.equal(dm.markdown, 'Your **activation** QR');
    assert.equal(dm.files?.[0]?.filename, 'qr.png');
    assert.equal(dm.files?.[0]?.contentType, 'image/png');
    assert.ok(dm.files?.[0]?.data.equals(PNG), 'file bytes changed on the way');
    // The REST view carries the file as a URL that serves the same bytes.
    const message = (await (await api(`/messages/${dm.id}`)).json()) as { files: string[] };
    const download = await api(message.files[0]!.slice(hydraUrl.length));
    assert.equal(download.headers.get('content-type'), 'image/png');
    assert.match(download.headers.get('content-disposition') ?? '', /filename="qr.png"/);
    assert.ok(Buffer.from(await download.arrayBuffer()).equals(PNG));
  });

  it('edits a message with PUT /messages/:id, at most 10 times', async () => {
    const room = fake.directSpace('alice@example.com');
    const changes: string[] = [];
    const onChange = (c: Change) => void (c.kind === 'message' && changes.push(c.action));
    fake.on('change', onChange);
    const sent = await api('/messages', { method: 'POST', body: JSON.stringify({ roomId: room.id, markdown: 'v0' }) });
    const { id } = (await sent.json()) as { id: string };

    for (let n = 1; n <= 10; n += 1) {
      const edited = await api(`/messages/${id}`, { method: 'PUT', body: JSON.stringify({ roomId: room.id, markdown: `v${n}` }) });
      assert.equal(edited.status, 200);
    }
    const eleventh = await api(`/messages/${id}`, { method: 'PUT', body: JSON.stringify({ roomId: room.id, markdown: 'v11' }) });

    assert.equal(eleventh.status, 400);
    assert.equal(fake.message(id)?.markdown, 'v10');
    assert.ok(fake.message(id)?.updated);
    fake.off('change', onChange);
    assert.deepEqual(changes, ['created', ...Array<string>(10).fill('updated')]);
  });

  it('injects a 429 with Retry-After that the framework caller sees', async () => {
    const room = fake.directSpace('alice@example.com');
    const failure = new Promise<unknown>((resolve) => {
      hears('hi', (bot) => {
        bot.say('hello').then(() => resolve(undefined), resolve);
      });
    });
    fake.failNext({ method: 'POST', path: '/messages', status: 429, retryAfterSeconds: 7 });

    fake.postMessage({ roomId: room.id, fromEmail: 'alice@example.com', text: 'hi' });
    const error = (await failure) as { statusCode?: number; headers?: Record<string, string> };

    assert.equal(error?.statusCode, 429);
    assert.equal(error.headers?.['retry-after'], '7');
    // The next call goes through.
    const ok = await api('/messages', { method: 'POST', body: JSON.stringify({ roomId: room.id, text: 'later' }) });
    assert.equal(ok.status, 200);
  });

  it('signs every webhook delivery with X-Spark-Signature over the raw body', async () => {
    const room = fake.directSpace('alice@example.com');
    hears('sign', (bot) => void bot.say('signed'));
    const before = running.deliveries.length;
    const logged = fakeWebexLog.length;
    fake.postMessage({ roomId: room.id, fromEmail: 'alice@example.com', text: 'sign' });
    await fake.waitForMessage((m) => m.text === 'signed');
    await fake.idle();

    const mine = running.deliveries.slice(before);
    assert.equal(mine.length, 2, 'the person\'s message and the bot\'s own reply');
    for (const { rawBody, signature } of mine) {
      assert.equal(signature, createHmac('sha1', SECRET).update(rawBody).digest('hex'));
      const body = JSON.parse(rawBody) as { resource: string; event: string; data: { roomId: string; roomType: string } };
      assert.deepEqual([body.resource, body.event, body.data.roomId, body.data.roomType], ['messages', 'created', room.id, 'direct']);
    }
    assert.deepEqual(fakeWebexLog.slice(logged), [], 'no failed deliveries');
  });

  it('rejects framework.start() for a wrong bot token', async () => {
    await assert.rejects(startFramework({ token: 'not-the-bot-token' }));
    const me = fake.requests.find((r) => r.path === '/v1/people/me');
    assert.equal(me?.status, 401);
    const response = await api('/people/me', {}, 'not-the-bot-token');
    assert.deepEqual(Object.keys((await response.json()) as object), ['message', 'errors', 'trackingId']);
  });
});

describe('FakeWebex on its own', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fake-webex-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const options = (dataFile?: string) => ({
    botToken: 'token',
    botEmail: 'gobot@webex.bot',
    botDisplayName: 'GoBot',
    dataFile,
    log: () => undefined,
  });

  it('keeps people, spaces, messages, files and webhooks across close and reopen with a dataFile', async () => {
    const dataFile = join(dir, 'webex.json');
    const first = new FakeWebex(options(dataFile));
    const { url } = await first.listen();
    const room = first.createGroupSpace('Admins', ['alice@example.com']);
    first.postMessage({ roomId: room.id, fromEmail: 'alice@example.com', text: 'hello', mentionBot: true });
    const form = new FormData();
    form.set('roomId', room.id);
    form.set('text', 'a file');
    form.set('files', new Blob([PNG], { type: 'image/png' }), 'qr.png');
    const upload = await fetch(`${url}/v1/messages`, { method: 'POST', headers: { authorization: 'Bearer token' }, body: form });
    assert.equal(upload.status, 200);
    const hook = { name: 'h', targetUrl: 'http://127.0.0.1:9/none', resource: 'all', event: 'all' };
    await fetch(`${url}/v1/webhooks`, {
      method: 'POST',
      headers: { authorization: 'Bearer token', 'content-type': 'application/json' },
      body: JSON.stringify(hook),
    });
    await first.close();

    const second = new FakeWebex(options(dataFile));
    try {
      assert.equal(second.bot.id, first.bot.id);
      assert.deepEqual(second.rooms(), first.rooms());
      assert.deepEqual(second.people(), first.people());
      assert.deepEqual(second.messages(room.id), first.messages(room.id));
      assert.ok(second.messages(room.id)[1]?.files?.[0]?.data.equals(PNG));
      assert.deepEqual(second.webhooks(), first.webhooks());
    } finally {
      await second.close();
    }
  });

  it('pages lists with max and a Link rel="next" header', async () => {
    const fake = new FakeWebex(options());
    const { url } = await fake.listen();
    try {
      for (const title of ['One', 'Two', 'Three']) fake.createGroupSpace(title, ['alice@example.com']);
      const titles: string[] = [];
      let next: string | undefined = `${url}/v1/rooms?max=2`;
      while (next) {
        const response: Response = await fetch(next, { headers: { authorization: 'Bearer token' } });
        titles.push(...((await response.json()) as { items: Array<{ title: string }> }).items.map((r) => r.title));
        next = /<([^>]+)>; rel="next"/.exec(response.headers.get('link') ?? '')?.[1];
      }
      assert.deepEqual(titles, ['One', 'Two', 'Three']);
    } finally {
      await fake.close();
    }
  });

  it('logs a failed webhook delivery instead of throwing it at the caller', async () => {
    const lines: string[] = [];
    const fake = new FakeWebex({ ...options(), log: (line) => lines.push(line) });
    try {
      fake.createWebhook({ name: 'dead', targetUrl: 'http://127.0.0.1:9/nowhere', resource: 'all', event: 'all' });
      const room = fake.directSpace('alice@example.com');
      fake.postMessage({ roomId: room.id, fromEmail: 'alice@example.com', text: 'hello' });
      await fake.idle();
      assert.equal(lines.length, 1);
      assert.match(lines[0]!, /messages\/created to http:\/\/127\.0\.0\.1:9\/nowhere failed/);
    } finally {
      await fake.close();
    }
  });

  it('answers unknown routes with a Webex-style 404 and waitForMessage times out clearly', async () => {
    const fake = new FakeWebex(options());
    const { url } = await fake.listen();
    try {
      const response = await fetch(`${url}/v1/nothing-here`, { headers: { authorization: 'Bearer token' } });
      assert.equal(response.status, 404);
      assert.equal(((await response.json()) as { message: string }).message, 'The requested resource could not be found.');
      await assert.rejects(fake.waitForMessage(() => false, 20), /No matching message within 20 ms/);
    } finally {
      await fake.close();
    }
  });
});
