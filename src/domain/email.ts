/** Users are known by email, compared case-insensitively. */

const EMAIL = /^[^\s@<>()[\],;:"]+@(?!-)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$/;

export function normalizeEmail(value: string): string {
  return value.trim().toLowerCase();
}

export function isEmail(value: string): boolean {
  return value.length <= 254 && EMAIL.test(value.trim());
}
