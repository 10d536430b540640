import type { FakeWebex } from '../fakeWebex.js';
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
