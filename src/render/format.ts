/** Dates and numbers as people read them; formatted on the server (Webex has no client date functions). */
import { redactActivationCodes } from '../domain/activationCode.js';

export function formatDate(iso: string): string {
  return iso.slice(0, 10);
}

export function formatDateTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

export const formatCount = (n: number) => n.toLocaleString('en-US');

export const plural = (n: number, one: string, many = `${one}s`) => `${formatCount(n)} ${n === 1 ? one : many}`;

export function percent(part: number, whole: number): string {
  return whole === 0 ? '0%' : `${Math.round((part / whole) * 100)}%`;
}

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
