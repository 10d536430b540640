/**
 * The browser page of the local Webex: people's side of the fake (pick who you are, read and
 * write in spaces, press card buttons) and each person's phone (scan the QR, install the Webex
 * Go line through the eSIM server, switch it off/on, remove it).
 *
 * Served at `/` of the host app: the page itself, its static files under `/local/static/`, the
 * two vendor scripts under `/local/vendor/`, and a JSON API under `/local/api/` (see README in
 * the report or the route list below). It talks to the FakeWebex in-process; only the phone's
 * calls go over HTTP, to the eSIM endpoints, with the bearer token that never reaches the
 * browser.
 *
 * With a LocalMailbox, the page also has each person's Mailbox: the emails the bot sent them,
 * their HTML shown in a sandboxed iframe with the inline images served from here.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { FakeWebex } from '../fakeWebex.js';
import type { LocalMailbox, MailboxMessage } from '../mailbox.js';
import type { Change, Message, Person, Phone, PhoneAnswer, Room } from '../types.js';
import { WebexApiError } from '../world.js';

export { seedDemo, DEMO_ADMIN, DEMO_USERS, DEMO_ADMIN_SPACE } from './seed.js';

export interface LocalWebexPageDeps {
  fake: FakeWebex;
  /** Bearer token the eSIM endpoints expect; used server-side only. */
  esimToken: string;
  /** e.g. `http://127.0.0.1:3000/esim/v1` (no trailing slash needed). */
  esimBaseUrl: string;
  /** How long a call to the eSIM server may take (default 10 s). */
  esimTimeoutMs?: number;
  /** Where the bot's emails land offline; without it the page has no Mailbox. */
  mailbox?: LocalMailbox;
}

/** The page's router; `close()` ends open event streams (call it before closing the server). */
export type LocalWebexPage = Router & { close(): void };

const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));
const require = createRequire(import.meta.url);
const VENDOR: Record<string, string> = {
  'adaptivecards.min.js': require.resolve('adaptivecards/dist/adaptivecards.min.js'),
  'jsQR.js': require.resolve('jsqr/dist/jsQR.js'),
};
const INLINE_IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
// The email iframe (srcdoc) inherits this policy: its images may come from here only (no
// remote images, no tracking pixels), its inline styles work, and it runs no script at all
// (the iframe is sandboxed without allow-scripts). Links in it open in a new tab.
const PAGE_CSP = [
  "default-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self' 'unsafe-inline'",
  "script-src 'self'",
  "connect-src 'self'",
  "frame-src 'self'",
  "child-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_CODE_LENGTH = 512;
const HEARTBEAT_MS = 20_000;
const PREVIEW_LENGTH = 140;
/** Served with their own type, inline; any other part of an email downloads. */
const MAIL_IMAGE_TYPES = new Set([...INLINE_IMAGE_TYPES, 'image/bmp']);

// ------------------------------------------------------------------ what the page receives

export interface PersonView {
  id: string;
  email: string;
  displayName: string;
}

export interface SpaceView {
  id: string;
  type: 'direct' | 'group';
  /** A 1:1 space is titled with the bot's name: the other side, as Webex shows it. */
  title: string;
  lastActivity: string;
  memberCount: number;
}

export interface FileView {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  /** Served by this router: inline for images, as a download otherwise. */
  url: string;
  isImage: boolean;
}

export interface MessageView {
  id: string;
  roomId: string;
  parentId?: string;
  sender: { email: string; displayName: string; isBot: boolean };
  text?: string;
  markdown?: string;
  /** Whether the message @mentions the bot (its text then starts with the bot's name). */
  mentionsBot: boolean;
  /** The adaptive card (the attachment's `content`), when there is one. */
  card?: unknown;
  files: FileView[];
  created: string;
  updated?: string;
  editCount: number;
}

/** An email in a person's list. */
export interface MailSummary {
  id: string;
  /** The From header, e.g. `"Webex Go" <webex-go@example.com>`. */
  from: string;
  /** The sender's name when the header has one, else the address. */
  fromName: string;
  subject: string;
  /** When the mailbox received it (ISO 8601). */
  date: string;
  /** The start of the text (the HTML's text when there is no text part), on one line. */
  preview: string;
}

export interface MailAttachmentView {
  filename: string;
  contentType: string;
  size: number;
  cid?: string;
  inline: boolean;
  url: string;
}

/** One email, to read. */
export interface MailView extends MailSummary {
  /** The To header as written (the recipients when it is missing). */
  to: string;
  /** Who it was delivered to, lower-cased. */
  recipients: string[];
  text: string;
  /** The sender's HTML with its `cid:` images pointing at this router; empty when there is none. */
  html: string;
  attachments: MailAttachmentView[];
}

export interface PhoneView {
  email: string;
  line: { iccid: string; enabled: boolean; installedAt: string; carrier: 'Webex' } | null;
  lastAnswer: PhoneAnswer | null;
}

/** Thrown by handlers: answers `{error}` with this status. */
class PageError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function localWebexPage(deps: LocalWebexPageDeps): LocalWebexPage {
  const { fake } = deps;
  const esimBase = deps.esimBaseUrl.replace(/\/+$/, '');
  const esimTimeoutMs = deps.esimTimeoutMs ?? 10_000;
  const router = express.Router();
  const api = express.Router();

  // ---------------------------------------------------------------- views

  const personView = (p: Person): PersonView => ({ id: p.id, email: p.emails[0]!, displayName: p.displayName });

  const spaceView = (room: Room): SpaceView => ({
    id: room.id,
    type: room.type,
    title: room.type === 'direct' ? fake.bot.displayName : room.title,
    lastActivity: room.lastActivity,
    memberCount: fake.memberships(room.id).length,
  });

  const messageView = (m: Message): MessageView => {
    const sender = fake.personById(m.personId);
    const view: MessageView = {
      id: m.id,
      roomId: m.roomId,
      sender: {
        email: m.personEmail,
        displayName: sender?.displayName ?? m.personEmail,
        isBot: m.personId === fake.bot.id,
      },
      mentionsBot: (m.mentionedPeople ?? []).includes(fake.bot.id),
      files: (m.files ?? []).map((f) => ({
        id: f.id,
        filename: f.filename,
        contentType: f.contentType,
        size: f.data.length,
        url: `/local/api/files/${encodeURIComponent(f.id)}`,
        isImage: INLINE_IMAGE_TYPES.has(f.contentType.toLowerCase()),
      })),
      created: m.created,
      editCount: m.editCount,
    };
    if (m.parentId !== undefined) view.parentId = m.parentId;
    if (m.text !== undefined) view.text = m.text;
    if (m.markdown !== undefined) view.markdown = m.markdown;
    if (m.attachments?.[0]) view.card = m.attachments[0].content;
    if (m.updated !== undefined) view.updated = m.updated;
    return view;
  };

  const phoneView = (email: string): PhoneView => {
    const phone = fake.phone(email);
    return {
      email: email.toLowerCase(),
      line: phone?.line ? { ...phone.line, carrier: 'Webex' } : null,
      lastAnswer: phone?.lastAnswer ?? null,
    };
  };

  const mailUrl = (id: string) => `/local/api/mail/${encodeURIComponent(id)}`;
  const cidUrl = (id: string, cid: string) => `${mailUrl(id)}/cid/${encodeURIComponent(cid)}`;

  const mailSummary = (m: MailboxMessage): MailSummary => ({
    id: m.id,
    from: m.from,
    fromName: senderName(m.from),
    subject: m.subject,
    date: m.date,
    preview: preview(m),
  });

  const mailView = (m: MailboxMessage, mailbox: LocalMailbox): MailView => ({
    ...mailSummary(m),
    to: m.toHeader || m.to.join(', '),
    recipients: m.to,
    text: m.text,
    html: m.html ? (mailbox.htmlWithImageUrls(m.id, cidUrl) ?? '') : '',
    attachments: m.attachments.map((a, index) => ({
      filename: a.filename,
      contentType: a.contentType,
      size: a.size,
      ...(a.cid ? { cid: a.cid } : {}),
      inline: a.inline,
      url: a.cid ? cidUrl(m.id, a.cid) : `${mailUrl(m.id)}/attachments/${index}`,
    })),
  });

  // ---------------------------------------------------------------- helpers

  const requirePerson = (email: string): Person => {
    const person = fake.person(email);
    if (!person || person.id === fake.bot.id) throw new PageError(404, `Nobody with the email ${email} is here.`);
    return person;
  };

  const requireMemberRoom = (roomId: string, person: Person): Room => {
    const room = fake.room(roomId);
    if (!room) throw new PageError(404, 'That space does not exist (any more).');
    if (!fake.isMember(room.id, person.id)) throw new PageError(403, `${person.displayName} is not in that space.`);
    return room;
  };

  const body = (req: Request): Record<string, unknown> => {
    const value: unknown = req.body;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new PageError(400, 'Send a JSON object (Content-Type: application/json).');
    }
    return value as Record<string, unknown>;
  };

  const stringField = (fields: Record<string, unknown>, name: string): string => {
    const value = fields[name];
    if (typeof value !== 'string' || value.trim() === '') throw new PageError(400, `"${name}" is required.`);
    return value.trim();
  };

  const param = (req: Request, name: string): string => String(req.params[name] ?? '');

  // ---------------------------------------------------------------- the eSIM server, as a phone

  const callEsim = async (
    action: PhoneAnswer['action'],
    path: '/download' | '/events',
    payload: Record<string, string>,
  ): Promise<PhoneAnswer> => {
    const at = new Date().toISOString();
    let res: globalThis.Response;
    try {
      res = await fetch(`${esimBase}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${deps.esimToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(esimTimeoutMs),
      });
    } catch (error) {
      const why = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${esimTimeoutMs / 1000} s` : String((error as Error)?.message ?? error);
      return { action, ok: false, error: `The phone could not reach the eSIM server at ${esimBase}: ${why}.`, at };
    }
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) json = parsed as Record<string, unknown>;
    } catch {
      // Not JSON: reported below by status.
    }
    const answer: PhoneAnswer = { action, ok: res.ok, httpStatus: res.status, at };
    if (typeof json.status === 'string') answer.status = json.status;
    if (typeof json.iccid === 'string') answer.iccid = json.iccid;
    if (typeof json.reason === 'string') answer.reason = json.reason;
    if (!res.ok) {
      answer.error = typeof json.error === 'string' ? json.error : `The eSIM server answered HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}.`;
    } else if (action === 'install' && answer.iccid === undefined) {
      answer.ok = false;
      answer.error = 'The eSIM server accepted the code but sent no ICCID.';
    }
    return answer;
  };

  // ---------------------------------------------------------------- the page and its files

  router.get('/', (_req, res) => {
    res.set('content-security-policy', PAGE_CSP);
    res.set('cache-control', 'no-cache');
    res.sendFile('index.html', { root: PUBLIC_DIR });
  });
  router.use('/local/static', express.static(PUBLIC_DIR, { index: false, cacheControl: true, maxAge: 0 }));
  router.get('/local/vendor/:file', (req, res, next) => {
    const path = VENDOR[param(req, 'file')];
    if (!path) return next();
    res.sendFile(path);
  });

  // ---------------------------------------------------------------- JSON API

  // A page on another site must not act here: refuse writes whose Origin is not this host.
  api.use((req, _res, next) => {
    const origin = req.get('origin');
    if (req.method !== 'GET' && req.method !== 'HEAD' && origin !== undefined) {
      let host: string | undefined;
      try {
        host = new URL(origin).host;
      } catch {
        host = undefined;
      }
      if (host !== req.get('host')) throw new PageError(403, 'Requests from other sites are refused.');
    }
    next();
  });
  api.use(express.json({ limit: '256kb' }));

  api.get('/bot', (_req, res) => {
    res.json({ email: fake.bot.emails[0], displayName: fake.bot.displayName });
  });

  api.get('/people', (_req, res) => {
    const people = fake.people().map(personView);
    people.sort((a, b) => a.displayName.localeCompare(b.displayName));
    res.json(people);
  });

  api.post('/people', (req, res) => {
    const fields = body(req);
    const email = stringField(fields, 'email').toLowerCase();
    if (!EMAIL.test(email)) throw new PageError(400, `"${email}" is not an email address.`);
    if (fake.person(email)?.id === fake.bot.id) throw new PageError(400, 'That is the bot\u2019s address.');
    const name = typeof fields.displayName === 'string' && fields.displayName.trim() ? fields.displayName.trim() : undefined;
    const existed = fake.person(email) !== undefined;
    const person = fake.addPerson(name === undefined ? { email } : { email, displayName: name });
    res.status(existed ? 200 : 201).json(personView(person));
  });

  api.get('/people/:email/spaces', (req, res) => {
    const person = requirePerson(param(req, 'email'));
    const spaces = fake
      .rooms()
      .filter((room) => fake.isMember(room.id, person.id))
      .map(spaceView)
      .sort((a, b) => b.lastActivity.localeCompare(a.lastActivity));
    res.json(spaces);
  });

  /** The person's 1:1 space with the bot, created when missing (as "Message GoBot" does). */
  api.post('/people/:email/direct', (req, res) => {
    const person = requirePerson(param(req, 'email'));
    res.json(spaceView(fake.directSpace(person.emails[0]!)));
  });

  api.get('/spaces/:roomId/messages', (req, res) => {
    const as = typeof req.query.as === 'string' ? req.query.as : '';
    if (!as) throw new PageError(400, 'Say who is reading: ?as=<email>.');
    const room = requireMemberRoom(param(req, 'roomId'), requirePerson(as));
    res.json({ space: spaceView(room), messages: fake.messages(room.id).map(messageView) });
  });

  api.post('/spaces/:roomId/messages', (req, res) => {
    const fields = body(req);
    const person = requirePerson(stringField(fields, 'fromEmail'));
    const room = requireMemberRoom(param(req, 'roomId'), person);
    let text = stringField(fields, 'text');
    let mentionBot = fields.mentionBot === true;
    // "@GoBot status" mentions the bot whatever the toggle says; the name is not repeated.
    const typed = `@${fake.bot.displayName}`;
    if (text.toLowerCase().startsWith(typed.toLowerCase()) && /^(\s|$)/.test(text.slice(typed.length))) {
      mentionBot = true;
      text = text.slice(typed.length).trim();
      if (!text) throw new PageError(400, `Write something after @${fake.bot.displayName}.`);
    }
    const message = fake.postMessage({ roomId: room.id, fromEmail: person.emails[0]!, text, mentionBot: mentionBot && room.type === 'group' });
    res.status(201).json(messageView(message));
  });

  /** A card button press: `inputs` is what the card's Submit action produced (data merged with input values). */
  api.post('/messages/:messageId/actions', (req, res) => {
    const fields = body(req);
    const person = requirePerson(stringField(fields, 'fromEmail'));
    const inputs = fields.inputs ?? {};
    if (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs)) throw new PageError(400, '"inputs" must be an object.');
    const message = fake.message(param(req, 'messageId'));
    if (!message) throw new PageError(404, 'That message does not exist (any more).');
    requireMemberRoom(message.roomId, person);
    const action = fake.pressButton({ messageId: message.id, fromEmail: person.emails[0]!, inputs: inputs as Record<string, unknown> });
    res.status(201).json(action);
  });

  api.get('/files/:contentId', (req, res) => {
    const id = param(req, 'contentId');
    const file = fake
      .messages()
      .flatMap((m) => m.files ?? [])
      .find((f) => f.id === id);
    if (!file) throw new PageError(404, 'No such file.');
    const inline = INLINE_IMAGE_TYPES.has(file.contentType.toLowerCase());
    // Images show in the page; anything else (the PDF sheet) downloads under its own name.
    res.attachment(file.filename);
    if (inline) res.set('content-disposition', res.get('content-disposition')!.replace(/^attachment/, 'inline'));
    res.set('content-type', file.contentType || 'application/octet-stream');
    res.set('x-content-type-options', 'nosniff');
    res.set('content-security-policy', "default-src 'none'; sandbox");
    res.send(file.data);
  });

  // ---------------------------------------------------------------- mailbox

  /** What this page can show: the Mailbox only when there is one. */
  api.get('/features', (_req, res) => {
    res.json({ mailbox: deps.mailbox !== undefined });
  });

  const requireMailbox = (): LocalMailbox => {
    if (!deps.mailbox) throw new PageError(404, 'There is no local mailbox here (the bot sends real email).');
    return deps.mailbox;
  };

  const requireMail = (mailbox: LocalMailbox, id: string): MailboxMessage => {
    const message = mailbox.message(id);
    if (!message) throw new PageError(404, 'That email does not exist (any more).');
    return message;
  };

  /** Sends an email's part: images inline with their type, anything else as a download. */
  const sendPart = (res: Response, part: { filename: string; contentType: string; data: Buffer }) => {
    const type = (part.contentType || 'application/octet-stream').toLowerCase();
    res.attachment(part.filename);
    if (MAIL_IMAGE_TYPES.has(type)) res.set('content-disposition', res.get('content-disposition')!.replace(/^attachment/, 'inline'));
    res.set('content-type', type);
    res.set('x-content-type-options', 'nosniff');
    res.set('content-security-policy', "default-src 'none'; sandbox");
    res.set('cache-control', 'private, max-age=3600');
    res.send(part.data);
  };

  /** A person's email, newest first. */
  api.get('/mail', (req, res) => {
    const mailbox = requireMailbox();
    const email = typeof req.query.email === 'string' ? req.query.email.trim() : '';
    if (!email) throw new PageError(400, 'Say whose mail: ?email=<address>.');
    res.json(mailbox.messages(email).reverse().map(mailSummary));
  });

  api.get('/mail/:id', (req, res) => {
    const mailbox = requireMailbox();
    res.json(mailView(requireMail(mailbox, param(req, 'id')), mailbox));
  });

  /** An inline image of an email, as its HTML refers to it (`cid:`). */
  api.get('/mail/:id/cid/:cid', (req, res) => {
    const mailbox = requireMailbox();
    const id = requireMail(mailbox, param(req, 'id')).id;
    const part = mailbox.attachment(id, param(req, 'cid'));
    if (!part) throw new PageError(404, 'That email has no such image.');
    sendPart(res, part);
  });

  /** An attached file without a Content-ID, by its place in the email. */
  api.get('/mail/:id/attachments/:index', (req, res) => {
    const message = requireMail(requireMailbox(), param(req, 'id'));
    const index = param(req, 'index');
    const part = /^\d+$/.test(index) ? message.attachments[Number(index)] : undefined;
    if (!part) throw new PageError(404, 'That email has no such attachment.');
    sendPart(res, part);
  });

  // ---------------------------------------------------------------- phones

  api.get('/phones/:email', (req, res) => {
    const person = requirePerson(param(req, 'email'));
    res.json(phoneView(person.emails[0]!));
  });

  /** The phone redeems an activation code at the eSIM server; on success it holds the line. */
  api.post('/phones/:email/install', async (req, res) => {
    const person = requirePerson(param(req, 'email'));
    const email = person.emails[0]!;
    const code = stringField(body(req), 'activationCode');
    if (code.length > MAX_CODE_LENGTH) throw new PageError(400, 'That is far too long for an activation code.');
    const current = fake.phone(email);
    if (current?.line) {
      throw new PageError(409, `This phone already has a Webex Go line (ICCID ${current.line.iccid}). Remove it first, or start with a new phone.`);
    }
    const answer = await callEsim('install', '/download', { activationCode: code });
    const state: Omit<Phone, 'email' | 'updated'> = { lastAnswer: answer };
    if (answer.ok && answer.iccid) state.line = { iccid: answer.iccid, enabled: true, installedAt: answer.at };
    fake.setPhone(email, state);
    res.json({ phone: phoneView(email), answer });
  });

  /**
   * The user switches the line on/off or removes it. The phone does what the user asked
   * whatever the server answers (it is the user's phone); the answer is shown.
   */
  api.post('/phones/:email/events', async (req, res) => {
    const person = requirePerson(param(req, 'email'));
    const email = person.emails[0]!;
    const event = stringField(body(req), 'event');
    if (event !== 'enabled' && event !== 'disabled' && event !== 'deleted') {
      throw new PageError(400, '"event" must be "enabled", "disabled" or "deleted".');
    }
    const line = fake.phone(email)?.line;
    if (!line) throw new PageError(409, 'This phone has no Webex Go line.');
    const answer = await callEsim(event, '/events', { iccid: line.iccid, event });
    const state: Omit<Phone, 'email' | 'updated'> = { lastAnswer: answer };
    if (event !== 'deleted') state.line = { ...line, enabled: event === 'enabled' };
    fake.setPhone(email, state);
    res.json({ phone: phoneView(email), answer });
  });

  /** A new, empty phone (the old one was lost or replaced): forgets the line without telling the server. */
  api.post('/phones/:email/replace', (req, res) => {
    const person = requirePerson(param(req, 'email'));
    fake.setPhone(person.emails[0]!, {});
    res.json({ phone: phoneView(person.emails[0]!) });
  });

  // ---------------------------------------------------------------- live changes (SSE)

  const streams = new Set<Response>();
  let heartbeat: NodeJS.Timeout | undefined;

  const send = (event: Record<string, unknown>) => {
    const frame = `data: ${JSON.stringify(event)}\n\n`;
    for (const res of streams) res.write(frame);
  };

  const onChange = (change: Change) => {
    if (streams.size === 0) return;
    switch (change.kind) {
      case 'message':
        if (change.action === 'deleted') {
          send({ type: 'message', action: 'deleted', roomId: change.message.roomId, messageId: change.message.id });
        } else {
          // A deleted message may still be announced late; only live ones go out.
          if (!fake.message(change.message.id)) return;
          send({ type: 'message', action: change.action, roomId: change.message.roomId, message: messageView(change.message) });
        }
        break;
      case 'person':
        send({ type: 'people' });
        break;
      case 'room':
        send({ type: 'spaces', roomId: change.room.id });
        break;
      case 'membership':
        send({ type: 'spaces', roomId: change.membership.roomId, email: change.membership.personEmail.toLowerCase() });
        break;
      case 'attachmentAction': {
        const person = fake.personById(change.attachmentAction.personId);
        send({
          type: 'attachmentAction',
          messageId: change.attachmentAction.messageId,
          roomId: change.attachmentAction.roomId,
          email: person?.emails[0]?.toLowerCase(),
        });
        break;
      }
      case 'phone':
        send({ type: 'phone', email: change.phone.email, phone: phoneView(change.phone.email) });
        break;
      case 'reset':
        send({ type: 'reset' });
        break;
      case 'webhook':
        break;
    }
  };

  const onMail = (message: MailboxMessage) => {
    send({ type: 'mail', to: message.to, mail: mailSummary(message) });
  };

  const dropStream = (res: Response) => {
    if (!streams.delete(res)) return;
    if (streams.size === 0) {
      fake.off('change', onChange);
      deps.mailbox?.off('mail', onMail);
      clearInterval(heartbeat);
      heartbeat = undefined;
    }
  };

  api.get('/events', (req, res) => {
    res.status(200);
    res.set({ 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive' });
    res.flushHeaders();
    res.write('retry: 1000\n\n');
    if (streams.size === 0) {
      fake.on('change', onChange);
      deps.mailbox?.on('mail', onMail);
      heartbeat = setInterval(() => {
        for (const stream of streams) stream.write(': ping\n\n');
      }, HEARTBEAT_MS);
      heartbeat.unref();
    }
    streams.add(res);
    res.write(`data: ${JSON.stringify({ type: 'hello' })}\n\n`);
    req.on('close', () => dropStream(res));
  });

  api.use((_req, _res, next) => next(new PageError(404, 'No such page API.')));

  // Errors answer {error} with a sentence: the page shows it as it is.
  api.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const type = (error as { type?: unknown })?.type;
    if (error instanceof PageError || error instanceof WebexApiError) {
      res.status(error.status).json({ error: error.message });
    } else if (type === 'entity.parse.failed') {
      res.status(400).json({ error: 'The request body is not valid JSON.' });
    } else if (type === 'entity.too.large') {
      res.status(413).json({ error: 'The request body is too large.' });
    } else if (error instanceof Error) {
      // The fake's own refusals ("... is not a member of space ...") are plain Errors.
      res.status(400).json({ error: error.message });
    } else {
      res.status(500).json({ error: String(error) });
    }
  });

  router.use('/local/api', api);

  return Object.assign(router, {
    close(): void {
      for (const res of [...streams]) {
        res.end();
        dropStream(res);
      }
    },
  });
}

/** `"Webex Go" <webex-go@example.com>` → `Webex Go`; a bare address stays as it is. */
function senderName(from: string): string {
  const named = /^\s*"?((?:[^"\\]|\\.)*?)"?\s*<([^<>]*)>\s*$/.exec(from);
  if (!named) return from.trim();
  const name = named[1]!.replace(/\\(.)/g, '$1').trim();
  return name || named[2]!.trim();
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'", nbsp: ' ' };

/** The first words of an email on one line: its text part, or the text of its HTML. */
function preview(m: MailboxMessage): string {
  const source = m.text.trim()
    ? m.text
    : m.html
        .replace(/<(head|style|script|title)\b[\s\S]*?<\/\1\s*>/gi, ' ')
        .replace(/<[^>]*>/g, ' ')
        .replace(/&(amp|lt|gt|quot|#39|apos|nbsp);/g, (_m, name: string) => ENTITIES[name] ?? ' ');
  const line = source.replace(/\s+/g, ' ').trim();
  return line.length > PREVIEW_LENGTH ? `${line.slice(0, PREVIEW_LENGTH - 1).trimEnd()}\u2026` : line;
}
