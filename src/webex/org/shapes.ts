/**
 * Webex's admin API bodies read into the port's shapes: only the fields the port names, each
 * taken when Webex sent it with the right type and left out otherwise (never guessed). An item
 * without an id is dropped.
 */
import type { OrgCallingDevice, OrgDevice, OrgLicense, OrgPerson } from '../../bot/orgPorts.js';
import { isObject } from '../callHistory/json.js';

type Json = Record<string, unknown>;

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

function copyTexts<T extends object>(target: T, source: Json, keys: readonly (keyof T & string)[]): T {
  for (const key of keys) {
    const value = text(source[key]);
    if (value !== undefined) (target as Json)[key] = value;
  }
  return target;
}

/** The `items` (or another list field) of a body, objects only. */
export function listOf(body: unknown, field = 'items'): Json[] {
  const list = isObject(body) ? body[field] : undefined;
  return Array.isArray(list) ? list.filter(isObject) : [];
}

/** A device of `GET /devices`; `type` is the filter asked for when Webex leaves it out. */
export function orgDevice(item: Json, askedType: string): OrgDevice | undefined {
  const id = text(item.id);
  if (id === undefined) return undefined;
  const device: OrgDevice = { id, type: text(item.type) ?? askedType };
  copyTexts(device, item, ['personId', 'displayName', 'product', 'connectionStatus', 'created', 'firstSeen', 'lastSeen']);
  if (Array.isArray(item.errorCodes)) device.errorCodes = item.errorCodes.filter((code): code is string => typeof code === 'string');
  return device;
}

export function orgCallingDevice(item: Json): OrgCallingDevice | undefined {
  const id = text(item.id);
  if (id === undefined) return undefined;
  return copyTexts<OrgCallingDevice>({ id }, item, ['model', 'modelType', 'activationState']);
}

export function orgLicense(item: Json): OrgLicense | undefined {
  const id = text(item.id);
  const name = typeof item.name === 'string' ? item.name : undefined;
  const { totalUnits, consumedUnits } = item;
  if (id === undefined || name === undefined || typeof totalUnits !== 'number' || typeof consumedUnits !== 'number') return undefined;
  return copyTexts<OrgLicense>({ id, name, totalUnits, consumedUnits }, item, ['subscriptionId']);
}

export function orgPerson(item: Json): OrgPerson | undefined {
  const id = text(item.id);
  if (id === undefined) return undefined;
  const emails = Array.isArray(item.emails) ? item.emails.filter((e): e is string => typeof e === 'string') : [];
  return copyTexts<OrgPerson>({ id, emails }, item, ['displayName']);
}
