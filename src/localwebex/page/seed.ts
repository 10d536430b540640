import type { FakeWebex } from '../fakeWebex.js';
import { newIccid, type ConnectionStatus } from '../org/simulatedOrg.js';
import type { Person, Room } from '../types.js';

export const DEMO_ADMIN = { email: 'admin@example.com', displayName: 'Ada Admin' } as const;
export const DEMO_USERS = [
  { email: 'alice@example.com', displayName: 'Alice Andersen' },
  { email: 'bob@example.com', displayName: 'Bob Brown' },
  { email: 'carol@example.com', displayName: 'Carol Chen' },
] as const;
export const DEMO_ADMIN_SPACE = 'Webex Go admins';

/**
 * The demo world: an admin, three users, and the group space "Webex Go admins" holding the
 * admin, Alice and the bot. Idempotent: people are found by email and the space by title, so a
 * restart on a data file adds nothing twice.
 */
export function seedDemo(fake: FakeWebex): { admin: Person; users: Person[]; adminSpace: Room } {
  const admin = fake.addPerson(DEMO_ADMIN);
  const users = DEMO_USERS.map((user) => fake.addPerson(user));
  const adminSpace =
    fake.rooms().find((room) => room.type === 'group' && room.title === DEMO_ADMIN_SPACE) ??
    fake.createGroupSpace(DEMO_ADMIN_SPACE, [DEMO_ADMIN.email, DEMO_USERS[0].email]);
  return { admin, users, adminSpace };
}

/**
 * Who has a Webex Go device in the demo org, and in which state (one of each kind an admin meets),
 * with their language in Webex (`preferredLanguage`): Frank reads the bot in Bulgarian until he
 * chooses otherwise, Carol's (French) is none the bot writes in.
 */
export const DEMO_ORG_DEVICES: ReadonlyArray<{ email: string; displayName: string; status: ConnectionStatus | 'pending-with-code'; preferredLanguage: string }> = [
  { email: 'bob@example.com', displayName: 'Bob Brown', status: 'connected', preferredLanguage: 'en_US' },
  { email: 'carol@example.com', displayName: 'Carol Chen', status: 'unknown', preferredLanguage: 'fr_FR' },
  { email: 'dave@example.com', displayName: 'Dave Davis', status: 'pending-with-code', preferredLanguage: 'en_US' },
  { email: 'erin@example.com', displayName: 'Erin Evans', status: 'disconnected', preferredLanguage: 'en_GB' },
  { email: 'frank@example.com', displayName: 'Frank Fischer', status: 'offline_expired', preferredLanguage: 'bg_BG' },
];

/**
 * The demo org's Webex Go devices, once per data folder (a device the admin deleted stays
 * deleted): a line in use is also on its owner's phone, and Dave's device waits with a code
 * generated in Control Hub.
 */
export function seedOrgDemo(fake: FakeWebex): void {
  if (fake.org.seeded) return;
  const hourAgo = new Date(Date.now() - 60 * 60_000).toISOString();
  for (const { email, displayName, status, preferredLanguage } of DEMO_ORG_DEVICES) {
    const person = fake.addPerson({ email, displayName });
    fake.org.setPreferredLanguage(person.id, preferredLanguage);
    if (fake.org.deviceOf(person.id)) continue;
    if (status === 'pending-with-code') {
      fake.org.generateCode(fake.org.addDevice(person.id, displayName).id);
      continue;
    }
    const used = status !== 'unknown';
    const iccid = used ? newIccid() : undefined;
    fake.org.addDevice(person.id, displayName, {
      connectionStatus: status,
      activationState: 'activated',
      ...(used ? { firstSeen: hourAgo, lastSeen: hourAgo, iccid } : {}),
    });
    if (iccid) fake.setPhone(email, { line: { iccid, enabled: status === 'connected', installedAt: hourAgo, provider: 'org' } });
  }
  fake.org.markSeeded();
}
