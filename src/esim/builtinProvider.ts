import { randomBytes } from 'node:crypto';
import { luhnCheckDigit } from '../domain/iccid.js';
import type { EsimProvider } from '../domain/ports.js';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
// The largest multiple of 36 below 256: bytes at or above it are dropped so every character is equally likely.
const UNBIASED_LIMIT = 252;

/** n characters of 0-9A-Z from a cryptographic RNG. */
function randomChars(n: number, random: (size: number) => Buffer): string {
  let out = '';
  while (out.length < n) {
    for (const byte of random(n * 2)) {
      if (byte < UNBIASED_LIMIT && out.length < n) out += ALPHABET[byte % 36];
    }
  }
  return out;
}

function randomDigits(n: number, random: (size: number) => Buffer): string {
  let out = '';
  while (out.length < n) {
    for (const byte of random(n * 2)) {
      if (byte < 250 && out.length < n) out += String(byte % 10);
    }
  }
  return out;
}

/**
 * The built-in eSIM provider: Matching IDs of four groups of five (e.g. 04386-AGYFT-A74Y8-3F815)
 * and 20-digit ICCIDs starting 89 with a Luhn check digit.
 */
export function createBuiltinEsimProvider(random: (size: number) => Buffer = randomBytes): EsimProvider {
  return {
    newMatchingId: () => {
      const chars = randomChars(20, random);
      return [0, 5, 10, 15].map((i) => chars.slice(i, i + 5)).join('-');
    },
    newIccid: () => {
      const body = `89${randomDigits(17, random)}`;
      return body + luhnCheckDigit(body);
    },
  };
}
