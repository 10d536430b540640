/**
 * The local mailbox: an SMTP server on loopback that keeps every email it is given, so offline
 * mode (and the tests) can send the users' emails for real and read them back. Everyone's mail
 * lands here, whatever the domain; nothing is relayed.
 *
 * No login is needed (a login with any user and password is accepted, so an SMTP URL with
 * credentials works too), and STARTTLS is off: `smtp://127.0.0.1:PORT`.
 *
 * For a browser "Mailbox" tab: `messages(email)` lists a person's mail (oldest first),
 * `attachment(id, cid)` serves an inline image, and `htmlWithImageUrls(id, urlFor)` gives the
 * HTML with every `cid:` reference replaced by a URL of your route. The HTML is the sender's:
 * show it in a sandboxed iframe (`<iframe sandbox srcdoc>`), never inline in the page.
 */
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { AddressObject } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { JsonFile } from './persistence.js';

export interface MailboxAttachment {
  filename: string;
  contentType: string;
  /** Content-ID without `<>`, when the part has one (inline images do). */
  cid?: string;
  /** True for parts meant to be shown inside the HTML. */
  inline: boolean;
  size: number;
  data: Buffer;
}

export interface MailboxMessage {
  id: string;
  /** The From header, e.g. `"Webex Go" <webex-go@example.com>`. */
  from: string;
  /** Who it was delivered to: the envelope recipients, lower-cased, a quoted local part unquoted. */
  to: string[];
  /** The To header as written, e.g. `alice@example.com`. */
  toHeader: string;
  subject: string;
  /** When the mailbox received it (ISO 8601). */
  date: string;
  text: string;
  /** The HTML part as sent (with `cid:` references), empty when there is none. */
  html: string;
  attachments: MailboxAttachment[];
}

export interface LocalMailboxOptions {
  /** Keep the mail in this JSON file across restarts (attachments base64); memory only without it. */
  dataFile?: string;
  /** Older messages are dropped beyond this many (default 500). */
  maxMessages?: number;
  /** Larger messages are refused with 552 (default 25 MB). */
  maxMessageBytes?: number;
  /** Where persistence and parse errors are reported (default: stderr). */
  log?: (line: string) => void;
}

interface StoredAttachment extends Omit<MailboxAttachment, 'data'> {
  data: string;
}
interface StoredMailbox {
  version: 1;
  messages: Array<Omit<MailboxMessage, 'attachments'> & { attachments: StoredAttachment[] }>;
}

type MailboxEvents = { mail: [MailboxMessage] };

const MAX_MESSAGE_BYTES = 25 * 1024 * 1024;
const DEFAULT_MAX_MESSAGES = 500;

export class LocalMailbox extends EventEmitter<MailboxEvents> {
  private readonly kept: MailboxMessage[] = [];
  private readonly file: JsonFile<StoredMailbox> | undefined;
  private readonly maxMessages: number;
  private readonly maxMessageBytes: number;
  private readonly log: (line: string) => void;
  private server: SMTPServer | undefined;

  constructor(options: LocalMailboxOptions | string = {}) {
    super();
    const opts = typeof options === 'string' ? { dataFile: options } : options;
    this.log = opts.log ?? ((line) => console.error(`[local-mailbox] ${line}`));
    this.maxMessages = opts.maxMessages ?? DEFAULT_MAX_MESSAGES;
    this.maxMessageBytes = opts.maxMessageBytes ?? MAX_MESSAGE_BYTES;
    if (opts.dataFile) {
      const path = opts.dataFile;
      this.file = new JsonFile<StoredMailbox>(path, (error) => this.log(`saving ${path} failed: ${String(error)}`));
      for (const m of this.file.load()?.messages ?? []) {
        this.kept.push({ ...m, attachments: m.attachments.map((a) => ({ ...a, data: Buffer.from(a.data, 'base64') })) });
      }
    }
  }

  /** Starts the SMTP server on 127.0.0.1 (any free port by default). */
  async listen(port = 0): Promise<{ port: number; url: string }> {
    if (this.server) throw new Error('LocalMailbox is already listening');
    const server = new SMTPServer({
      name: 'localhost',
      banner: 'Local Webex Go mailbox',
      authOptional: true,
      allowInsecureAuth: true,
      disabledCommands: ['STARTTLS'],
      disableReverseLookup: true,
      size: this.maxMessageBytes,
      logger: false,
      closeTimeout: 1000,
      onAuth: (auth, _session, callback) => callback(null, { user: auth.username ?? 'local' }),
      onData: (stream, session, callback) => {
        this.receive(stream, session).then(
          () => callback(),
          (error: unknown) => {
            const reply = stream.sizeExceeded
              ? Object.assign(new Error('Message exceeds fixed maximum message size'), { responseCode: 552 })
              : Object.assign(new Error('The local mailbox could not read this message'), { responseCode: 554 });
            if (!stream.sizeExceeded) {
              this.log(`could not read a message: ${error instanceof Error ? error.message : String(error)}`);
            }
            // The reply may only go once the client's data has been read to the end.
            if (stream.readableEnded) callback(reply);
            else stream.once('end', () => callback(reply)).resume();
          },
        );
      },
    });
    // Client sockets that go away mid-session are reported here; they are not the mailbox's problem.
    server.on('error', (error) => this.log(`SMTP: ${error.message}`));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      server.server.once('error', onError);
      server.listen(port, '127.0.0.1', () => {
        server.server.off('error', onError);
        resolve();
      });
    });
    const bound = (server.server.address() as AddressInfo).port;
    return { port: bound, url: `smtp://127.0.0.1:${bound}` };
  }

  /** Stops the SMTP server and writes the data file. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    await this.file?.flush();
  }

  /** Every message (oldest first), or those delivered to `toEmail` (case-insensitive). */
  messages(toEmail?: string): MailboxMessage[] {
    if (toEmail === undefined) return [...this.kept];
    const wanted = normalizeAddress(toEmail);
    return this.kept.filter((m) => m.to.includes(wanted));
  }

  message(id: string): MailboxMessage | undefined {
    return this.kept.find((m) => m.id === id);
  }

  /** The part of message `id` whose Content-ID is `cid` (with or without `<>`). */
  attachment(id: string, cid: string): MailboxAttachment | undefined {
    const bare = stripBrackets(cid);
    return this.message(id)?.attachments.find((a) => a.cid === bare);
  }

  /** The HTML of message `id` with its `cid:` images pointing at `urlFor(id, cid)`. */
  htmlWithImageUrls(id: string, urlFor: (messageId: string, cid: string) => string): string | undefined {
    const message = this.message(id);
    if (!message) return undefined;
    const known = new Set(message.attachments.flatMap((a) => (a.cid ? [a.cid] : [])));
    return rewriteCidUrls(message.html, (cid) => (known.has(cid) ? urlFor(id, cid) : undefined));
  }

  /** Forgets every message. */
  clear(): void {
    this.kept.length = 0;
    this.persist();
  }

  private async receive(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<void> {
    // Loaded at the first mail, not at start-up (~80 ms before the first /healthz).
    const { simpleParser } = await import('mailparser');
    const parsed = await simpleParser(stream, { keepCidLinks: true });
    if (stream.sizeExceeded) throw new Error('message too large');
    const envelopeTo = session.envelope.rcptTo.map((a) => normalizeAddress(a.address));
    const message: MailboxMessage = {
      id: randomBytes(8).toString('hex'),
      from: parsed.from?.text ?? (session.envelope.mailFrom ? session.envelope.mailFrom.address : ''),
      to: envelopeTo.length > 0 ? [...new Set(envelopeTo)] : headerAddresses(parsed.to),
      toHeader: headerText(parsed.to),
      subject: parsed.subject ?? '',
      date: new Date().toISOString(),
      text: parsed.text ?? '',
      html: typeof parsed.html === 'string' ? parsed.html : '',
      attachments: parsed.attachments.map((a, index) => ({
        filename: a.filename ?? `attachment-${index + 1}`,
        contentType: a.contentType,
        ...(a.cid ? { cid: stripBrackets(a.cid) } : {}),
        inline: a.contentDisposition === 'inline' || Boolean(a.related),
        size: a.content.length,
        data: a.content,
      })),
    };
    this.kept.push(message);
    if (this.kept.length > this.maxMessages) this.kept.splice(0, this.kept.length - this.maxMessages);
    this.persist();
    this.emit('mail', message);
  }

  private persist(): void {
    this.file?.save(() => ({
      version: 1,
      messages: this.kept.map((m) => ({
        ...m,
        attachments: m.attachments.map((a) => ({ ...a, data: a.data.toString('base64') })),
      })),
    }));
  }
}

function stripBrackets(cid: string): string {
  return cid.trim().replace(/^<|>$/g, '');
}

function headerAddresses(to: AddressObject | AddressObject[] | undefined): string[] {
  const groups = to === undefined ? [] : Array.isArray(to) ? to : [to];
  return groups.flatMap((g) => g.value.flatMap((a) => (a.address ? [normalizeAddress(a.address)] : [])));
}

/** Lower-cased, and a quoted local part (`"o'neil;x"@example.com`) unquoted. */
function normalizeAddress(address: string): string {
  const trimmed = address.trim();
  const quoted = /^"((?:[^"\\]|\\.)*)"@([^@]+)$/.exec(trimmed);
  const plain = quoted ? `${quoted[1].replace(/\\(.)/g, '$1')}@${quoted[2]}` : trimmed;
  return plain.toLowerCase();
}

function headerText(to: AddressObject | AddressObject[] | undefined): string {
  return to === undefined ? '' : Array.isArray(to) ? to.map((g) => g.text).join(', ') : to.text;
}

const ATTRIBUTE_ESCAPES: Record<string, string> = { '&': '&amp;', '"': '&quot;', "'": '&#39;', '<': '&lt;', '>': '&gt;' };

/**
 * Replaces `cid:` URLs in HTML attribute values (`src="cid:…"`, also unquoted or in CSS
 * `url(cid:…)`) with what `resolve(cid)` returns; references it returns undefined for stay.
 * The new URL is escaped for use inside an attribute.
 */
export function rewriteCidUrls(html: string, resolve: (cid: string) => string | undefined): string {
  return html.replace(/(["'(=]\s*)cid:([^"'()\s>]+)/gi, (whole, before: string, raw: string) => {
    let cid = raw;
    try {
      cid = decodeURIComponent(raw);
    } catch {
      // Not percent-encoded after all: use it as written.
    }
    const url = resolve(stripBrackets(cid));
    return url === undefined ? whole : `${before}${url.replace(/[&"'<>]/g, (c) => ATTRIBUTE_ESCAPES[c])}`;
  });
}
