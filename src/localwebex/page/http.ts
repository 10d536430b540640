/**
 * What every part of the page's JSON API shares: refusals as sentences, reading the request,
 * finding the person and the space a request names.
 */
import type { NextFunction, Request, Response } from 'express';
import type { FakeWebex } from '../fakeWebex.js';
import type { Person, Room } from '../types.js';
import { WebexApiError } from '../world.js';

/** Thrown by handlers: answers `{error}` with this status. */
export class PageError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function jsonBody(req: Request): Record<string, unknown> {
  const value: unknown = req.body;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PageError(400, 'Send a JSON object (Content-Type: application/json).');
  }
  return value as Record<string, unknown>;
}

export function stringField(fields: Record<string, unknown>, name: string): string {
  const value = fields[name];
  if (typeof value !== 'string' || value.trim() === '') throw new PageError(400, `"${name}" is required.`);
  return value.trim();
}

export const param = (req: Request, name: string): string => String(req.params[name] ?? '');

/** A person of the page (anyone but the bot). */
export function requirePerson(fake: FakeWebex, email: string): Person {
  const person = fake.person(email);
  if (!person || person.id === fake.bot.id) throw new PageError(404, `Nobody with the email ${email} is here.`);
  return person;
}

export function requireMemberRoom(fake: FakeWebex, roomId: string, person: Person): Room {
  const room = fake.room(roomId);
  if (!room) throw new PageError(404, 'That space does not exist (any more).');
  if (!fake.isMember(room.id, person.id)) throw new PageError(403, `${person.displayName} is not in that space.`);
  return room;
}

/** A page on another site must not act here: refuses writes whose Origin is not this host. */
export function sameSiteWrites(req: Request, _res: Response, next: NextFunction): void {
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
}

/** Errors answer {error} with a sentence: the page shows it as it is. */
export function apiErrors(error: unknown, _req: Request, res: Response, next: NextFunction): void {
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
}

/**
 * Sends a stored file: images inline with their type, anything else as a download under its
 * own name; never sniffed, never run.
 */
export function sendStoredFile(res: Response, file: { filename: string; contentType: string; data: Buffer }, inlineTypes: ReadonlySet<string>): void {
  const type = (file.contentType || 'application/octet-stream').toLowerCase();
  res.attachment(file.filename);
  if (inlineTypes.has(type)) res.set('content-disposition', res.get('content-disposition')!.replace(/^attachment/, 'inline'));
  res.set('content-type', type);
  res.set('x-content-type-options', 'nosniff');
  res.set('content-security-policy', "default-src 'none'; sandbox");
  res.send(file.data);
}
