/** What the bot needs from the outside world, implemented by adapters (webex/, mail/). */
import type { Readable } from 'node:stream';

export interface OutgoingFile {
  filename: string;
  contentType: string;
  data: Buffer;
}

/** One message: markdown always (Webex needs it beside a card), at most one card and one file. */
export interface OutgoingMessage {
  markdown: string;
  card?: Record<string, unknown>;
  file?: OutgoingFile;
}

export interface DownloadedFile {
  stream: Readable;
  /** Bytes, when the sender says. */
  size?: number;
  filename?: string;
}

/** How the bot talks to people. */
export interface Messenger {
  /** Posts to a space; resolves with the new message's id. */
  say(roomId: string, message: OutgoingMessage): Promise<string>;
  /** A 1:1 with a person by email, opened if needed. */
  dm(email: string, message: OutgoingMessage): Promise<string>;
  /** Fetches a file a person attached (its content URL), as a stream with its size and name. */
  download(url: string): Promise<DownloadedFile>;
  /** Replaces a card message in place; falls back to deleting it and posting anew. Resolves with the id that now shows it. */
  update(roomId: string, messageId: string, message: OutgoingMessage): Promise<string>;
}
