/**
 * eSIM activation codes, GSMA SGP.22 §4.1:
 *   "1" "$" smdp-address "$" matching-id [ "$" [ smdp-oid ] [ "$" "1" ] ]
 * optionally behind the QR prefix "LPA:".
 */

export interface ActivationCode {
  smdpAddress: string;
  matchingId: string;
  smdpOid?: string;
  confirmationCodeRequired: boolean;
}

const LABEL = '(?!-)[A-Za-z0-9-]{1,63}(?<!-)';
const FQDN = new RegExp(`^(?=.{1,253}$)${LABEL}(?:\\.${LABEL})+$`);
const MATCHING_ID = /^[0-9A-Z-]+$/;
const OID = /^[0-2](?:\.(?:0|[1-9][0-9]*))+$/;

export function isSmdpAddress(value: string): boolean {
  return FQDN.test(value);
}

export function parseActivationCode(input: string): ActivationCode | undefined {
  const code = input.trim().replace(/^LPA:/i, '');
  const fields = code.split('$');
  if (fields.length < 3 || fields.length > 5 || fields[0] !== '1') return undefined;
  const [, smdpAddress, matchingId, smdpOid = '', confirmation] = fields;
  if (!isSmdpAddress(smdpAddress) || !MATCHING_ID.test(matchingId)) return undefined;
  if (smdpOid !== '' && !OID.test(smdpOid)) return undefined;
  if (confirmation !== undefined && confirmation !== '1') return undefined;
  // "1$A$B$" names an empty OID and no flag: not a form the grammar produces.
  if (fields.length === 4 && smdpOid === '') return undefined;
  return {
    smdpAddress,
    matchingId,
    ...(smdpOid ? { smdpOid } : {}),
    confirmationCodeRequired: confirmation === '1',
  };
}

export function isMatchingId(value: string): boolean {
  return MATCHING_ID.test(value);
}

/**
 * A code an admin copied from Control Hub: the activation code alone (the Matching ID, which
 * Control Hub shows beside its SM-DP+ address; `smdpAddress` is then the org's), or a whole
 * `LPA:1$…$…` string. Undefined when it is neither.
 */
export function parseCopiedCode(input: string, smdpAddress: string): { smdpAddress: string; matchingId: string } | undefined {
  const text = input.trim();
  if (text.includes('$')) {
    const parsed = parseActivationCode(text);
    return parsed && !parsed.confirmationCodeRequired ? { smdpAddress: parsed.smdpAddress, matchingId: parsed.matchingId } : undefined;
  }
  const matchingId = text.toUpperCase();
  return isMatchingId(matchingId) && /[0-9A-Z]/.test(matchingId) ? { smdpAddress, matchingId } : undefined;
}

export function formatActivationCode(code: ActivationCode): string {
  let text = `1$${code.smdpAddress}$${code.matchingId}`;
  if (code.smdpOid || code.confirmationCodeRequired) text += `$${code.smdpOid ?? ''}`;
  if (code.confirmationCodeRequired) text += '$1';
  return text;
}

export function qrPayload(code: ActivationCode): string {
  return `LPA:${formatActivationCode(code)}`;
}

// A whole code (with or without "LPA:"), and a Matching ID written in dashed groups as Control Hub
// and the built-in provider show it: what must never be repeated in a log line or an error.
const CODE_IN_TEXT = /(?:LPA:)?1\$[^\s$]+\$[0-9A-Z-]+(?:\$[^\s]*)?/gi;
const DASHED_MATCHING_ID = /\b[0-9A-Z]{4,6}(?:-[0-9A-Z]{4,6}){2,}\b/g;

/** `text` with every activation code and Matching ID in it replaced by a placeholder. */
export function redactActivationCodes(text: string, placeholder = '[activation code]'): string {
  return text.replace(CODE_IN_TEXT, placeholder).replace(DASHED_MATCHING_ID, placeholder);
}
