/** Dates and numbers as people read them; formatted on the server (Webex has no client date functions). */
import { redactActivationCodes } from '../domain/activationCode.js';
import type { Language } from '../domain/types.js';

// English keeps the unambiguous ISO date its readers already get; other languages read Intl's
// long form for the locale ("1 март 2027 г."). Dates are UTC everywhere.
const LONG_DATE: Partial<Record<Language, Intl.DateTimeFormat>> = {
  bg: new Intl.DateTimeFormat('bg', { dateStyle: 'long', timeZone: 'UTC' }),
};
const TIME = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'UTC' });

export function formatDate(iso: string, lang: Language = 'en'): string {
  const long = LONG_DATE[lang];
  return long ? long.format(new Date(iso)) : iso.slice(0, 10);
}

export function formatDateTime(iso: string, lang: Language = 'en'): string {
  return lang === 'en' ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : `${formatDate(iso, lang)}, ${TIME.format(new Date(iso))} UTC`;
}

const COUNT: Record<Language, Intl.NumberFormat> = { en: new Intl.NumberFormat('en-US'), bg: new Intl.NumberFormat('bg') };
export const formatCount = (n: number, lang: Language = 'en') => COUNT[lang].format(n);

// Characters that are there but not seen: shown by their code point when text is repeated.
const UNSEEN = /[\u0000-\u001F\u007F-\u009F\u00AD\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;

/** `U+200B` for a character, to name one a person cannot see. */
export function codePoint(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Text a person typed or a file contained, repeated in a markdown message: as inline code, so no
 * link, mention (`<@all>`), emphasis or HTML in it takes effect; shortened; unseen characters
 * named; and anything shaped like an activation code withheld.
 */
export function quoted(text: string, max = 80): string {
  const chars = [...redactActivationCodes(text)];
  const short = chars.length > max ? `${chars.slice(0, max).join('')}…` : chars.join('');
  const shown = short.replace(UNSEEN, (c) => `[${codePoint(c)}]`);
  const fence = '`'.repeat(Math.max(0, ...(shown.match(/`+/g) ?? []).map((run) => run.length)) + 1);
  const pad = shown.startsWith('`') || shown.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${shown}${pad}${fence}`;
}
