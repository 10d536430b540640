import assert from 'node:assert/strict';
import { crossCheck } from '../../src/calls/crossCheck.js';
import { analyse, fixture, ok } from './helpers.js';

describe('calls: cross-check with the device store', () => {
  it('finds calls by users without a device, by devices not Online, and silent Online devices', async () => {
    // summary.csv: Webex Go calls by alice (3), bob (1), carol (1).
    const { summary } = ok((await analyse(fixture('summary.csv'))).result);
    const check = crossCheck(summary, [
      { email: 'Alice@Example.com', status: 'online' },
      { email: 'bob@example.com', status: 'pending' },
      { email: 'zoe@example.com', status: 'online' },
      { email: 'yan@example.com', status: 'offline' },
      { email: 'xia@example.com', status: 'online' },
    ]);
    assert.deepEqual(check, {
      callsByUsersWithoutDevice: [{ user: 'carol@example.com', email: 'carol@example.com', calls: 1 }],
      callsByUsersWithDeviceNotOnline: [{ user: 'bob@example.com', email: 'bob@example.com', calls: 1, status: 'pending' }],
      onlineDevicesWithoutCalls: ['xia@example.com', 'zoe@example.com'],
      unmatchedUsers: [],
      complete: true,
    });
  });

  it('matches by email only, and says when names leave the check incomplete', () => {
    const check = crossCheck(
      {
        users: [
          { user: 'Ann Lee', email: 'ann@example.com', calls: 4 },
          { user: 'Bo Ek', calls: 2 },
        ],
      },
      [
        { email: 'ann@example.com', status: 'online' },
        { email: 'bo@example.com', status: 'online' },
      ],
    );
    assert.deepEqual(check.callsByUsersWithoutDevice, []);
    assert.deepEqual(check.unmatchedUsers, [{ user: 'Bo Ek', calls: 2 }]);
    assert.deepEqual(check.onlineDevicesWithoutCalls, ['bo@example.com']);
    assert.equal(check.complete, false);
  });

  it('has nothing to say about an empty store or an empty history', () => {
    assert.deepEqual(crossCheck({ users: [] }, []), {
      callsByUsersWithoutDevice: [],
      callsByUsersWithDeviceNotOnline: [],
      onlineDevicesWithoutCalls: [],
      unmatchedUsers: [],
      complete: true,
    });
    assert.deepEqual(crossCheck({ users: [] }, [{ email: 'a@example.com', status: 'online' }]).onlineDevicesWithoutCalls, ['a@example.com']);
  });
});
