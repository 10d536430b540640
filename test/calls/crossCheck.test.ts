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
      unresolvedDevices: [],
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

  it('matches the API example records by person UUID: names in User, a person on two devices, unknown people, records naming nobody', async () => {
    // api-records.json: John Andersen (User UUID 47f0d0c2…) 2 Webex Go calls and a desk phone call,
    // Maria Lopez (no device here) 1, Ana Silva 1 by Device owner UUID only, 1 record naming nobody.
    const { summary } = ok((await analyse(fixture('api-records.json'))).result);
    const john = '47f0d0c2-f05a-44cc-870d-7a3daf859c6c';
    const ana = '6e7f8091-ab2c-4d3e-9f40-516273849506';
    const check = crossCheck(summary, [
      { email: 'john.andersen@example.com', status: 'online', personUuid: john },
      { email: 'ana.silva@example.com', status: 'offline', personUuid: ana },
      { email: 'idle@example.com', status: 'online', personUuid: '00000000-0000-4000-8000-000000000001' },
      { email: 'ghost@example.com', status: 'online' },
    ]);
    assert.deepEqual(check, {
      callsByUsersWithoutDevice: [{ user: 'Maria Lopez', uuid: '5d6e7f80-9a1b-4c2d-8e3f-405162738495', calls: 1 }],
      callsByUsersWithDeviceNotOnline: [{ user: 'Ana Silva', uuid: ana, calls: 1, status: 'offline' }],
      onlineDevicesWithoutCalls: ['idle@example.com'],
      unmatchedUsers: [{ user: '(unknown user)', calls: 1 }],
      unresolvedDevices: ['ghost@example.com'],
      complete: false,
    });
    assert.deepEqual(summary.topUsers[0], { user: 'John Andersen', uuid: john, calls: 2 });
  });

  it('has nothing to say about an empty store or an empty history', () => {
    assert.deepEqual(crossCheck({ users: [] }, []), {
      callsByUsersWithoutDevice: [],
      callsByUsersWithDeviceNotOnline: [],
      onlineDevicesWithoutCalls: [],
      unmatchedUsers: [],
      unresolvedDevices: [],
      complete: true,
    });
    assert.deepEqual(crossCheck({ users: [] }, [{ email: 'a@example.com', status: 'online' }]).onlineDevicesWithoutCalls, ['a@example.com']);
  });
});
