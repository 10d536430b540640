import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import busboy from 'busboy';
import { WebexApiError, type FakeWorld, type MessageFields } from './world.js';
import type { CardAttachment, FileInput, Message } from './types.js';

/** One REST request as the fake saw it, for tests that assert exact outgoing calls. */
export interface RequestRecord {
  method: string;
  /** Always starts with `/v1`, wherever the router is mounted. */
  path: string;
  query: Record<string, unknown>;
  /** The JSON body; for multipart, its fields and `files: [{filename, contentType, size}]`. */
  body?: unknown;
  /** Set when the response has been sent. */
  status?: number;
}

/** An injected failure; see FakeWebex.failNext. */
export interface Fault {
  /** `'hang'`: the request is never answered (until the server closes its connections). */
  status: number | 'hang';
  retryAfterSeconds?: number;
}

export interface RestOptions {
  world: FakeWorld;
  botToken: string;
  /** Called for every request under /v1 before it is handled. */
  record: (request: RequestRecord) => void;
  /** The injected failure for this request, if any (consumed by the call). */
  takeFault: (method: string, path: string) => Fault | undefined;
}

const UNAUTHORIZED = 'The request requires a valid access token set in the Authorization request header.';
const NOT_FOUND = 'The requested resource could not be found.';
const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;
const MULTIPART_FIELDS = ['roomId', 'toPersonId', 'toPersonEmail', 'parentId', 'text', 'markdown'];

/** Sends a Webex-style error body: `{message, errors:[{description}], trackingId}`. */
export function sendError(res: Response, status: number, message: string, headers: Record<string, string> = {}): void {
  res.set(headers);
  res.status(status).json({ message, errors: [{ description: message }], trackingId: res.get('trackingid') });
}

/**
 * The Webex REST API under `/v1`, as a bot token sees it. Requests outside `/v1` fall through
 * to whatever the host app serves next.
 */
export function createRestRouter({ world, botToken, record, takeFault }: RestOptions): Router {
  const v1 = express.Router();

  v1.use((_req, res, next) => {
    res.set('trackingid', `ROUTER_${randomUUID()}`);
    next();
  });
  v1.use((req, res, next) => {
    const entry: RequestRecord = { method: req.method, path: `/v1${req.path}`, query: { ...req.query } };
    res.locals.record = entry;
    res.on('finish', () => {
      entry.status = res.statusCode;
    });
    record(entry);
    next();
  });
  v1.use(express.json({ limit: '10mb' }), (req, res, next) => {
    if (req.body !== undefined) (res.locals.record as RequestRecord).body = req.body;
    next();
  });
  // The SDK asks the u2c catalog where Webex lives when the token looks real: here, this server.
  v1.get('/limited/catalog', (req, res) => {
    res.json({ serviceLinks: { hydra: `${req.protocol}://${req.get('host')}/v1/` }, hostCatalog: {} });
  });
  v1.use((req, res, next) => {
    if (req.get('authorization') !== `Bearer ${botToken}`) return sendError(res, 401, UNAUTHORIZED);
    const fault = takeFault(req.method, `/v1${req.path}`);
    if (!fault) return next();
    if (fault.status === 'hang') return;
    const headers: Record<string, string> = {};
    if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
    sendError(res, fault.status, `Injected failure ${fault.status}.`, headers);
  });

  const bot = world.bot;
  const contentsUrl = (req: Request, id: string): string => `${req.protocol}://${req.get('host')}${req.baseUrl}/contents/${id}`;
  const restMessage = (req: Request, message: Message): Record<string, unknown> => {
    const { files, editCount, ...rest } = message;
    return files ? { ...rest, files: files.map((f) => contentsUrl(req, f.id)) } : rest;
  };
  /** A room the bot is in, or 404. */
  const botRoom = (id: string) => {
    const room = world.room(id);
    if (!room || !world.isMember(room.id, bot.id)) throw new WebexApiError(404, 'Could not find a room with provided ID.');
    return room;
  };

  // ------------------------------------------------------------ people
  v1.get('/people/me', (_req, res) => {
    res.json(bot);
  });
  v1.get('/people', (req, res) => {
    const email = optionalString(req.query, 'email');
    const ids = optionalString(req.query, 'id');
    const displayName = optionalString(req.query, 'displayName');
    if (ids !== undefined) {
      const wanted = ids.split(',').filter(Boolean);
      const found = wanted.map((id) => world.personById(id)).filter((p) => p !== undefined);
      const notFoundIds = wanted.filter((id) => !world.personById(id));
      res.json(notFoundIds.length ? { items: found, notFoundIds } : { items: found });
    } else if (email !== undefined) {
      const person = world.person(email);
      res.json({ items: person ? [person] : [] });
    } else if (displayName !== undefined) {
      const prefix = displayName.toLowerCase();
      const all = [bot, ...world.people()].filter((p) => p.displayName.toLowerCase().startsWith(prefix));
      res.json({ items: paginate(req, res, all, 100) });
    } else {
      throw new WebexApiError(400, 'Email, displayName, or id list should be specified.');
    }
  });
  v1.get('/people/:id', (req, res) => {
    const person = world.personById(req.params.id);
    if (!person) throw new WebexApiError(404, 'Person not found.');
    res.json(person);
  });

  // ------------------------------------------------------------ rooms
  v1.get('/rooms', (req, res) => {
    const type = optionalString(req.query, 'type');
    const sortBy = optionalString(req.query, 'sortBy');
    let rooms = world.rooms().filter((r) => world.isMember(r.id, bot.id) && (type === undefined || r.type === type));
    if (sortBy === 'lastactivity') rooms = rooms.sort((a, b) => b.lastActivity.localeCompare(a.lastActivity));
    if (sortBy === 'created') rooms = rooms.sort((a, b) => b.created.localeCompare(a.created));
    res.json({ items: paginate(req, res, rooms, 100) });
  });
  v1.get('/rooms/:id', (req, res) => {
    res.json(botRoom(req.params.id));
  });

  // ------------------------------------------------------------ memberships
  v1.get('/memberships', (req, res) => {
    const roomId = optionalString(req.query, 'roomId');
    const personId = optionalString(req.query, 'personId');
    const personEmail = optionalString(req.query, 'personEmail')?.toLowerCase();
    if (roomId === undefined) {
      if (personId !== undefined || personEmail !== undefined) {
        throw new WebexApiError(400, 'roomId is required when filtering by personId or personEmail.');
      }
      const mine = world.memberships().filter((m) => m.personId === bot.id);
      res.json({ items: paginate(req, res, mine, 100) });
      return;
    }
    const items = world
      .memberships(botRoom(roomId).id)
      .filter((m) => personId === undefined || m.personId === personId)
      .filter((m) => personEmail === undefined || m.personEmail.toLowerCase() === personEmail);
    res.json({ items: paginate(req, res, items, 100) });
  });
  v1.get('/memberships/:id', (req, res) => {
    const membership = world.membership(req.params.id);
    if (!membership || !world.isMember(membership.roomId, bot.id)) throw new WebexApiError(404, 'Membership not found.');
    res.json(membership);
  });
  v1.delete('/memberships/:id', (req, res) => {
    const membership = world.membership(req.params.id);
    if (!membership || !world.isMember(membership.roomId, bot.id)) throw new WebexApiError(404, 'Membership not found.');
    if (membership.personId !== bot.id) throw new WebexApiError(403, 'A bot can remove only its own membership.');
    world.deleteMembership(membership, bot);
    res.status(204).end();
  });

  // ------------------------------------------------------------ messages
  v1.get('/messages', (req, res) => {
    const roomId = optionalString(req.query, 'roomId');
    if (roomId === undefined) throw new WebexApiError(400, 'roomId is required.');
    const room = botRoom(roomId);
    const mentioned = optionalString(req.query, 'mentionedPeople');
    const mentionsBot = mentioned === 'me' || mentioned === bot.id;
    if (mentioned !== undefined && !mentionsBot) throw new WebexApiError(400, 'mentionedPeople may only be me.');
    // Webex: "Bots must include this parameter to list messages in group rooms".
    if (room.type === 'group' && !mentionsBot) {
      throw new WebexApiError(403, 'Bots must use mentionedPeople=me to list messages in a group space.');
    }
    const parentId = optionalString(req.query, 'parentId');
    const before = optionalString(req.query, 'before');
    const beforeMessage = optionalString(req.query, 'beforeMessage');
    let messages = world.messages(room.id).filter((m) => world.botCanSee(m));
    if (beforeMessage !== undefined) {
      const index = messages.findIndex((m) => m.id === beforeMessage);
      if (index < 0) throw new WebexApiError(404, 'beforeMessage not found.');
      messages = messages.slice(0, index);
    }
    messages = messages
      .filter((m) => !mentionsBot || (m.mentionedPeople ?? []).includes(bot.id))
      .filter((m) => parentId === undefined || m.parentId === parentId)
      .filter((m) => before === undefined || m.created < before)
      .reverse();
    res.json({ items: paginate(req, res, messages, 50).map((m) => restMessage(req, m)) });
  });
  // Webex's "List Direct Messages": the 1:1 with a person, newest first.
  v1.get('/messages/direct', (req, res) => {
    const email = optionalString(req.query, 'personEmail');
    if (email === undefined) throw new WebexApiError(400, 'personEmail or personId is required.');
    const person = world.person(email);
    if (!person) throw new WebexApiError(404, 'Could not find a person with the provided ID or email.');
    const room = world.rooms().find((r) => r.type === 'direct' && world.isMember(r.id, person.id) && world.isMember(r.id, bot.id));
    const messages = room ? world.messages(room.id).filter((m) => world.botCanSee(m)).reverse() : [];
    res.json({ items: paginate(req, res, messages, 50).map((m) => restMessage(req, m)) });
  });
  v1.get('/messages/:id', (req, res) => {
    const message = world.message(req.params.id);
    if (!message || !world.botCanSee(message)) throw new WebexApiError(404, 'Message not found.');
    res.json(restMessage(req, message));
  });
  v1.post('/messages', async (req, res) => {
    let fields: MessageFields;
    if (req.is('multipart/form-data')) {
      const upload = await readMultipart(req);
      (res.locals.record as RequestRecord).body = {
        ...upload.fields,
        files: upload.files.map((f) => ({ filename: f.filename, contentType: f.contentType, size: f.data.length })),
      };
      fields = { ...upload.fields, files: upload.files };
    } else {
      fields = jsonMessageFields(req.body);
    }
    res.json(restMessage(req, world.sendAsBot(fields)));
  });
  v1.put('/messages/:id', (req, res) => {
    const body = objectBody(req.body);
    const message = world.editMessage(bot, req.params.id, {
      roomId: optionalString(body, 'roomId'),
      text: optionalString(body, 'text'),
      markdown: optionalString(body, 'markdown'),
      attachments: optionalAttachments(body),
    });
    res.json(restMessage(req, message));
  });
  v1.delete('/messages/:id', (req, res) => {
    world.deleteMessage(bot, req.params.id);
    res.status(204).end();
  });

  // ------------------------------------------------------------ cards and files
  v1.get('/attachment/actions/:id', (req, res) => {
    const action = world.attachmentAction(req.params.id);
    if (!action || !world.isMember(action.roomId, bot.id)) throw new WebexApiError(404, 'Attachment action not found.');
    res.json(action);
  });
  v1.get('/contents/:id', (req, res) => {
    const file = world.content(req.params.id);
    if (!file) throw new WebexApiError(404, 'Content not found.');
    res.set('content-type', file.contentType);
    res.set('content-disposition', contentDisposition(file.filename));
    res.send(file.data);
  });

  // ------------------------------------------------------------ webhooks
  v1.get('/webhooks', (req, res) => {
    res.json({ items: paginate(req, res, world.webhooks(), 100) });
  });
  v1.post('/webhooks', (req, res) => {
    res.json(world.createWebhook(objectBody(req.body)));
  });
  v1.get('/webhooks/:id', (req, res) => {
    const webhook = world.webhook(req.params.id);
    if (!webhook) throw new WebexApiError(404, 'Webhook not found.');
    res.json(webhook);
  });
  v1.put('/webhooks/:id', (req, res) => {
    res.json(world.updateWebhook(req.params.id, objectBody(req.body)));
  });
  v1.delete('/webhooks/:id', (req, res) => {
    world.deleteWebhook(req.params.id);
    res.status(204).end();
  });

  v1.use((_req, res) => sendError(res, 404, NOT_FOUND));
  v1.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof WebexApiError) return sendError(res, error.status, error.message);
    const status = (error as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return sendError(res, status, (error as Error).message); // body-parser: bad JSON, too large
    }
    sendError(res, 500, `Fake Webex failed: ${(error as Error).message}`);
  });

  const router = express.Router();
  router.use('/v1', v1);
  return router;
}

/** One page of `items` per `max` and `cursor`, with a `Link: <…>; rel="next"` header when more remain. */
function paginate<T>(req: Request, res: Response, items: T[], defaultMax: number): T[] {
  const maxText = optionalString(req.query, 'max');
  const max = maxText === undefined ? defaultMax : Number(maxText);
  if (!Number.isInteger(max) || max < 1) throw new WebexApiError(400, 'max must be a positive integer.');
  const cursor = optionalString(req.query, 'cursor');
  const offset = cursor === undefined ? 0 : Number(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!Number.isInteger(offset) || offset < 0) throw new WebexApiError(400, 'Invalid cursor.');
  if (offset + max < items.length) {
    const query = new URLSearchParams(req.query as Record<string, string>);
    query.set('cursor', Buffer.from(String(offset + max)).toString('base64url'));
    res.set('link', `<${req.protocol}://${req.get('host')}${req.baseUrl}${req.path}?${query}>; rel="next"`);
  }
  return items.slice(offset, offset + max);
}

/** `attachment; filename="…"` as Webex sends it, plus an RFC 5987 form for names beyond ASCII. */
function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const header = `attachment; filename="${ascii}"`;
  return ascii === filename ? header : `${header}; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

function objectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new WebexApiError(400, 'A JSON object body is required.');
  }
  return body as Record<string, unknown>;
}

function optionalString(source: Record<string, unknown>, key: string): string | undefined {
  const value = source[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new WebexApiError(400, `${key} must be a string.`);
  return value;
}

function optionalAttachments(body: Record<string, unknown>): CardAttachment[] | undefined {
  const value = body.attachments;
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw new WebexApiError(400, 'attachments must be an array.');
  return value as CardAttachment[];
}

function jsonMessageFields(raw: unknown): MessageFields {
  const body = objectBody(raw);
  if (body.files !== undefined) {
    // Webex would fetch a public URL; offline there is nothing to fetch from.
    throw new WebexApiError(400, 'The fake Webex takes files only as multipart/form-data uploads.');
  }
  const fields: MessageFields = { attachments: optionalAttachments(body) };
  for (const key of MULTIPART_FIELDS) {
    const value = optionalString(body, key);
    if (value !== undefined) fields[key as keyof Omit<MessageFields, 'attachments' | 'files'>] = value;
  }
  return fields;
}

/** Reads a multipart message: text fields and `files` parts. */
function readMultipart(req: Request): Promise<{ fields: Record<string, string>; files: FileInput[] }> {
  return new Promise((resolve, reject) => {
    const fields: Record<string, string> = {};
    const files: FileInput[] = [];
    let failure: WebexApiError | undefined;
    const parser = busboy({ headers: req.headers, limits: { fileSize: MAX_UPLOAD_BYTES } });
    parser.on('field', (name, value) => {
      if (MULTIPART_FIELDS.includes(name)) fields[name] = value;
      else failure ??= new WebexApiError(400, `Unsupported multipart field ${name}.`);
    });
    parser.on('file', (name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => {
        failure ??= new WebexApiError(413, 'The file is too large.');
      });
      stream.on('end', () => {
        if (name !== 'files') failure ??= new WebexApiError(400, `Unsupported multipart file field ${name}.`);
        files.push({ filename: info.filename ?? 'untitled', contentType: info.mimeType, data: Buffer.concat(chunks) });
      });
    });
    parser.on('error', (error: Error) => reject(new WebexApiError(400, `Bad multipart body: ${error.message}`)));
    parser.on('close', () => (failure ? reject(failure) : resolve({ fields, files })));
    req.pipe(parser);
  });
}
