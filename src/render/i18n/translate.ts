/**
 * ICU MessageFormat (intl-messageformat) over the `en` and `bg` catalogues: plurals by CLDR
 * through Intl.PluralRules, one compiled formatter per language and key.
 */
import { IntlMessageFormat } from 'intl-messageformat';
import type { Language } from '../../domain/types.js';
import { bg } from './bg.js';
import { en, type MessageKey } from './en.js';

export type { MessageKey };
export type MessageValues = Record<string, string | number>;

export const CATALOGUES: Record<Language, Record<MessageKey, string>> = { en, bg };

const compiled = new Map<string, IntlMessageFormat>();

function formatter(lang: Language, key: MessageKey, tags: boolean): IntlMessageFormat {
  const id = `${lang}\u0000${key}\u0000${tags}`;
  let format = compiled.get(id);
  if (!format) {
    // Tags are read only where a message marks phone screens; elsewhere `<email>` is just text.
    format = new IntlMessageFormat(CATALOGUES[lang][key], lang, undefined, { ignoreTag: !tags });
    compiled.set(id, format);
  }
  return format;
}

/** The sentence `key` in `lang`, its placeholders filled in. */
export function translate(lang: Language, key: MessageKey, values?: MessageValues): string {
  return String(formatter(lang, key, false).format(values));
}

/** `t(lang)('key', values)`: a translator bound to the reader's language. */
export type Translator = (key: MessageKey, values?: MessageValues) => string;
export const translator =
  (lang: Language): Translator =>
  (key, values) =>
    translate(lang, key, values);

/** A message with `<ui>…</ui>` parts (what a phone shows), split into text and those parts. */
export function translateParts(lang: Language, key: MessageKey): (string | { ui: string })[] {
  const out = formatter(lang, key, true).format<{ ui: string }>({ ui: (chunks) => ({ ui: chunks.join('') }) });
  return Array.isArray(out) ? out : [String(out)];
}
