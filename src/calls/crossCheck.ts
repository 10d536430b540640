/**
 * The call history against the device store: who makes Webex Go calls without a Webex Go device
 * here, whose device is not Online, and which Online devices were silent for the whole period.
 *
 * People are compared by person: a caller's UUID (`User UUID`, else `Device owner UUID`) against
 * the UUID of the Webex person each device belongs to, which the bot finds from the device's email
 * (see people.ts); an email in the records is the fallback. What cannot be compared is said, with
 * why: callers the records name by neither UUID nor email (`unmatchedUsers`), devices whose
 * person Webex did not find (`unresolvedDevices`). While there are any, `onlineDevicesWithoutCalls`
 * lists only devices known to be silent, and `complete` is false. Only Webex Go calls count: calls
 * the same person made from the Webex App do not make a silent Webex Go device busy.
 */
import type { DeviceStatus } from '../domain/types.js';
import type { CallSummary, UserCalls } from './summary.js';

export interface DeviceLike {
  email: string;
  status: DeviceStatus;
  /** The UUID of the device's Webex person, lower-cased; undefined when Webex did not find them. */
  personUuid?: string;
}

export interface CrossCheck {
  /** Webex Go calls by users with no Webex Go device in the store, most calls first. */
  callsByUsersWithoutDevice: UserCalls[];
  /** Webex Go calls by users whose device here is not Online (the store may lag the phone). */
  callsByUsersWithDeviceNotOnline: (UserCalls & { status: DeviceStatus })[];
  /** Emails of Online devices whose person made or took no Webex Go call in the period, sorted. */
  onlineDevicesWithoutCalls: string[];
  /** Webex Go users the records name by neither UUID nor email: not comparable with devices. */
  unmatchedUsers: UserCalls[];
  /** Emails of devices whose Webex person was not found, so their calls cannot be told, sorted. */
  unresolvedDevices: string[];
  /** False when unmatched users or unresolved devices leave the comparison open. */
  complete: boolean;
}

export function crossCheck(summary: Pick<CallSummary, 'users'>, devices: readonly DeviceLike[]): CrossCheck {
  const byUuid = new Map<string, DeviceLike>();
  const byEmail = new Map<string, DeviceLike>();
  for (const device of devices) {
    byEmail.set(device.email.trim().toLowerCase(), device);
    if (device.personUuid) byUuid.set(device.personUuid.toLowerCase(), device);
  }
  const busy = new Set<DeviceLike>();
  const callsByUsersWithoutDevice: UserCalls[] = [];
  const callsByUsersWithDeviceNotOnline: (UserCalls & { status: DeviceStatus })[] = [];
  const unmatchedUsers: UserCalls[] = [];
  for (const user of summary.users) {
    if (user.calls === 0) continue;
    if (user.uuid === undefined && user.email === undefined) {
      unmatchedUsers.push(user);
      continue;
    }
    const device = (user.uuid !== undefined ? byUuid.get(user.uuid) : undefined) ?? (user.email !== undefined ? byEmail.get(user.email) : undefined);
    if (device === undefined) {
      callsByUsersWithoutDevice.push(user);
      continue;
    }
    busy.add(device);
    if (device.status !== 'online') callsByUsersWithDeviceNotOnline.push({ ...user, status: device.status });
  }
  const unresolvedDevices = devices.filter((d) => !d.personUuid && !busy.has(d)).map((d) => d.email.trim().toLowerCase()).sort();
  const onlineDevicesWithoutCalls = devices
    .filter((d) => d.status === 'online' && !busy.has(d) && (d.personUuid || !hasUuids(summary.users)))
    .map((d) => d.email.trim().toLowerCase())
    .sort();
  return {
    callsByUsersWithoutDevice,
    callsByUsersWithDeviceNotOnline,
    onlineDevicesWithoutCalls,
    unmatchedUsers,
    unresolvedDevices: hasUuids(summary.users) ? unresolvedDevices : [],
    complete: unmatchedUsers.length === 0 && (!hasUuids(summary.users) || unresolvedDevices.length === 0),
  };
}

/** Whether the records name people by UUID: only then does a device need its person's UUID. */
function hasUuids(users: readonly UserCalls[]): boolean {
  return users.some((u) => u.uuid !== undefined);
}
