/** What the bot needs from the outside world, implemented by adapters (webex/, mail/). */
import type { Readable } from 'node:stream';
import type { CallRecord } from '../calls/record.js';
import type { ActivationDetails, IssueKind, Language } from '../domain/types.js';

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

export interface FoundPerson {
  /** The Webex person id: base64 of `ciscospark://us/PEOPLE/<uuid>`. */
  id: string;
  displayName: string;
}

/**
 * How a send that failed ended, as a Messenger's errors tell it in `sendFailure`: refused for good
 * (a 4xx), safe to send again (Webex said to wait, or the connection never opened), or of unknown
 * outcome (no answer, a 5xx: Webex may have posted it, and sending again could post it twice). An
 * error without it counts as refused.
 */
export type SendFailure = 'refused' | 'safe-to-resend' | 'outcome-unknown';

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
  /**
   * The markdown of the bot's messages in its 1:1 with this person since `since`, to tell whether
   * a send of unknown outcome arrived. Without it, such a send is never tried again.
   */
  sentInDirect?(email: string, since: Date): Promise<string[]>;
  /** The person Webex knows by this address, if any: their Webex person id and name. */
  findPerson(email: string): Promise<FoundPerson | undefined>;
}

/** Records of the Detailed Call History for a period, as the API sends them, oldest first. */
export interface CallHistoryPull extends AsyncIterable<CallRecord> {
  /** Whether the period was trimmed to what the API keeps (30 days to 5 minutes ago). */
  readonly trimmed: boolean;
}

/** The Detailed Call History API, when an admin token is configured. Failures throw with a sentence fit for an admin. */
export interface CallHistory {
  pull(request: {
    start: Date;
    end: Date;
    /** Before each 12-hour window: which one, of how many, and the records read so far. */
    onProgress: (progress: { window: number; windows: number; records: number }) => void;
    /** Before a wait for the API's rate limit (pacing, or a 429's Retry-After), in milliseconds. */
    onWait: (ms: number) => void;
  }): CallHistoryPull;
}

/** Email delivery of activation details and notices (DELIVERY email|both). */
export interface Mailer {
  /** Emails the activation details to `details.email`, in `lang`. Rejects with a MailError (which says itself in a language: `reasonIn`). */
  sendActivation(details: ActivationDetails, kind: IssueKind, lang: Language): Promise<void>;
  /** Tells `email`, in `lang`, that the line was deleted and must be removed from the phone by hand. */
  sendLineDeleted(email: string, lang: Language): Promise<void>;
  /** Connects (and logs in, if the URL has a user) without sending anything. */
  verify(): Promise<void>;
}
