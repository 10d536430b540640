import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { hydraId } from './ids.js';
import type { OrgSnapshot } from './org/simulatedOrg.js';
import type {
  AttachmentAction,
  CardAttachment,
  Change,
  FakeWebexEvents,
  FileInput,
  Membership,
  Message,
  Person,
  Phone,
  Room,
  StoredFile,
  Webhook,
  WebhookEvent,
} from './types.js';

/** A failure the REST layer turns into a Webex-style error response with this status. */
export class WebexApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'WebexApiError';
  }
}

/** Webex limits that the fake enforces, as Webex documents them for messages and cards. */
export const MAX_MESSAGE_BYTES = 7439;
export const MAX_EDITS = 10;
export const CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

/** What a sender asks for; the bot's REST calls and the people-side API both end here. */
export interface MessageFields {
  roomId?: string;
  toPersonId?: string;
  toPersonEmail?: string;
  parentId?: string;
  text?: string;
  markdown?: string;
  attachments?: CardAttachment[];
  files?: FileInput[];
}

export interface MessageEdit {
  roomId?: string;
  text?: string;
  markdown?: string;
  attachments?: CardAttachment[];
}

export interface PostMessageInput {
  roomId: string;
  fromEmail: string;
  text?: string;
  markdown?: string;
  /** In a group space, @mention the bot (Webex tells a bot only of messages that mention it). */
  mentionBot?: boolean;
  parentId?: string;
  files?: FileInput[];
}

export interface PressButtonInput {
  messageId: string;
  fromEmail: string;
  inputs: Record<string, unknown>;
}

export type WebhookFields = Pick<Webhook, 'name' | 'targetUrl' | 'resource' | 'event' | 'filter' | 'secret'>;

/** Everything the fake keeps, as JSON (file bytes in base64). */
export interface Snapshot {
  version: 1;
  orgId: string;
  appId: string;
  bot: Person;
  people: Person[];
  rooms: Room[];
  memberships: Membership[];
  messages: Array<Omit<Message, 'files'> & { files?: Array<Omit<StoredFile, 'data'> & { data: string }> }>;
  attachmentActions: AttachmentAction[];
  webhooks: Webhook[];
  /** Absent in files written before phones existed. */
  phones?: Phone[];
  /** The simulated org (kept by FakeWebex); absent in files written before it existed. */
  org?: OrgSnapshot;
}

const WEBHOOK_RESOURCES = ['all', 'messages', 'memberships', 'rooms', 'attachmentActions'];
const WEBHOOK_EVENTS = ['all', 'created', 'updated', 'deleted'];

const now = (): string => new Date().toISOString();

/** "alice.smith@example.com" → "Alice Smith". */
function nameFromEmail(email: string): string {
  return email
    .split('@')[0]!
    .split(/[._-]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join(' ');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The state of a small Webex world (one org, one bot, its people, spaces, messages) and the
 * operations on it, from both sides: the bot's (through the REST layer) and the people's
 * (programmatic). It emits `change` for every change, `message` for every new message and
 * `webhookEvent` for what Webex would tell the bot's webhooks.
 *
 * Rules it applies, as Webex does for a bot: in a group space the bot sees (and is notified
 * of) only messages that @mention it and its own; in a 1:1 space, everything.
 */
export class FakeWorld extends EventEmitter<FakeWebexEvents> {
  private orgId = hydraId('ORGANIZATION');
  private appId = hydraId('APPLICATION');
  private botPerson: Person;
  private readonly peopleById = new Map<string, Person>();
  private readonly peopleByEmail = new Map<string, Person>();
  /** People Webex finds but will not let the bot write to (see refuseDirectMessages). */
  private readonly unreachableIds = new Set<string>();
  private readonly roomsById = new Map<string, Room>();
  private readonly membershipsById = new Map<string, Membership>();
  /** Insertion order is creation order. */
  private readonly messagesById = new Map<string, Message>();
  private readonly actionsById = new Map<string, AttachmentAction>();
  private readonly webhooksById = new Map<string, Webhook>();
  private readonly phonesByEmail = new Map<string, Phone>();

  constructor(botEmail: string, botDisplayName: string, snapshot?: Snapshot) {
    super();
    if (snapshot) {
      this.restore(snapshot);
      // The stored bot keeps its id; its name and address follow the current options.
      this.botPerson = { ...snapshot.bot, emails: [botEmail], displayName: botDisplayName, nickName: botDisplayName };
    } else {
      this.botPerson = this.newPerson(botEmail, botDisplayName, 'bot');
    }
    this.indexPerson(this.botPerson);
  }

  // ---------------------------------------------------------------- people

  /** The bot's own Person (what `GET /people/me` returns). */
  get bot(): Person {
    return this.botPerson;
  }

  /** Adds a person, or returns the existing one with that email (compared case-insensitively). */
  addPerson({ email, displayName }: { email: string; displayName?: string }): Person {
    const existing = this.person(email);
    if (existing) return existing;
    const person = this.newPerson(email, displayName ?? nameFromEmail(email), 'person');
    this.indexPerson(person);
    this.changed({ kind: 'person', action: 'created', person });
    return person;
  }

  person(email: string): Person | undefined {
    return this.peopleByEmail.get(email.toLowerCase());
  }

  /**
   * A person the directory still lists whom a 1:1 from the bot no longer reaches (they left, or
   * their account was removed since the lookup): Webex answers such a message as for nobody.
   */
  refuseDirectMessages(email: string): void {
    this.unreachableIds.add(this.addPerson({ email }).id);
  }

  personById(id: string): Person | undefined {
    return this.peopleById.get(id);
  }

  /** Everyone but the bot. */
  people(): Person[] {
    return [...this.peopleById.values()].filter((p) => p.id !== this.botPerson.id);
  }

  // ---------------------------------------------------------------- spaces

  /**
   * Creates a group space holding the bot and these people (added as needed). The first member
   * is its creator and the one who added the bot: the bot's webhooks get `memberships/created`
   * for the bot with that actor, so a running framework spawns a bot object there.
   */
  createGroupSpace(title: string, memberEmails: string[]): Room {
    const members = [...new Set(memberEmails.map((email) => this.addPerson({ email })))].filter(
      (person) => person.id !== this.botPerson.id,
    );
    const creator = members[0] ?? this.botPerson;
    const room = this.newRoom(title, 'group', creator);
    for (const member of members) this.addMembership(room, member);
    const botMembership = this.addMembership(room, this.botPerson);
    this.emitWebhookEvent('memberships', 'created', creator.id, { ...botMembership });
    return room;
  }

  /**
   * The 1:1 space between the bot and this person (added as needed), created if missing.
   * Creating it tells the webhooks nothing: the framework discovers the space when the first
   * message arrives. (Announcing the membership as well would race that message inside the
   * framework, which drops a message that arrives while it is still spawning the space.)
   */
  directSpace(email: string): Room {
    const person = this.addPerson({ email });
    if (person.id === this.botPerson.id) throw new Error('The bot has no 1:1 space with itself');
    const existing = [...this.roomsById.values()].find(
      (room) => room.type === 'direct' && this.isMember(room.id, person.id),
    );
    if (existing) return existing;
    const room = this.newRoom(person.displayName, 'direct', person);
    this.addMembership(room, person);
    this.addMembership(room, this.botPerson);
    return room;
  }

  /** Adds a person to a group space; the bot is notified when it is a member there. */
  addToSpace(roomId: string, email: string, actorEmail?: string): Membership {
    const room = this.requireRoom(roomId);
    if (room.type !== 'group') throw new Error('People can be added to group spaces only');
    const person = this.addPerson({ email });
    const existing = this.membershipOf(room.id, person.id);
    if (existing) return existing;
    const actor = actorEmail ? this.requirePerson(actorEmail) : person;
    const membership = this.addMembership(room, person);
    this.emitWebhookEvent('memberships', 'created', actor.id, { ...membership }, room.id);
    return membership;
  }

  /** Removes a person (or the bot) from a group space; the bot is notified, also of its own removal. */
  removeFromSpace(roomId: string, email: string, actorEmail?: string): void {
    const person = this.requirePerson(email);
    const membership = this.membershipOf(roomId, person.id);
    if (!membership) throw new Error(`${email} is not a member of space ${roomId}`);
    if (membership.roomType !== 'group') throw new Error('Nobody can leave a 1:1 space');
    const actor = actorEmail ? this.requirePerson(actorEmail) : person;
    this.deleteMembership(membership, actor);
  }

  rooms(): Room[] {
    return [...this.roomsById.values()];
  }

  room(id: string): Room | undefined {
    return this.roomsById.get(id);
  }

  memberships(roomId?: string): Membership[] {
    const all = [...this.membershipsById.values()];
    return roomId === undefined ? all : all.filter((m) => m.roomId === roomId);
  }

  membership(id: string): Membership | undefined {
    return this.membershipsById.get(id);
  }

  membershipOf(roomId: string, personId: string): Membership | undefined {
    return this.memberships(roomId).find((m) => m.personId === personId);
  }

  isMember(roomId: string, personId: string): boolean {
    return this.membershipOf(roomId, personId) !== undefined;
  }

  /** Removes a membership (the REST layer lets the bot remove only its own: `bot.exit()`). */
  deleteMembership(membership: Membership, actor: Person): void {
    if (membership.roomType === 'direct') throw new WebexApiError(409, 'A 1:1 space cannot be left.');
    this.membershipsById.delete(membership.id);
    this.changed({ kind: 'membership', action: 'deleted', membership });
    // Webex tells the bot of its own removal too; after that, of nothing in that space.
    if (membership.personId === this.botPerson.id || this.isMember(membership.roomId, this.botPerson.id)) {
      this.emitWebhookEvent('memberships', 'deleted', actor.id, { ...membership });
    }
  }

  // ---------------------------------------------------------------- messages

  /** A room's messages, oldest first, including the bot's cards and files. */
  messages(roomId?: string): Message[] {
    const all = [...this.messagesById.values()];
    return roomId === undefined ? all : all.filter((m) => m.roomId === roomId);
  }

  message(id: string): Message | undefined {
    return this.messagesById.get(id);
  }

  /** Whether the bot can read this message (and is told about it). */
  botCanSee(message: Message): boolean {
    if (!this.isMember(message.roomId, this.botPerson.id)) return false;
    return (
      message.roomType === 'direct' ||
      message.personId === this.botPerson.id ||
      (message.mentionedPeople ?? []).includes(this.botPerson.id)
    );
  }

  /** A person writes in a space. */
  postMessage(input: PostMessageInput): Message {
    const author = this.requirePerson(input.fromEmail);
    const room = this.requireRoom(input.roomId);
    if (!this.isMember(room.id, author.id)) throw new Error(`${input.fromEmail} is not a member of space ${room.id}`);
    const mention = input.mentionBot === true && room.type === 'group';
    const name = this.botPerson.displayName;
    const fields: MessageFields = { roomId: room.id, parentId: input.parentId, files: input.files };
    if (input.text !== undefined) fields.text = mention ? `${name} ${input.text}` : input.text;
    if (input.markdown !== undefined) fields.markdown = mention ? `<@personId:${this.botPerson.id}|${name}> ${input.markdown}` : input.markdown;
    const message = this.createMessage(author, fields);
    if (mention) {
      message.mentionedPeople = [this.botPerson.id];
      const mentionHtml = `<spark-mention data-object-type="person" data-object-id="${this.botPerson.id}">${escapeHtml(name)}</spark-mention>`;
      message.html = `<p>${mentionHtml} ${escapeHtml(input.text ?? input.markdown ?? '')}</p>`;
    }
    this.announceMessage(message);
    return message;
  }

  /** The bot sends a message (`POST /messages`). */
  sendAsBot(fields: MessageFields): Message {
    const message = this.createMessage(this.botPerson, fields);
    this.announceMessage(message);
    return message;
  }

  /** Replaces a message's text, markdown and card (`PUT /messages/:id`). */
  editMessage(editor: Person, id: string, edit: MessageEdit): Message {
    const message = this.messagesById.get(id);
    if (!message || (editor.id === this.botPerson.id && !this.botCanSee(message))) {
      throw new WebexApiError(404, 'Message not found.');
    }
    if (message.personId !== editor.id) throw new WebexApiError(403, 'Only the sender can edit a message.');
    if (edit.roomId !== message.roomId) throw new WebexApiError(400, 'roomId is required and must be the room of the message.');
    if (edit.text === undefined && edit.markdown === undefined) throw new WebexApiError(400, 'text or markdown is required.');
    if (message.editCount >= MAX_EDITS) {
      throw new WebexApiError(400, `A message can be edited at most ${MAX_EDITS} times.`);
    }
    this.checkContent(edit.text, edit.markdown, edit.attachments);
    delete message.text;
    delete message.markdown;
    delete message.html;
    delete message.attachments;
    Object.assign(message, this.contentFields(edit.text, edit.markdown, edit.attachments));
    message.editCount += 1;
    message.updated = now();
    this.changed({ kind: 'message', action: 'updated', message });
    return message;
  }

  /** Deletes a message; only its sender may (`DELETE /messages/:id` for the bot). */
  deleteMessage(actor: Person, id: string): void {
    const message = this.messagesById.get(id);
    if (!message || (actor.id === this.botPerson.id && !this.botCanSee(message))) {
      throw new WebexApiError(404, 'Message not found.');
    }
    if (message.personId !== actor.id) throw new WebexApiError(403, 'Only the sender can delete a message.');
    const visible = this.botCanSee(message);
    this.messagesById.delete(id);
    this.changed({ kind: 'message', action: 'deleted', message });
    if (visible) this.emitWebhookEvent('messages', 'deleted', actor.id, this.messageData(message));
  }

  /** A file of a message the bot can see, by its content id. */
  content(id: string): StoredFile | undefined {
    for (const message of this.messagesById.values()) {
      const file = message.files?.find((f) => f.id === id);
      if (file) return this.botCanSee(message) ? file : undefined;
    }
    return undefined;
  }

  // ---------------------------------------------------------------- cards

  /** A person presses a Submit button on one of the bot's cards. */
  pressButton({ messageId, fromEmail, inputs }: PressButtonInput): AttachmentAction {
    const message = this.messagesById.get(messageId);
    if (!message) throw new Error(`No message ${messageId}`);
    if (message.personId !== this.botPerson.id || !message.attachments?.length) {
      throw new Error(`Message ${messageId} is not a card the bot sent`);
    }
    const person = this.requirePerson(fromEmail);
    if (!this.isMember(message.roomId, person.id)) throw new Error(`${fromEmail} is not a member of space ${message.roomId}`);
    const action: AttachmentAction = {
      id: hydraId('ATTACHMENT_ACTION'),
      type: 'submit',
      messageId,
      personId: person.id,
      roomId: message.roomId,
      inputs: { ...inputs },
      created: now(),
    };
    this.actionsById.set(action.id, action);
    this.changed({ kind: 'attachmentAction', action: 'created', attachmentAction: action });
    const { id, type, personId, roomId, created } = action;
    this.emitWebhookEvent('attachmentActions', 'created', person.id, { id, type, messageId, personId, roomId, created }, roomId);
    return action;
  }

  attachmentAction(id: string): AttachmentAction | undefined {
    return this.actionsById.get(id);
  }

  // ---------------------------------------------------------------- webhooks

  webhooks(): Webhook[] {
    return [...this.webhooksById.values()];
  }

  webhook(id: string): Webhook | undefined {
    return this.webhooksById.get(id);
  }

  createWebhook(fields: Partial<WebhookFields>): Webhook {
    const valid = this.validWebhookFields(fields);
    const webhook: Webhook = {
      id: hydraId('WEBHOOK'),
      ...valid,
      status: 'active',
      orgId: this.orgId,
      createdBy: this.botPerson.id,
      appId: this.appId,
      ownedBy: 'creator',
      created: now(),
    };
    this.webhooksById.set(webhook.id, webhook);
    this.changed({ kind: 'webhook', action: 'created', webhook });
    return webhook;
  }

  /** `PUT /webhooks/:id`: name and targetUrl are required, secret and status optional; resource, event and filter stay. */
  updateWebhook(id: string, fields: Partial<WebhookFields> & { status?: unknown }): Webhook {
    const webhook = this.webhooksById.get(id);
    if (!webhook) throw new WebexApiError(404, 'Webhook not found.');
    const valid = this.validWebhookFields({ ...fields, resource: webhook.resource, event: webhook.event });
    if (fields.status !== undefined && fields.status !== 'active' && fields.status !== 'inactive') {
      throw new WebexApiError(400, 'status must be active or inactive.');
    }
    webhook.name = valid.name;
    webhook.targetUrl = valid.targetUrl;
    if (valid.secret !== undefined) webhook.secret = valid.secret;
    if (fields.status !== undefined) webhook.status = fields.status;
    this.changed({ kind: 'webhook', action: 'updated', webhook });
    return webhook;
  }

  /** What Webex does after repeated failed deliveries (tests): the webhook stays, and gets nothing until re-activated. */
  deactivateWebhook(id: string): void {
    const webhook = this.webhooksById.get(id);
    if (!webhook) throw new WebexApiError(404, 'Webhook not found.');
    webhook.status = 'inactive';
    this.changed({ kind: 'webhook', action: 'updated', webhook });
  }

  deleteWebhook(id: string): void {
    const webhook = this.webhooksById.get(id);
    if (!webhook) throw new WebexApiError(404, 'Webhook not found.');
    this.webhooksById.delete(id);
    this.changed({ kind: 'webhook', action: 'deleted', webhook });
  }

  // ---------------------------------------------------------------- phones

  /** The phone of the person with this email, when it was ever used. */
  phone(email: string): Phone | undefined {
    return this.phonesByEmail.get(email.toLowerCase());
  }

  phones(): Phone[] {
    return [...this.phonesByEmail.values()];
  }

  /** Replaces what a person's phone holds (the local page plays the phone). */
  setPhone(email: string, state: Omit<Phone, 'email' | 'updated'>): Phone {
    const key = email.toLowerCase();
    if (!this.person(key)) throw new Error(`No person with email ${email}`);
    const phone: Phone = { email: key, ...state, updated: now() };
    this.phonesByEmail.set(key, phone);
    this.changed({ kind: 'phone', action: 'updated', phone });
    return phone;
  }

  // ---------------------------------------------------------------- whole state

  /**
   * Forgets people (but the bot), spaces, memberships, messages, button presses and phones.
   * Webhooks stay: they belong to a framework that is still running and would otherwise go deaf.
   */
  reset(): void {
    for (const id of this.peopleById.keys()) if (id !== this.botPerson.id) this.peopleById.delete(id);
    this.peopleByEmail.clear();
    this.unreachableIds.clear();
    this.indexPerson(this.botPerson);
    this.roomsById.clear();
    this.membershipsById.clear();
    this.messagesById.clear();
    this.actionsById.clear();
    this.phonesByEmail.clear();
    this.changed({ kind: 'reset' });
  }

  snapshot(): Snapshot {
    return {
      version: 1,
      orgId: this.orgId,
      appId: this.appId,
      bot: this.botPerson,
      people: this.people(),
      rooms: this.rooms(),
      memberships: this.memberships(),
      messages: this.messages().map(({ files, ...message }) =>
        files ? { ...message, files: files.map((f) => ({ ...f, data: f.data.toString('base64') })) } : message,
      ),
      attachmentActions: [...this.actionsById.values()],
      webhooks: this.webhooks(),
      phones: this.phones(),
    };
  }

  // ---------------------------------------------------------------- internals

  private restore(s: Snapshot): void {
    if (s.version !== 1) throw new Error(`Unsupported fake Webex data version ${String(s.version)}`);
    this.orgId = s.orgId;
    this.appId = s.appId;
    for (const p of s.people) this.indexPerson(p);
    for (const r of s.rooms) this.roomsById.set(r.id, r);
    for (const m of s.memberships) this.membershipsById.set(m.id, m);
    for (const { files, ...message } of s.messages) {
      const restored: Message = message;
      if (files) restored.files = files.map((f) => ({ ...f, data: Buffer.from(f.data, 'base64') }));
      this.messagesById.set(restored.id, restored);
    }
    for (const a of s.attachmentActions) this.actionsById.set(a.id, a);
    for (const w of s.webhooks) this.webhooksById.set(w.id, w);
    for (const p of s.phones ?? []) this.phonesByEmail.set(p.email, p);
  }

  private newPerson(email: string, displayName: string, type: Person['type']): Person {
    const [firstName = displayName, ...rest] = displayName.split(' ');
    return {
      id: hydraId('PEOPLE'),
      emails: [email],
      phoneNumbers: [],
      displayName,
      nickName: firstName,
      firstName,
      lastName: rest.join(' '),
      orgId: this.orgId,
      created: now(),
      type,
    };
  }

  private indexPerson(person: Person): void {
    this.peopleById.set(person.id, person);
    this.peopleByEmail.set(person.emails[0]!.toLowerCase(), person);
  }

  private requirePerson(email: string): Person {
    const person = this.person(email);
    if (!person) throw new Error(`No person with email ${email}`);
    return person;
  }

  private requireRoom(id: string): Room {
    const room = this.roomsById.get(id);
    if (!room) throw new Error(`No space ${id}`);
    return room;
  }

  private newRoom(title: string, type: Room['type'], creator: Person): Room {
    const created = now();
    const room: Room = {
      id: hydraId('ROOM'),
      title,
      type,
      isLocked: false,
      lastActivity: created,
      creatorId: creator.id,
      ownerId: this.orgId,
      created,
    };
    this.roomsById.set(room.id, room);
    this.changed({ kind: 'room', action: 'created', room });
    return room;
  }

  private addMembership(room: Room, person: Person): Membership {
    const membership: Membership = {
      id: hydraId('MEMBERSHIP'),
      roomId: room.id,
      roomType: room.type,
      personId: person.id,
      personEmail: person.emails[0]!,
      personDisplayName: person.displayName,
      personOrgId: person.orgId,
      isModerator: false,
      isMonitor: false,
      isRoomHidden: false,
      created: now(),
    };
    this.membershipsById.set(membership.id, membership);
    this.changed({ kind: 'membership', action: 'created', membership });
    return membership;
  }

  /** Where a message goes: a room the author is in, or the 1:1 space with a person. */
  private destination(author: Person, fields: MessageFields): Room {
    const targets = [fields.roomId, fields.toPersonId, fields.toPersonEmail].filter((t) => t !== undefined);
    if (targets.length !== 1) throw new WebexApiError(400, 'Exactly one of roomId, toPersonId or toPersonEmail is required.');
    if (fields.roomId !== undefined) {
      const room = this.roomsById.get(fields.roomId);
      if (!room || !this.isMember(room.id, author.id)) throw new WebexApiError(404, 'Could not find a room with provided ID.');
      return room;
    }
    const person = fields.toPersonId !== undefined ? this.peopleById.get(fields.toPersonId) : this.person(fields.toPersonEmail!);
    if (!person || this.unreachableIds.has(person.id)) throw new WebexApiError(404, 'Could not find a person with the provided ID or email.');
    if (person.id === author.id) throw new WebexApiError(400, 'Cannot send a direct message to yourself.');
    if (author.id !== this.botPerson.id) throw new Error('People write to the bot through postMessage in its 1:1 space');
    return this.directSpace(person.emails[0]!);
  }

  private checkContent(text?: string, markdown?: string, attachments?: CardAttachment[]): void {
    for (const body of [text, markdown]) {
      if (body !== undefined && Buffer.byteLength(body, 'utf8') > MAX_MESSAGE_BYTES) {
        throw new WebexApiError(400, `Message text and markdown are limited to ${MAX_MESSAGE_BYTES} bytes.`);
      }
    }
    if (attachments === undefined) return;
    if (attachments.length > 1) throw new WebexApiError(400, 'Only one attachment per message is supported.');
    const [card] = attachments;
    if (card && (card.contentType !== CARD_CONTENT_TYPE || typeof card.content !== 'object' || card.content === null)) {
      throw new WebexApiError(400, `An attachment must be {contentType: '${CARD_CONTENT_TYPE}', content: {...}}.`);
    }
  }

  /**
   * Webex derives plain `text` from markdown; the fake keeps the markdown source there, which is
   * close enough for matching commands.
   */
  private contentFields(text?: string, markdown?: string, attachments?: CardAttachment[]): Partial<Message> {
    const fields: Partial<Message> = {};
    if (text !== undefined || markdown !== undefined) fields.text = text ?? markdown;
    if (markdown !== undefined) fields.markdown = markdown;
    if (attachments?.length) fields.attachments = attachments;
    return fields;
  }

  private createMessage(author: Person, fields: MessageFields): Message {
    const room = this.destination(author, fields);
    const files = fields.files ?? [];
    if (files.length > 1) throw new WebexApiError(400, 'Only one file per message is supported.');
    this.checkContent(fields.text, fields.markdown, fields.attachments);
    if (fields.text === undefined && fields.markdown === undefined && !files.length && !fields.attachments?.length) {
      throw new WebexApiError(400, 'A message needs text, markdown, files or attachments.');
    }
    if (fields.parentId !== undefined) {
      const parent = this.messagesById.get(fields.parentId);
      if (!parent || parent.roomId !== room.id) throw new WebexApiError(404, 'Could not find the parent message.');
      if (parent.parentId) throw new WebexApiError(400, 'A reply cannot be a reply to a reply.');
    }
    const message: Message = {
      id: hydraId('MESSAGE'),
      roomId: room.id,
      roomType: room.type,
      personId: author.id,
      personEmail: author.emails[0]!,
      ...this.contentFields(fields.text, fields.markdown, fields.attachments),
      created: now(),
      editCount: 0,
    };
    if (fields.parentId !== undefined) message.parentId = fields.parentId;
    if (fields.toPersonId !== undefined) message.toPersonId = fields.toPersonId;
    if (fields.toPersonEmail !== undefined) message.toPersonEmail = fields.toPersonEmail;
    if (files.length) message.files = files.map((f) => ({ id: hydraId('CONTENT', `${randomUUID()}/0`), ...f }));
    return message;
  }

  /** Stores a finished message and tells everyone who should know. */
  private announceMessage(message: Message): void {
    this.messagesById.set(message.id, message);
    const room = this.roomsById.get(message.roomId)!;
    room.lastActivity = message.created;
    this.emit('message', message);
    this.changed({ kind: 'message', action: 'created', message });
    if (this.botCanSee(message)) {
      this.emitWebhookEvent('messages', 'created', message.personId, this.messageData(message));
    }
  }

  private messageData(message: Message): Record<string, unknown> {
    const data: Record<string, unknown> = {
      id: message.id,
      roomId: message.roomId,
      roomType: message.roomType,
      personId: message.personId,
      personEmail: message.personEmail,
    };
    if (message.mentionedPeople) data.mentionedPeople = message.mentionedPeople;
    data.created = message.created;
    return data;
  }

  /** Only events in spaces the bot is in (or about its own membership) reach its webhooks. */
  private emitWebhookEvent(
    resource: WebhookEvent['resource'],
    event: WebhookEvent['event'],
    actorId: string,
    data: Record<string, unknown>,
    roomId?: string,
  ): void {
    if (roomId !== undefined && !this.isMember(roomId, this.botPerson.id)) return;
    this.emit('webhookEvent', { resource, event, actorId, data });
  }

  private validWebhookFields(fields: Partial<WebhookFields>): WebhookFields {
    for (const key of ['name', 'targetUrl', 'resource', 'event'] as const) {
      if (typeof fields[key] !== 'string' || fields[key] === '') throw new WebexApiError(400, `${key} is required.`);
    }
    if (!WEBHOOK_RESOURCES.includes(fields.resource!)) throw new WebexApiError(400, `Unsupported resource ${fields.resource}.`);
    if (!WEBHOOK_EVENTS.includes(fields.event!)) throw new WebexApiError(400, `Unsupported event ${fields.event}.`);
    if (!/^https?:\/\//.test(fields.targetUrl!)) throw new WebexApiError(400, 'targetUrl must be an http(s) URL.');
    const valid: WebhookFields = {
      name: fields.name!,
      targetUrl: fields.targetUrl!,
      resource: fields.resource!,
      event: fields.event!,
    };
    if (typeof fields.filter === 'string') valid.filter = fields.filter;
    if (typeof fields.secret === 'string') valid.secret = fields.secret;
    return valid;
  }

  private changed(change: Change): void {
    this.emit('change', change);
  }
}
