import type { WebexGoService } from '../domain/service.js';
import type { ActivationDetails, AuditAction, Language } from '../domain/types.js';
import type { Renderer } from '../render/renderer.js';
import type { OrgMode } from './org.js';
import type { CallHistory, Mailer, Messenger, OutgoingMessage } from './ports.js';

export interface Actor {
  email: string;
  personId: string;
}

export interface Space {
  id: string;
  type: 'direct' | 'group';
}

/** Values a card button carries back; Webex merges them with the card's inputs, all strings. */
export type ButtonData = Record<string, string>;

/** A button press on one of the bot's cards. */
export interface Press {
  messageId: string;
  data: ButtonData;
  /** An earlier press already replaced this card with its outcome, which a late press must not overwrite. */
  cardAnswered: boolean;
}

export interface BotDeps {
  service: WebexGoService;
  messenger: Messenger;
  log: (line: string) => void;
  /** QR code PNG for an `LPA:` payload. */
  qrPng: (payload: string) => Promise<Buffer>;
  /** Email delivery, when the org sends activation details by email (DELIVERY email|both). */
  mailer?: Mailer;
  /** Whether the Webex 1:1 carries activation details to users (DELIVERY webex|both). */
  deliverByWebex: boolean;
  /** The Detailed Call History API, when WEBEX_ADMIN_TOKEN is set. */
  callHistory?: CallHistory;
  /** Largest call history export read from an upload. */
  maxUploadBytes: number;
  /** An IANA time zone to count call days in (CALLS_TIMEZONE); each record's site's when unset. */
  callsTimeZone?: string;
  /** Printable activation sheet (PDF), in `lang`. */
  sheetPdf: (details: ActivationDetails, lang: Language) => Promise<Buffer>;
  /** Draws the calls-per-day chart (off the event loop in the app). */
  chartPng: Renderer['callsChart'];
  /** Org mode: the org's own Webex data is the source of truth (absent: the bot's own registry). */
  org?: OrgMode;
}

/** One run of a command, typed or pressed. */
export interface CommandContext {
  deps: BotDeps;
  /** The bot's own addresses: never a user, an admin or a device owner. */
  botEmails: string[];
  actor: Actor;
  space: Space;
  /** What followed the command's words, spaces collapsed. */
  args: string;
  /** URLs of files attached to the typed message; none for a press. */
  files: string[];
  /** Set when a card button started this run. */
  press?: Press;
  /** Answers the person: a new message, or for a press the pressed card replaced in place by the outcome. */
  reply(message: OutgoingMessage): Promise<void>;
  /** Shows an outdated pressed card as things are now, without recording an outcome (a new message when typed). */
  refresh(message: OutgoingMessage): Promise<void>;
  /** A new message in the same space, whatever started the run. */
  say(message: OutgoingMessage): Promise<void>;
}

/** Every command's canonical name: what buttons name in their `command` data. */
export type CommandName =
  | 'help'
  | 'assign'
  | 'status'
  | 'devices'
  | 'code'
  | 'lost'
  | 'delete'
  | 'licenses'
  | 'settings'
  | 'admins'
  | 'audit'
  | 'watch'
  | 'calls'
  | 'my line'
  | 'resend'
  | 'language'
  | 'deliver'
  | 'cancel';

/** Who may run a command; an admin command names what the audit trail records when it is refused. */
export type CommandAccess = { access: 'anyone' } | { access: 'admin'; audit: AuditAction };

export type Command = CommandAccess & {
  name: CommandName;
  /** Words that invoke it, canonical first; longer phrases win over shorter ones. */
  phrases: string[];
  /** How to type it, e.g. `status <email>`, and an example. */
  usage: string;
  example: string;
  /** False for card-only actions (not listed in help). */
  listed?: boolean;
  /** What follows the command may be a credential (an activation code): no answer ever repeats it. */
  secretArgs?: boolean;
  run(ctx: CommandContext): Promise<void>;
};
