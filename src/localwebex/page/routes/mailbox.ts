/**
 * Each person's Mailbox: the emails the bot sent them (when the server has a LocalMailbox),
 * their inline images and attachments. The page shows an email's HTML in a sandboxed iframe.
 */
import express, { type Router } from 'express';
import type { LocalMailbox, MailboxMessage } from '../../mailbox.js';
import { PageError, param, sendStoredFile } from '../http.js';
import { INLINE_IMAGE_TYPES } from '../views.js';

const PREVIEW_LENGTH = 140;
/** Served with their own type, inline; any other part of an email downloads. */
const MAIL_IMAGE_TYPES: ReadonlySet<string> = new Set([...INLINE_IMAGE_TYPES, 'image/bmp']);

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

const mailUrl = (id: string) => `/local/api/mail/${encodeURIComponent(id)}`;
const cidUrl = (id: string, cid: string) => `${mailUrl(id)}/cid/${encodeURIComponent(cid)}`;

export const mailSummary = (m: MailboxMessage): MailSummary => ({
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

export function mailboxRoutes(mailbox: LocalMailbox | undefined): Router {
  const api = express.Router();

  /** What this page can show: the Mailbox only when there is one. */
  api.get('/features', (_req, res) => {
    res.json({ mailbox: mailbox !== undefined });
  });

  const requireMailbox = (): LocalMailbox => {
    if (!mailbox) throw new PageError(404, 'There is no local mailbox here (the bot sends real email).');
    return mailbox;
  };

  const requireMail = (from: LocalMailbox, id: string): MailboxMessage => {
    const message = from.message(id);
    if (!message) throw new PageError(404, 'That email does not exist (any more).');
    return message;
  };

  /** A person's email, newest first. */
  api.get('/mail', (req, res) => {
    const box = requireMailbox();
    const email = typeof req.query.email === 'string' ? req.query.email.trim() : '';
    if (!email) throw new PageError(400, 'Say whose mail: ?email=<address>.');
    res.json(box.messages(email).reverse().map(mailSummary));
  });

  api.get('/mail/:id', (req, res) => {
    const box = requireMailbox();
    res.json(mailView(requireMail(box, param(req, 'id')), box));
  });

  /** An inline image of an email, as its HTML refers to it (`cid:`). */
  api.get('/mail/:id/cid/:cid', (req, res) => {
    const box = requireMailbox();
    const id = requireMail(box, param(req, 'id')).id;
    const part = box.attachment(id, param(req, 'cid'));
    if (!part) throw new PageError(404, 'That email has no such image.');
    res.set('cache-control', 'private, max-age=3600');
    sendStoredFile(res, part, MAIL_IMAGE_TYPES);
  });

  /** An attached file without a Content-ID, by its place in the email. */
  api.get('/mail/:id/attachments/:index', (req, res) => {
    const message = requireMail(requireMailbox(), param(req, 'id'));
    const index = param(req, 'index');
    const part = /^\d+$/.test(index) ? message.attachments[Number(index)] : undefined;
    if (!part) throw new PageError(404, 'That email has no such attachment.');
    res.set('cache-control', 'private, max-age=3600');
    sendStoredFile(res, part, MAIL_IMAGE_TYPES);
  });

  return api;
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
