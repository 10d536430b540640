/** People, their spaces, the messages in them, and card button presses. */
import express, { type Request, type Router } from 'express';
import type { FakeWebex } from '../../fakeWebex.js';
import type { FileInput } from '../../types.js';
import { jsonBody, PageError, param, requireMemberRoom, requirePerson, stringField } from '../http.js';
import { messageView, personView, spaceView } from '../views.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** The largest file the page attaches: the bot reads call history exports up to 200 MB by default. */
const MAX_UPLOAD = '250mb';

export function spaceRoutes(fake: FakeWebex): Router {
  const api = express.Router();

  api.get('/bot', (_req, res) => {
    res.json({ email: fake.bot.emails[0], displayName: fake.bot.displayName });
  });

  api.get('/people', (_req, res) => {
    const people = fake.people().map(personView);
    people.sort((a, b) => a.displayName.localeCompare(b.displayName));
    res.json(people);
  });

  api.post('/people', (req, res) => {
    const fields = jsonBody(req);
    const email = stringField(fields, 'email').toLowerCase();
    if (!EMAIL.test(email)) throw new PageError(400, `"${email}" is not an email address.`);
    if (fake.person(email)?.id === fake.bot.id) throw new PageError(400, 'That is the bot\u2019s address.');
    const name = typeof fields.displayName === 'string' && fields.displayName.trim() ? fields.displayName.trim() : undefined;
    const existed = fake.person(email) !== undefined;
    const person = fake.addPerson(name === undefined ? { email } : { email, displayName: name });
    res.status(existed ? 200 : 201).json(personView(person));
  });

  api.get('/people/:email/spaces', (req, res) => {
    const person = requirePerson(fake, param(req, 'email'));
    const spaces = fake
      .rooms()
      .filter((room) => fake.isMember(room.id, person.id))
      .map((room) => spaceView(fake, room))
      .sort((a, b) => b.lastActivity.localeCompare(a.lastActivity));
    res.json(spaces);
  });

  /** The person's 1:1 space with the bot, created when missing (as "Message GoBot" does). */
  api.post('/people/:email/direct', (req, res) => {
    const person = requirePerson(fake, param(req, 'email'));
    res.json(spaceView(fake, fake.directSpace(person.emails[0]!)));
  });

  api.get('/spaces/:roomId/messages', (req, res) => {
    const as = typeof req.query.as === 'string' ? req.query.as : '';
    if (!as) throw new PageError(400, 'Say who is reading: ?as=<email>.');
    const room = requireMemberRoom(fake, param(req, 'roomId'), requirePerson(fake, as));
    res.json({ space: spaceView(fake, room), messages: fake.messages(room.id).map((m) => messageView(fake, m)) });
  });

  /** A person writes in a space: `text`, and in a group space whether the message @mentions the bot. */
  const post = (req: Request, from: string, typedText: string, mention: boolean, file?: FileInput) => {
    const person = requirePerson(fake, from);
    const room = requireMemberRoom(fake, param(req, 'roomId'), person);
    let text = typedText.trim();
    let mentionBot = mention;
    // "@GoBot status" mentions the bot whatever the toggle says; the name is not repeated.
    const typed = `@${fake.bot.displayName}`;
    if (text.toLowerCase().startsWith(typed.toLowerCase()) && /^(\s|$)/.test(text.slice(typed.length))) {
      mentionBot = true;
      text = text.slice(typed.length).trim();
      if (!text && !file) throw new PageError(400, `Write something after @${fake.bot.displayName}.`);
    }
    return fake.postMessage({
      roomId: room.id,
      fromEmail: person.emails[0]!,
      text,
      mentionBot: mentionBot && room.type === 'group',
      ...(file ? { files: [file] } : {}),
    });
  };

  api.post('/spaces/:roomId/messages', (req, res) => {
    const fields = jsonBody(req);
    const message = post(req, stringField(fields, 'fromEmail'), stringField(fields, 'text'), fields.mentionBot === true);
    res.status(201).json(messageView(fake, message));
  });

  /**
   * A message with a file attached, as the composer's Attach button or a drop sends it: the file's
   * bytes are the body (sent as application/octet-stream, so no JSON parser takes them), the rest
   * is in the query: `fromEmail`, `text` (may be empty), `mentionBot=1`, `filename`, `contentType`.
   */
  api.post('/spaces/:roomId/messages/with-file', express.raw({ type: 'application/octet-stream', limit: MAX_UPLOAD }), (req, res) => {
    const query = (name: string) => (typeof req.query[name] === 'string' ? (req.query[name] as string) : '');
    const data: unknown = req.body;
    if (!Buffer.isBuffer(data) || data.length === 0) throw new PageError(400, 'Send the file as the body (Content-Type: application/octet-stream).');
    const filename = query('filename').trim() || 'attachment';
    const contentType = query('contentType').trim() || 'application/octet-stream';
    const message = post(req, query('fromEmail'), query('text'), query('mentionBot') === '1', { filename, contentType, data });
    res.status(201).json(messageView(fake, message));
  });

  /** A card button press: `inputs` is what the card's Submit action produced (data merged with input values). */
  api.post('/messages/:messageId/actions', (req, res) => {
    const fields = jsonBody(req);
    const person = requirePerson(fake, stringField(fields, 'fromEmail'));
    const inputs = fields.inputs ?? {};
    if (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs)) throw new PageError(400, '"inputs" must be an object.');
    const message = fake.message(param(req, 'messageId'));
    if (!message) throw new PageError(404, 'That message does not exist (any more).');
    requireMemberRoom(fake, message.roomId, person);
    const action = fake.pressButton({ messageId: message.id, fromEmail: person.emails[0]!, inputs: inputs as Record<string, unknown> });
    res.status(201).json(action);
  });

  return api;
}
