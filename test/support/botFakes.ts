/**
 * A Dispatcher wired as production wires it — the real command table and a real WebexGoService
 * over a temp lowdb store — but talking to a sinon-faked Messenger, so a test can read exactly
 * what the bot said, where, and to whom.
 */
import { createHash } from 'node:crypto';
import sinon, { type SinonStub } from 'sinon';
import { commandTable } from '../../src/bot/commands/index.js';
import { Dispatcher, type IncomingPress } from '../../src/bot/dispatcher.js';
import type { Actor, BotDeps, Space } from '../../src/bot/types.js';
import type { ActivationDetails, Language, OrgSettings } from '../../src/domain/types.js';
import type { DownloadedFile, FoundPerson, Messenger, OutgoingMessage } from '../../src/bot/ports.js';
import { callsChartPng } from '../../src/render/callsChart.js';
import { ADMIN, openDomain, type DomainHarness } from './domain.js';

export { ADMIN };

export const BOT_NAME = 'GoBot';
export const BOT_EMAIL = 'gobot@webex.bot';
export const GROUP: Space = { id: 'group-1', type: 'group' };
export const DM_ADMIN: Space = { id: 'dm-admin', type: 'direct' };

export const admin: Actor = { email: ADMIN, personId: 'person-admin' };
/** Someone in the org who is not a Webex Go admin. */
export const bob: Actor = { email: 'bob@example.com', personId: 'person-bob' };
export const ALICE = 'alice@example.com';
export const alice: Actor = { email: ALICE, personId: 'person-alice' };

/** A real 1×1 PNG: enough for "a file was attached and it is a PNG". */
export const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);
export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
export const TINY_PDF = Buffer.from('%PDF-1.4\n%test sheet\n%%EOF\n');

export type SayStub = SinonStub<[roomId: string, message: OutgoingMessage], Promise<string>>;
export type DmStub = SinonStub<[email: string, message: OutgoingMessage], Promise<string>>;
export type UpdateStub = SinonStub<[roomId: string, messageId: string, message: OutgoingMessage], Promise<string>>;

export type DownloadStub = SinonStub<[url: string], Promise<DownloadedFile>>;
export type FindPersonStub = SinonStub<[email: string], Promise<FoundPerson | undefined>>;

/** A Webex-shaped person id for an email, the same every time: base64 of `ciscospark://us/PEOPLE/<uuid>`. */
export function fakePersonId(email: string): string {
  const hex = createHash('sha256').update(email.toLowerCase()).digest('hex');
  const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  return Buffer.from(`ciscospark://us/PEOPLE/${uuid}`).toString('base64');
}

export interface FakeMessenger extends Messenger {
  say: SayStub;
  dm: DmStub;
  update: UpdateStub;
  download: DownloadStub;
  findPerson: FindPersonStub;
}

export interface Sent {
  kind: 'say' | 'dm' | 'update';
  /** Space id for say/update, email for dm. */
  to: string;
  messageId?: string;
  message: OutgoingMessage;
}

export interface BotFixture {
  domain: DomainHarness;
  service: DomainHarness['service'];
  messenger: FakeMessenger;
  dispatcher: Dispatcher;
  qrPng: SinonStub<[payload: string], Promise<Buffer>>;
  sheetPdf: SinonStub<[details: ActivationDetails, lang: Language], Promise<Buffer>>;
  logs: string[];
  /** Everything sent, in order. */
  sent(): Sent[];
  /** Messages posted (say) to a space. */
  said(spaceId?: string): OutgoingMessage[];
  /** 1:1 messages to an email. */
  dms(email?: string): OutgoingMessage[];
  /** Cards replaced in place. */
  updates(): Array<{ roomId: string; messageId: string; message: OutgoingMessage }>;
  /** Forget what was sent so far (the stubs keep their behaviour). */
  forget(): void;
  /** `messageId` is Webex's id of the typed message: a fresh one unless given (to deliver one message twice). */
  type(actor: Actor, space: Space, text: string, files?: string[], messageId?: string): Promise<void>;
  press(actor: Actor, space: Space, inputs: Record<string, unknown>, opts?: { id?: string; messageId?: string }): Promise<void>;
  close(): Promise<void>;
}

let counter = 0;

export function fakeMessenger(): FakeMessenger {
  const next = (prefix: string) => async () => `${prefix}-${++counter}`;
  const say: SayStub = sinon.stub<[string, OutgoingMessage], Promise<string>>().callsFake(next('msg'));
  const dm: DmStub = sinon.stub<[string, OutgoingMessage], Promise<string>>().callsFake(next('dm'));
  const update: UpdateStub = sinon
    .stub<[string, string, OutgoingMessage], Promise<string>>()
    .callsFake(async (_roomId, messageId) => messageId);
  const download: DownloadStub = sinon.stub<[string], Promise<DownloadedFile>>().rejects(new Error('Webex answered 404: no such file'));
  // Webex knows everyone the tests name, unless a test says otherwise.
  const findPerson: FindPersonStub = sinon
    .stub<[string], Promise<FoundPerson | undefined>>()
    .callsFake(async (email) => ({ id: fakePersonId(email), displayName: email.split('@')[0] }));
  return { say, dm, update, download, findPerson };
}

export async function openBot(
  settings: Partial<OrgSettings> = {},
  admins = [ADMIN],
  delivery: Partial<Pick<BotDeps, 'mailer' | 'deliverByWebex' | 'callHistory' | 'maxUploadBytes' | 'org' | 'chartPng'>> = {},
): Promise<BotFixture> {
  const domain = await openDomain(settings, admins);
  const messenger = fakeMessenger();
  const qrPng = sinon.stub<[string], Promise<Buffer>>().resolves(TINY_PNG);
  const sheetPdf = sinon.stub<[ActivationDetails, Language], Promise<Buffer>>().resolves(TINY_PDF);
  const logs: string[] = [];
  // What the dispatcher talks to: records every call in order, then lets the stub answer (so a
  // test may make a stub reject and still see that the message was attempted).
  const journal: Sent[] = [];
  const recording: Messenger = {
    say: (to, message) => (journal.push({ kind: 'say', to, message }), messenger.say(to, message)),
    dm: (to, message) => (journal.push({ kind: 'dm', to, message }), messenger.dm(to, message)),
    update: (to, messageId, message) => (journal.push({ kind: 'update', to, messageId, message }), messenger.update(to, messageId, message)),
    download: (url) => messenger.download(url),
    findPerson: (email) => messenger.findPerson(email),
  };
  const dispatcher = new Dispatcher(
    { service: domain.service, messenger: recording, log: (line) => logs.push(line), qrPng, sheetPdf, chartPng: callsChartPng, deliverByWebex: true, maxUploadBytes: 200 * 1024 * 1024, ...delivery },
    commandTable(),
    () => ({ names: [BOT_NAME], emails: [BOT_EMAIL] }),
  );
  let since = 0;
  let pressCount = 0;
  let typedCount = 0;
  const sent = (): Sent[] => journal.slice(since);
  return {
    domain,
    service: domain.service,
    messenger,
    dispatcher,
    qrPng,
    sheetPdf,
    logs,
    sent,
    said: (spaceId) => sent().filter((s) => s.kind === 'say' && (spaceId === undefined || s.to === spaceId)).map((s) => s.message),
    dms: (email) => sent().filter((s) => s.kind === 'dm' && (email === undefined || s.to === email)).map((s) => s.message),
    updates: () =>
      sent()
        .filter((s) => s.kind === 'update')
        .map((s) => ({ roomId: s.to, messageId: s.messageId!, message: s.message })),
    forget: () => {
      since = journal.length;
    },
    type: (actor, space, text, files = [], messageId = `typed-${++typedCount}`) => dispatcher.onText(actor, space, text, files, messageId),
    press: (actor, space, inputs, opts = {}) => {
      const press: IncomingPress = {
        id: opts.id ?? `press-${++pressCount}`,
        messageId: opts.messageId ?? 'card-1',
        inputs,
      };
      return dispatcher.onPress(actor, space, press);
    },
    close: () => domain.close(),
  };
}

// ------------------------------------------------------------------ reading cards

type Json = Record<string, unknown>;

/** Every action in a card, including those inside Action.ShowCard sub-cards. */
export function cardActions(card: Json | undefined): Json[] {
  if (!card) return [];
  const found: Json[] = [];
  const visit = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const obj = node as Json;
    if (typeof obj.type === 'string' && obj.type.startsWith('Action.')) found.push(obj);
    for (const value of Object.values(obj)) visit(value);
  };
  visit(card);
  return found;
}

/** The Action.Submit whose data names `command` (and `confirm`, when asked). */
export function submitAction(card: Json | undefined, command: string, confirm?: string): Record<string, string> | undefined {
  const action = cardActions(card).find((a) => {
    const data = a.data as Record<string, string> | undefined;
    return a.type === 'Action.Submit' && data?.command === command && (confirm === undefined || data.confirm === confirm);
  });
  return action?.data as Record<string, string> | undefined;
}

/** The text a person sees in a message: its markdown and every string in its card. */
export function visibleText(message: OutgoingMessage): string {
  return `${message.markdown}\n${message.card ? JSON.stringify(message.card) : ''}`;
}
