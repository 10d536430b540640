/** What the page receives about people, spaces, messages and phones (the mailbox has its own). */
import type { FakeWebex } from '../fakeWebex.js';
import type { Message, Person, PhoneAnswer, PhoneLine, Room } from '../types.js';

export interface PersonView {
  id: string;
  email: string;
  displayName: string;
}

export interface SpaceView {
  id: string;
  type: 'direct' | 'group';
  /** A 1:1 space is titled with the bot's name: the other side, as Webex shows it. */
  title: string;
  lastActivity: string;
  memberCount: number;
}

export interface FileView {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  /** Served by the files router: inline for images, as a download otherwise. */
  url: string;
  isImage: boolean;
}

export interface MessageView {
  id: string;
  roomId: string;
  parentId?: string;
  sender: { email: string; displayName: string; isBot: boolean };
  text?: string;
  markdown?: string;
  /** Whether the message @mentions the bot (its text then starts with the bot's name). */
  mentionsBot: boolean;
  /** The adaptive card (the attachment's `content`), when there is one. */
  card?: unknown;
  files: FileView[];
  created: string;
  updated?: string;
  editCount: number;
}

export interface PhoneView {
  email: string;
  /**
   * `revoked`: the eSIM server last answered that this line was revoked (a lost phone, a deleted
   * device). The profile is still on the phone, but it no longer works.
   */
  line: (PhoneLine & { carrier: 'Webex'; revoked: boolean }) | null;
  lastAnswer: PhoneAnswer | null;
}

/** Shown in the page rather than downloaded. */
export const INLINE_IMAGE_TYPES: ReadonlySet<string> = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

const fileUrl = (id: string) => `/local/api/files/${encodeURIComponent(id)}`;

export const personView = (p: Person): PersonView => ({ id: p.id, email: p.emails[0]!, displayName: p.displayName });

export const spaceView = (fake: FakeWebex, room: Room): SpaceView => ({
  id: room.id,
  type: room.type,
  title: room.type === 'direct' ? fake.bot.displayName : room.title,
  lastActivity: room.lastActivity,
  memberCount: fake.memberships(room.id).length,
});

export function messageView(fake: FakeWebex, m: Message): MessageView {
  const sender = fake.personById(m.personId);
  const view: MessageView = {
    id: m.id,
    roomId: m.roomId,
    sender: {
      email: m.personEmail,
      displayName: sender?.displayName ?? m.personEmail,
      isBot: m.personId === fake.bot.id,
    },
    mentionsBot: (m.mentionedPeople ?? []).includes(fake.bot.id),
    files: (m.files ?? []).map((f) => ({
      id: f.id,
      filename: f.filename,
      contentType: f.contentType,
      size: f.data.length,
      url: fileUrl(f.id),
      isImage: INLINE_IMAGE_TYPES.has(f.contentType.toLowerCase()),
    })),
    created: m.created,
    editCount: m.editCount,
  };
  if (m.parentId !== undefined) view.parentId = m.parentId;
  if (m.text !== undefined) view.text = m.text;
  if (m.markdown !== undefined) view.markdown = m.markdown;
  if (m.attachments?.[0]) view.card = m.attachments[0].content;
  if (m.updated !== undefined) view.updated = m.updated;
  return view;
}

export function phoneView(fake: FakeWebex, email: string): PhoneView {
  const phone = fake.phone(email);
  return {
    email: email.toLowerCase(),
    line: phone?.line ? { ...phone.line, carrier: 'Webex', revoked: Boolean(phone.line.revokedAt) || phone.lastAnswer?.reason === 'revoked' } : null,
    lastAnswer: phone?.lastAnswer ?? null,
  };
}
