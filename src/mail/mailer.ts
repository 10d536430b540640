/**
 * Sends the users' emails over SMTP: the activation details (QR inline, the codes, the steps)
 * and the notice that a line was deleted.
 *
 * One attempt per email, never retried here: a dead server fails within about `timeoutMs`
 * (10 s by default) and a whole send is cut off after twice that. Failures come out as a
 * MailError whose message is a short sentence for an admin; it never holds the activation
 * code, and the error keeps no reference to the message or its envelope. Nothing is logged.
 */
import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';
import { renderActivation, renderLineDeleted, type RenderedMail } from '../render/documents/activationEmail.js';
import type { Mailer } from '../bot/ports.js';
import type { Language } from '../domain/types.js';
import { mailErrors, type MailErrors } from '../render/messages/mailText.js';

export interface MailerOptions {
  /** e.g. `smtp://user:pass@mail.example.com:587` (STARTTLS when offered) or `smtps://…:465`. */
  smtpUrl: string;
  /** Sender, e.g. `Webex Go <webex-go@example.com>`. */
  from: string;
  /** How long connecting, the greeting and each server reply may take (default 10 000 ms). */
  timeoutMs?: number;
  /** Draws the QR code embedded in the activation email. */
  qrPng: (payload: string) => Promise<Buffer>;
}

/** What went wrong, for callers that decide whether trying again later makes sense. */
export type MailFailure = 'config' | 'connect' | 'timeout' | 'auth' | 'refused' | 'failed';

export class MailError extends Error {
  override readonly name = 'MailError';

  /** `wording` says what failed in the words of a language; the message is its English. */
  constructor(
    private readonly wording: (words: MailErrors) => string,
    readonly failure: MailFailure,
    /** True when the server refused for good (5xx): sending the same email again won't help. */
    readonly permanent = false,
    readonly responseCode?: number,
  ) {
    super(wording(mailErrors('en')));
  }

  /** What failed, for a reader of `lang` (an admin's failure notice). */
  inLanguage(lang: Language): string {
    return this.wording(mailErrors(lang));
  }
}

export const QR_FILENAME = 'webex-go-activation-qr.png';
const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_DETAIL_LENGTH = 200;

interface Server {
  /** `host:port`, for messages. */
  label: string;
}

function parseSmtpUrl(smtpUrl: string): Server {
  let url: URL;
  try {
    url = new URL(smtpUrl);
  } catch {
    throw new MailError((t) => t.badUrl, 'config', true);
  }
  if ((url.protocol !== 'smtp:' && url.protocol !== 'smtps:') || !url.hostname) {
    throw new MailError((t) => t.badUrl, 'config', true);
  }
  const port = url.port || (url.protocol === 'smtps:' ? '465' : '587');
  return { label: `${url.hostname}:${port}` };
}

export function createMailer(options: MailerOptions): Mailer {
  const server = parseSmtpUrl(options.smtpUrl);
  if (!/@/.test(options.from) || /[\r\n]/.test(options.from)) {
    throw new MailError((t) => t.badFrom, 'config', true);
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timing: Timing = {
    // nodemailer bounds connecting, the greeting and STARTTLS together by connectionTimeout.
    setupMs: timeoutMs,
    // Longer than the setup, so a silent server is reported as one that never answered.
    idleMs: Math.round(timeoutMs * 1.5),
    deadlineMs: 2 * timeoutMs,
  };
  const transport = nodemailer.createTransport({
    url: options.smtpUrl,
    connectionTimeout: timing.setupMs,
    greetingTimeout: timing.setupMs,
    socketTimeout: timing.idleMs,
    dnsTimeout: timing.setupMs,
    socketCloseTimeout: 0,
    logger: false,
    debug: false,
    disableFileAccess: true,
    disableUrlAccess: true,
  });

  async function send(to: string, mail: RenderedMail, secrets: string[], attachments: Attachment[] = []) {
    try {
      await transport.sendMail({
        from: options.from,
        to: { name: '', address: to },
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        attachments,
        signal: AbortSignal.timeout(timing.deadlineMs),
      });
    } catch (error) {
      throw toMailError(error, { server, secrets, recipient: to, timing });
    }
  }

  return {
    async sendActivation(details, kind, lang) {
      const secrets = [details.qrPayload, details.networkProviderCode, details.matchingId];
      let png: Buffer;
      try {
        png = await options.qrPng(details.qrPayload);
      } catch (error) {
        throw toMailError(error, { server, secrets, recipient: details.email, timing });
      }
      // Unique per message; clients resolve cid: only within the message anyway.
      const cid = `qr-${randomUUID()}@webex-go`;
      const mail = renderActivation(details, kind, cid, lang);
      await send(details.email, mail, secrets, [
        { filename: QR_FILENAME, content: png, contentType: 'image/png', cid, contentDisposition: 'inline' },
      ]);
    },

    async sendLineDeleted(email, lang) {
      await send(email, renderLineDeleted(lang), []);
    },

    async verify() {
      try {
        await transport.verify();
      } catch (error) {
        throw toMailError(error, { server, secrets: [], recipient: '', timing });
      }
    },
  };
}

interface Attachment {
  filename: string;
  content: Buffer;
  contentType: string;
  cid: string;
  contentDisposition: 'inline';
}

/** The fields of a nodemailer error this module reads; nothing else is kept. */
interface SmtpErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  originalCode?: unknown;
  errno?: unknown;
  timeoutType?: unknown;
  responseCode?: unknown;
  response?: unknown;
  command?: unknown;
  rejected?: unknown;
}

interface ErrorContext {
  server: Server;
  /** Strings that must not appear in the message (the activation code in all its forms). */
  secrets: string[];
  recipient: string;
  timing: Timing;
}

interface Timing {
  /** Connecting, greeting and STARTTLS together. */
  setupMs: number;
  /** Silence from the server once the session runs. */
  idleMs: number;
  /** The whole send. */
  deadlineMs: number;
}

/** `10 s`, `0.5 s`. */
const seconds = (ms: number) => `${Number((ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1))} s`;

// What stands for a secret in a server's own answer, which is quoted as it came (English).
const REDACTED = mailErrors('en').redacted;

/** One line, short, with every secret replaced. */
function clean(text: string, secrets: string[]): string {
  let result = text.replace(/\s+/g, ' ').trim();
  // Longest first, so the QR payload goes as a whole before the Matching ID inside it.
  for (const secret of [...secrets].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length)) {
    result = result.replace(new RegExp(secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'), REDACTED);
  }
  return result.length > MAX_DETAIL_LENGTH ? `${result.slice(0, MAX_DETAIL_LENGTH - 1)}…` : result;
}

/** Turns whatever nodemailer threw into a MailError; exported for tests. */
export function toMailError(error: unknown, ctx: ErrorContext): MailError {
  const e: SmtpErrorLike = typeof error === 'object' && error !== null ? (error as SmtpErrorLike) : { message: String(error) };
  const server = ctx.server.label;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const code = str(e.code);
  const lowLevel = str(e.originalCode) ?? str(e.errno) ?? code;
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const response = clean(str(e.response) ?? str(e.message) ?? '', ctx.secrets);

  if (e.name === 'AbortError' || code === 'EABORT') {
    return new MailError((t) => t.deadline(server, seconds(ctx.timing.deadlineMs)), 'timeout');
  }
  if (code === 'EAUTH') {
    return new MailError((t) => t.loginRefused(server, response), 'auth', true, responseCode);
  }
  if (code === 'ENOAUTH') return new MailError((t) => t.loginMissing(server), 'auth', true);
  if (code === 'ETIMEDOUT') {
    switch (e.timeoutType) {
      case 'CONNECT_TIMEOUT':
        return new MailError((t) => t.connect(server, t.noAnswer(seconds(ctx.timing.setupMs))), 'connect');
      case 'GREETING_TIMEOUT':
        return new MailError((t) => t.connect(server, t.noGreeting(seconds(ctx.timing.setupMs))), 'connect');
      case 'UPGRADE_TIMEOUT':
        return new MailError((t) => t.connect(server, t.tlsFailed), 'connect');
      default:
        return new MailError((t) => t.stalled(server, seconds(ctx.timing.idleMs)), 'timeout');
    }
  }
  if (code === 'ETLS') return new MailError((t) => t.connect(server, t.tlsFailed), 'connect');
  if (code === 'EDNS' || lowLevel === 'ENOTFOUND' || lowLevel === 'EAI_AGAIN') {
    return new MailError((t) => t.connect(server, t.hostNotFound), 'connect');
  }
  if (lowLevel === 'ECONNREFUSED') return new MailError((t) => t.connect(server, t.refusedConnection), 'connect');
  if (lowLevel === 'EHOSTUNREACH' || lowLevel === 'ENETUNREACH') {
    return new MailError((t) => t.connect(server, t.unreachable), 'connect');
  }
  if (responseCode !== undefined && responseCode >= 400) {
    const permanent = responseCode >= 500 && responseCode !== 503;
    const atRecipient =
      (Array.isArray(e.rejected) && e.rejected.length > 0) || /^RCPT\b/i.test(str(e.command) ?? '');
    const recipient = atRecipient ? ctx.recipient : '';
    return new MailError((t) => (recipient ? t.refusedFor(recipient, response) : t.refused(response)), 'refused', permanent, responseCode);
  }
  if (code === 'ECONNECTION' || lowLevel === 'ECONNRESET' || lowLevel === 'EPIPE') {
    return new MailError((t) => t.connectionClosed(server), 'connect');
  }
  if (code === 'ESOCKET') return new MailError((t) => t.connect(server, response || String(lowLevel)), 'connect');
  return new MailError((t) => t.failed(response || 'unknown error'), 'failed');
}
