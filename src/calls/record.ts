/**
 * One Detailed Call History record as the cdr_feed API sends it: a plain JSON object whose keys
 * carry spaces (`Sub client type`, `Report ID`) and whose casing differs between the docs, the
 * live API and the Control Hub export. Records are kept as received; fields are looked up with
 * `recordValue`, which ignores case, spaces, underscores, hyphens and dots in the name.
 */

/** A record with its keys and values exactly as the API sent them. */
export type CallRecord = Record<string, unknown>;

/** `Sub client type`, `sub_client_type`, `SubClientType` → `subclienttype`. */
function normaliseFieldName(name: string): string {
  return name.toLowerCase().replace(/[\s_\-.]+/g, '');
}

/** Per record: normalised key → the first key with that normalised form. Built on first miss. */
const keyMaps = new WeakMap<CallRecord, Map<string, string>>();

function keyMap(record: CallRecord): Map<string, string> {
  let map = keyMaps.get(record);
  if (!map) {
    map = new Map();
    for (const key of Object.keys(record)) {
      const normalised = normaliseFieldName(key);
      if (!map.has(normalised)) map.set(normalised, key);
    }
    keyMaps.set(record, map);
  }
  return map;
}

/**
 * The value of a field, found by name ignoring case, spaces, underscores, hyphens and dots:
 * `recordValue(r, 'Sub client type')` finds `Sub client type`, `Sub Client Type` or
 * `sub_client_type`. An exact key match wins; otherwise, if two keys normalise alike, the first
 * one in the record counts. `undefined` when the record lacks the field. The value is as
 * received (string, number, boolean, null…): see `recordText` for a cleaned string.
 */
export function recordValue(record: CallRecord, field: string): unknown {
  if (Object.hasOwn(record, field)) return record[field];
  const key = keyMap(record).get(normaliseFieldName(field));
  return key === undefined ? undefined : record[key];
}

/** A record's value as a CSV field: text as it is, numbers and booleans as text, nothing as `''`, anything else as JSON. */
export function fieldText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/**
 * The field as a trimmed string, `''` when it is missing or blank: the API writes blanks as `""`
 * or `"NA"` (any casing). Numbers and booleans become their text; objects and arrays `''`.
 */
export function recordText(record: CallRecord, field: string): string {
  const value = recordValue(record, field);
  if (typeof value === 'string') {
    const text = value.trim();
    return text.toUpperCase() === 'NA' ? '' : text;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return '';
}
