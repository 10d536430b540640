/** Users are known by email, compared case-insensitively. */

const EMAIL = /^[^\s@<>()[\],;:"]+@(?!-)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$/;
/** RFC 5321's limit; checked before any pattern runs, so a huge input is refused at once. */
export const MAX_EMAIL_LENGTH = 254;
// Zero-width characters, bidi controls, word joiners and the BOM: they hide in an address that looks right.
const INVISIBLE = /[\u00AD\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/;
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;
// Webex addresses are ASCII; a Cyrillic "а" or a Greek "ο" in one is a look-alike, not a person.
const NON_ASCII = /[^\x20-\x7E]/;

/** Why a value is not an email address a person can be reached at, in the order a person would fix it. */
export type EmailProblem = 'too-long' | 'invisible' | 'control' | 'look-alike' | 'format';

export function emailProblem(value: string): EmailProblem | undefined {
  if (value.length > MAX_EMAIL_LENGTH + 2) return 'too-long';
  const trimmed = value.trim();
  if (trimmed.length > MAX_EMAIL_LENGTH) return 'too-long';
  if (INVISIBLE.test(trimmed)) return 'invisible';
  if (CONTROL.test(trimmed)) return 'control';
  if (NON_ASCII.test(trimmed)) return 'look-alike';
  return EMAIL.test(trimmed) ? undefined : 'format';
}

/** The first character that makes an address invisible-, control- or look-alike-wrong, for the answer. */
export function offendingCharacter(value: string): string | undefined {
  return [...value].find((c) => INVISIBLE.test(c) || CONTROL.test(c) || NON_ASCII.test(c));
}

export function normalizeEmail(value: string): string {
  return value.trim().toLowerCase();
}

export function isEmail(value: string): boolean {
  return emailProblem(value) === undefined;
}
