/**
 * Helpers for the end-to-end tests (test/e2e): reading what the bot sent the way a person sees
 * it (text, cards, buttons, files), pressing card buttons the way Webex reports a press, and
 * keeping every card version the bot ever sent so each can be validated.
 */
import assert from 'node:assert/strict';
import type { FakeWebex } from '../../src/localwebex/fakeWebex.js';
import type { Change, Message } from '../../src/localwebex/types.js';
import { validateCard } from './cardValidator.js';
import { TEST_BOT_EMAIL } from './sharedFakeWebex.js';
import type { RunningBot } from './botHarness.js';

/** A Matching ID as the built-in provider draws them: four groups of five, e.g. 04386-AGYFT-A74Y8-3F815. */
export const MATCHING_ID = /\b[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}\b/;

let counter = 0;
/** A fresh address per call, so tests sharing one bot never see each other's devices. */
export function freshEmail(prefix: string): string {
  counter += 1;
  return `${prefix}.${Date.now().toString(36)}${counter}@example.com`;
}

export type Json = Record<string, unknown>;

export interface CardAction {
  type: string;
  title?: string;
  url?: string;
  data?: Json;
  card?: Json;
}

/** The adaptive card a message carries, if any. */
export function cardOf(message: Message): Json | undefined {
  const content = message.attachments?.[0]?.content;
  return content && typeof content === 'object' ? (content as Json) : undefined;
}

/** The buttons a person sees on the card (top level, as titles). */
/** The buttons a card shows, in reading order: those of ActionSets in its body, then its own. */
export function buttonTitles(message: Message): string[] {
  const card = cardOf(message);
  const inBody = ((card?.body ?? []) as Json[]).filter((e) => e.type === 'ActionSet').flatMap((e) => (e.actions ?? []) as CardAction[]);
  return [...inBody, ...((card?.actions ?? []) as CardAction[])].map((a) => a.title ?? '');
}

/** Every action on the card, those inside ShowCards and ActionSets included. */
export function allActions(card: Json | undefined): CardAction[] {
  const found: CardAction[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (!value || typeof value !== 'object') return;
    const node = value as Json;
    if (typeof node.type === 'string' && node.type.startsWith('Action.')) found.push(node as unknown as CardAction);
    for (const [key, child] of Object.entries(node)) if (key !== 'data') walk(child);
  };
  walk(card);
  return found;
}

/** Every piece of text a person can read in a message: text, markdown and the card's strings. */
export function visibleText(message: Message): string {
  const strings: string[] = [message.text ?? '', message.markdown ?? ''];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') strings.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(cardOf(message));
  return strings.join('\n');
}

/**
 * What Webex sends when a person presses this Submit button: the button's `data` merged with the
 * card's input values (our cards have none).
 */
export function submitInputs(message: Message, title: string): Json {
  const action = allActions(cardOf(message)).find((a) => a.type === 'Action.Submit' && a.title === title);
  assert.ok(action, `no "${title}" button on the card; it has: ${allActions(cardOf(message)).map((a) => a.title).join(', ')}`);
  return { ...(action.data ?? {}) };
}

/** Presses a Submit button as `fromEmail`. */
export function press(bot: RunningBot, message: Message, title: string, fromEmail: string): void {
  bot.fake.pressButton({ messageId: message.id, fromEmail, inputs: submitInputs(message, title) });
}

/** Presses a button and waits until the bot has edited that card; returns the card as it is then. */
export async function pressAndWaitEdit(bot: RunningBot, message: Message, title: string, fromEmail: string): Promise<Message> {
  const before = bot.fake.message(message.id)?.editCount ?? 0;
  press(bot, message, title, fromEmail);
  return bot.fake.waitForMessage((m) => m.id === message.id && m.editCount > before, 8000);
}

/**
 * Presses with inputs captured earlier (a card as it was before it changed) and waits for the
 * bot's edit of that card.
 */
export async function pressWithAndWaitEdit(bot: RunningBot, messageId: string, inputs: Json, fromEmail: string): Promise<Message> {
  const before = bot.fake.message(messageId)?.editCount ?? 0;
  bot.fake.pressButton({ messageId, fromEmail, inputs });
  return bot.fake.waitForMessage((m) => m.id === messageId && m.editCount > before, 8000);
}

export async function waitUntil(check: () => boolean, what: string, timeoutMs = 8000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Resolves after `ms`: used to show that nothing more arrives. */
export const settle = (ms = 400) => new Promise((r) => setTimeout(r, ms));

/** The bot's messages in a space, optionally only those after `after` (a message id). */
export function fromBot(fake: FakeWebex, roomId: string): Message[] {
  return fake.messages(roomId).filter((m) => m.personEmail === TEST_BOT_EMAIL);
}

/** The activation details a private message carries. */
export interface Activation {
  smdpAddress: string;
  matchingId: string;
  lpa: string;
  expires: string;
}

export function activationIn(message: Message): Activation | undefined {
  const md = message.markdown ?? '';
  const ios = /SM-DP\+ address `([^`]+)` and activation code `([^`]+)`/.exec(md);
  const android = /network provider code `(LPA:1\$[^`]+)`/.exec(md);
  const expires = /expires on \*\*(\d{4}-\d{2}-\d{2})\*\*/.exec(md);
  if (!ios || !android || !expires) return undefined;
  return { smdpAddress: ios[1]!, matchingId: ios[2]!, lpa: android[1]!, expires: expires[1]! };
}

/** The bot's messages in a space that carry activation details. */
export function activationMessages(fake: FakeWebex, roomId: string): Message[] {
  return fromBot(fake, roomId).filter((m) => activationIn(m) !== undefined);
}

export const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Keeps every card the bot sends or edits (all versions), so a test at the end of a file can
 * validate each one. Returns the list and a function that stops recording.
 */
export function recordCards(fake: FakeWebex): { cards: Array<{ messageId: string; card: Json }>; stop: () => void } {
  const cards: Array<{ messageId: string; card: Json }> = [];
  const onChange = (change: Change) => {
    if (change.kind !== 'message' || change.action === 'deleted') return;
    const card = change.message.personEmail === TEST_BOT_EMAIL ? cardOf(change.message) : undefined;
    if (card) cards.push({ messageId: change.message.id, card: structuredClone(card) });
  };
  fake.on('change', onChange);
  return { cards, stop: () => fake.off('change', onChange) };
}

/** Validates every recorded card; asserts there was at least one and that all are clean. */
export function assertCardsValid(cards: Array<{ messageId: string; card: Json }>): void {
  assert.ok(cards.length > 0, 'the bot sent no cards');
  const problems = cards.flatMap(({ messageId, card }) => validateCard(card).map((p) => `${messageId}: ${p}`));
  assert.deepEqual(problems, []);
}

/**
 * Asserts that no message the bot sent in a group space and no log line carries an activation
 * code, a network provider code or a file.
 */
export function assertGroupSpacesKeepSecrets(fake: FakeWebex, logs: string[], issued: string[] = []): void {
  const groupMessages = fake.messages().filter((m) => m.roomType === 'group' && m.personEmail === TEST_BOT_EMAIL);
  for (const message of groupMessages) {
    const text = JSON.stringify(message);
    assert.doesNotMatch(text, MATCHING_ID, `a Matching ID in group space message ${message.id}: ${message.markdown}`);
    assert.ok(!/LPA:/i.test(text), `an LPA: string in group space message ${message.id}: ${message.markdown}`);
    assert.equal(message.files, undefined, `a file in group space message ${message.id}`);
    for (const id of issued) assert.ok(!text.includes(id), `issued code ${id} in group space message ${message.id}`);
  }
  for (const line of logs) {
    assert.doesNotMatch(line, MATCHING_ID, `a Matching ID in a log line: ${line}`);
    assert.ok(!/LPA:/i.test(line), `an LPA: string in a log line: ${line}`);
    for (const id of issued) assert.ok(!line.includes(id), `issued code ${id} in a log line: ${line}`);
  }
}

/** The phone redeems an activation code at the eSIM provider endpoint, as a real phone's LPA would. */
export async function redeem(bot: RunningBot, lpa: string, token: string): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${bot.base}/esim/v1/download`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ activationCode: lpa }),
  });
  return { status: response.status, body: (await response.json()) as Json };
}

/** The phone reports its line switched off or on, or removed. */
export async function phoneEvent(bot: RunningBot, iccid: string, event: string, token: string): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${bot.base}/esim/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ iccid, event }),
  });
  return { status: response.status, body: (await response.json()) as Json };
}
