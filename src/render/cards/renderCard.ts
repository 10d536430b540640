/**
 * Card templates: `cards/<name>.json` at the project root, expanded by adaptivecards-templating
 * with `data` as `$root`; cardData.ts says what each template binds. test/cards.test.ts renders every
 * card the bot sends, through the same view functions, and validates the result.
 *
 * Escaping convention:
 * - Every string in `data` is markdown-escaped before expansion (escape.ts), so user-typed text
 *   shows literally in a TextBlock or a Fact and cannot add links, emphasis or template syntax.
 * - A property named `raw`, at any depth, is passed through unescaped with everything under it.
 *   Put there what Webex does not render as markdown or what the template computes with: URLs,
 *   Action.Submit data, Input values and placeholders, Choice titles and values, TextRun text,
 *   action titles, altText, and values used in `$when` or functions. In a template:
 *   `${raw.deviceId}`; inside a `$data` loop each item can carry its own `raw`.
 * - Numbers and booleans pass unchanged; format dates and amounts on the server (Webex does not
 *   implement the `{{DATE()}}` client functions).
 *
 * A template's own words (titles, fact names, button titles) are `${words.<name>}`: the catalogue's
 * `card.<template>.<name>` messages in the reader's language, added by renderCard.
 *
 * A `${...}` still present after expansion is an unbound field: renderCard throws, naming the
 * template, the expression and where it was.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Template } from 'adaptivecards-templating';
import type { Language } from '../../domain/types.js';
import { BUNDLED, requireBundle } from '../../vendorBundle.js';
import { CATALOGUES, translate, type MessageKey } from '../i18n/translate.js';
import type { CardData, CardName } from './cardData.js';
import { escapeMarkdown } from './escape.js';

export const CARDS_DIR = fileURLToPath(new URL('../../../cards/', import.meta.url));

const RAW_KEY = 'raw';
const TEMPLATE_NAME = /^[a-z0-9][a-z0-9_-]*$/i;
// A data string's own "${" travels through expansion under this private-use stand-in, so that the
// leftover check sees only expressions from the template.
const SHIELDED_DOLLAR = '\uE000';

const templates = new Map<string, Template>();

let templating: typeof import('adaptivecards-templating') | undefined;

/**
 * adaptivecards-templating (with adaptive-expressions) is loaded at the first card, not at start-up,
 * where it took ~140 ms before the first /healthz could answer; compiled, from its bundle (~40 ms).
 */
function templateClass(): typeof Template {
  templating ??= (BUNDLED ? requireBundle('adaptivecards-templating') : createRequire(import.meta.url)('adaptivecards-templating')) as typeof import('adaptivecards-templating');
  return templating.Template;
}

/** Names of all templates in cards/, e.g. `example` for cards/example.json. */
export function cardTemplateNames(): string[] {
  return readdirSync(CARDS_DIR)
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
}

/** The template's own words in `lang`, by name: `card.device.since` → `words.since`. */
function cardWords(name: CardName, lang: Language): Record<string, string> {
  const prefix = `card.${name}.`;
  return Object.fromEntries(
    (Object.keys(CATALOGUES[lang]) as MessageKey[]).filter((key) => key.startsWith(prefix)).map((key) => [key.slice(prefix.length), translate(lang, key)]),
  );
}

export function renderCard<K extends CardName>(name: K, data: CardData[K], lang: Language): Record<string, unknown> {
  const template = loadTemplate(name);
  let card: unknown;
  try {
    // The catalogue's words are the bot's own, so they pass unescaped (as `raw` does).
    card = template.expand({ $root: { ...(prepare(data, false) as object), words: prepare(cardWords(name, lang), true) } });
  } catch (error) {
    throw new Error(`card template "${name}": ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (!isPlainObject(card)) throw new Error(`card template "${name}" did not expand to an object`);
  const leftovers = unboundFields(card, '');
  if (leftovers.length > 0) {
    throw new Error(`card template "${name}" has unbound fields: ${leftovers.join('; ')}`);
  }
  return unshield(card) as Record<string, unknown>;
}

function loadTemplate(name: string): Template {
  if (!TEMPLATE_NAME.test(name)) throw new Error(`invalid card template name "${name}"`);
  let template = templates.get(name);
  if (!template) {
    const file = join(CARDS_DIR, `${name}.json`);
    try {
      template = new (templateClass())(JSON.parse(readFileSync(file, 'utf8')));
    } catch (error) {
      throw new Error(`cannot load card template ${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    templates.set(name, template);
  }
  return template;
}

function prepare(value: unknown, raw: boolean): unknown {
  if (typeof value === 'string') {
    const shielded = value.replaceAll('${', `${SHIELDED_DOLLAR}{`);
    return raw ? shielded : escapeMarkdown(shielded);
  }
  if (Array.isArray(value)) return value.map((item) => prepare(item, raw));
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, prepare(item, raw || key === RAW_KEY)]));
  }
  return value;
}

function unboundFields(value: unknown, path: string): string[] {
  if (typeof value === 'string') {
    if (!value.includes('${')) return [];
    const expressions = value.match(/\$\{[^}]*\}?/g) ?? [];
    return expressions.map((expression) => `${expression} at ${path || 'the root'}`);
  }
  if (Array.isArray(value)) return value.flatMap((item, index) => unboundFields(item, `${path}[${index}]`));
  if (isPlainObject(value)) {
    return Object.entries(value).flatMap(([key, item]) => unboundFields(item, path ? `${path}.${key}` : key));
  }
  return [];
}

function unshield(value: unknown): unknown {
  if (typeof value === 'string') return value.replaceAll(SHIELDED_DOLLAR, '$');
  if (Array.isArray(value)) return value.map(unshield);
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, unshield(item)]));
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
