/** A JSON object (not an array, not null): what Webex's bodies and records are. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
