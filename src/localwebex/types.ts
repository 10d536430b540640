/**
 * The objects the fake Webex keeps. Field names and shapes follow the Webex REST API, so the
 * REST layer can return most of them as they are; where the programmatic view differs (message
 * files carry their bytes here and a URL on the wire) the REST layer converts.
 */

export interface Person {
  id: string;
  emails: string[];
  phoneNumbers: never[];
  displayName: string;
  nickName: string;
  firstName: string;
  lastName: string;
  orgId: string;
  created: string;
  type: 'person' | 'bot';
}

export type RoomType = 'direct' | 'group';

export interface Room {
  id: string;
  /** For a 1:1 space, the other person's display name (what the bot sees). */
  title: string;
  type: RoomType;
  isLocked: boolean;
  lastActivity: string;
  creatorId: string;
  ownerId: string;
  created: string;
}

export interface Membership {
  id: string;
  roomId: string;
  roomType: RoomType;
  personId: string;
  personEmail: string;
  personDisplayName: string;
  personOrgId: string;
  isModerator: boolean;
  isMonitor: boolean;
  isRoomHidden: boolean;
  created: string;
}

/** An adaptive card as Webex carries it in `attachments`. */
export interface CardAttachment {
  contentType: string;
  content: unknown;
}

export interface FileInput {
  filename: string;
  contentType: string;
  data: Buffer;
}

/** A file attached to a message; on the wire it is a URL under `/v1/contents/:id`. */
export interface StoredFile extends FileInput {
  id: string;
}

export interface Message {
  id: string;
  roomId: string;
  roomType: RoomType;
  personId: string;
  personEmail: string;
  text?: string;
  markdown?: string;
  html?: string;
  parentId?: string;
  toPersonId?: string;
  toPersonEmail?: string;
  mentionedPeople?: string[];
  attachments?: CardAttachment[];
  files?: StoredFile[];
  created: string;
  /** Set by an edit. */
  updated?: string;
  /** How many times the message was edited (Webex allows 10). */
  editCount: number;
}

export interface AttachmentAction {
  id: string;
  type: 'submit';
  messageId: string;
  personId: string;
  roomId: string;
  inputs: Record<string, unknown>;
  created: string;
}

export type WebhookStatus = 'active' | 'inactive';

export interface Webhook {
  id: string;
  name: string;
  targetUrl: string;
  resource: string;
  event: string;
  filter?: string;
  secret?: string;
  /** Webex sets `inactive` after repeated failed deliveries and then delivers nothing; `PUT` with `active` turns it back on. */
  status: WebhookStatus;
  orgId: string;
  createdBy: string;
  appId: string;
  ownedBy: 'creator';
  created: string;
}

/** Something Webex tells a webhook about: the part of the webhook body that is not the webhook. */
export interface WebhookEvent {
  resource: 'messages' | 'memberships' | 'attachmentActions';
  event: 'created' | 'deleted';
  actorId: string;
  data: Record<string, unknown>;
}

/**
 * A person's phone in the local world (the browser page plays it): the Webex Go line it holds,
 * if any, and what the eSIM server last answered it. Kept with the fake's data so a restart
 * keeps the ICCID.
 */
export interface Phone {
  /** Lower-cased email of its owner. */
  email: string;
  line?: PhoneLine;
  lastAnswer?: PhoneAnswer;
  updated: string;
}

export interface PhoneLine {
  iccid: string;
  /** "Webex Go line" switched on in the phone's settings. */
  enabled: boolean;
  installedAt: string;
  /** When the network cut the line off (lost/stolen, device deleted); the profile stays on the phone. */
  revokedAt?: string;
  /** `org`: redeemed at the simulated org's SM-DP+ (a code from Control Hub); else at the bot's eSIM endpoints. */
  provider?: 'org';
}

/** One call of the phone to the eSIM server and how it ended. */
export interface PhoneAnswer {
  action: 'install' | 'enabled' | 'disabled' | 'deleted';
  /** `org`: the simulated org's SM-DP+ answered; else the bot's eSIM endpoints. */
  server?: 'org';
  ok: boolean;
  /** HTTP status; absent when the server could not be reached. */
  httpStatus?: number;
  /** The device status the server reports on success (`online`, `offline`, `pending`). */
  status?: string;
  iccid?: string;
  /** The server's error sentence (or why it could not be reached), and its reason code. */
  error?: string;
  reason?: string;
  at: string;
}

/** Every change to the fake's state, for observers such as a browser page. */
export type Change =
  | { kind: 'person'; action: 'created'; person: Person }
  | { kind: 'room'; action: 'created'; room: Room }
  | { kind: 'membership'; action: 'created' | 'deleted'; membership: Membership }
  | { kind: 'message'; action: 'created' | 'updated' | 'deleted'; message: Message }
  | { kind: 'attachmentAction'; action: 'created'; attachmentAction: AttachmentAction }
  | { kind: 'webhook'; action: 'created' | 'updated' | 'deleted'; webhook: Webhook }
  | { kind: 'phone'; action: 'updated'; phone: Phone }
  | { kind: 'reset' };

export interface FakeWebexEvents {
  /** A message was created, by anyone. */
  message: [message: Message];
  /** Anything changed. */
  change: [change: Change];
  /** The bot's webhooks are being told about an event (before filtering by webhook). */
  webhookEvent: [event: WebhookEvent];
}
