/**
 * The call history against the device store: who makes Webex Go calls without a Webex Go device
 * here, and which Online devices were silent for the whole period.
 *
 * Matching is by email, lower-cased: a Webex Go user is matched when the export gives their email
 * (a user email column, or `User` holding an email — see summary.ts). Users known only by a name,
 * number or UUID cannot be matched: they are listed in `unmatchedUsers`, and while there are any,
 * `onlineDevicesWithoutCalls` may name devices whose user did call (`complete` is then false).
 * Only Webex Go calls count: calls the same user made from the Webex App do not make a silent
 * Webex Go device busy.
 */
import type { DeviceStatus } from '../domain/types.js';
import type { CallSummary, UserCalls } from './summary.js';

export interface DeviceLike {
  email: string;
  status: DeviceStatus;
}

export interface CrossCheck {
  /** Webex Go calls by users with no Webex Go device in the store, most calls first. */
  callsByUsersWithoutDevice: UserCalls[];
  /** Webex Go calls by users whose device here is not Online (the store may lag the phone). */
  callsByUsersWithDeviceNotOnline: (UserCalls & { status: DeviceStatus })[];
  /** Emails of Online devices whose user made or took no Webex Go call in the period, sorted. */
  onlineDevicesWithoutCalls: string[];
  /** Webex Go users the export names without an email, who could not be matched. */
  unmatchedUsers: UserCalls[];
  /** False when unmatched users make `onlineDevicesWithoutCalls` uncertain. */
  complete: boolean;
}

export function crossCheck(summary: Pick<CallSummary, 'users'>, devices: readonly DeviceLike[]): CrossCheck {
  const deviceByEmail = new Map<string, DeviceLike>();
  for (const device of devices) deviceByEmail.set(device.email.trim().toLowerCase(), device);
  const callers = new Set<string>();
  const callsByUsersWithoutDevice: UserCalls[] = [];
  const callsByUsersWithDeviceNotOnline: (UserCalls & { status: DeviceStatus })[] = [];
  const unmatchedUsers: UserCalls[] = [];
  for (const user of summary.users) {
    if (user.calls === 0) continue;
    if (user.email === undefined) {
      unmatchedUsers.push(user);
      continue;
    }
    callers.add(user.email);
    const device = deviceByEmail.get(user.email);
    if (device === undefined) callsByUsersWithoutDevice.push(user);
    else if (device.status !== 'online') callsByUsersWithDeviceNotOnline.push({ ...user, status: device.status });
  }
  const onlineDevicesWithoutCalls = [...deviceByEmail.entries()]
    .filter(([email, device]) => device.status === 'online' && !callers.has(email))
    .map(([email]) => email)
    .sort();
  return {
    callsByUsersWithoutDevice,
    callsByUsersWithDeviceNotOnline,
    onlineDevicesWithoutCalls,
    unmatchedUsers,
    complete: unmatchedUsers.length === 0,
  };
}
