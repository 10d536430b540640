/** The simulated org's devices through their life: Control Hub's actions and a phone's. */
import assert from 'node:assert/strict';
import { parseActivationCode } from '../../src/domain/activationCode.js';
import { SimulatedOrg, type OrgChange } from '../../src/localwebex/org/simulatedOrg.js';

describe('simulated org', () => {
  let now = Date.parse('2026-12-01T10:00:00Z');
  const org = () => new SimulatedOrg({ activatingMs: 0, now: () => now, smdpAddress: 'smdp.org.example.com' });

  it('add → code → redeem → connected; off → disconnected; on → connected', () => {
    const o = org();
    const device = o.addDevice('p1', 'Alice Andersen');
    assert.deepEqual([device.connectionStatus, device.activationState], ['activating', 'activating']);
    const code = o.generateCode(device.id);
    assert.deepEqual(parseActivationCode(code.activationCode), { smdpAddress: 'smdp.org.example.com', matchingId: code.matchingId, confirmationCodeRequired: false });
    assert.ok(o.issues(code.activationCode));
    assert.ok(!o.issues('LPA:1$smdp.webexgo.example.com$ABCDE-FGHIJ'));
    const { iccid } = o.redeem(code.activationCode);
    assert.deepEqual([device.connectionStatus, device.activationState, device.iccid], ['connected', 'activated', iccid]);
    assert.equal(o.phoneEvent(iccid, 'disabled').connectionStatus, 'disconnected');
    assert.equal(o.phoneEvent(iccid, 'enabled').connectionStatus, 'connected');
  });

  it('a new code invalidates the earlier one; a used code is refused', () => {
    const o = org();
    const device = o.addDevice('p1', 'Alice');
    const first = o.generateCode(device.id);
    const second = o.generateCode(device.id);
    assert.throws(() => o.redeem(first.activationCode), { status: 410, reason: 'invalidated' });
    o.redeem(second.activationCode);
    assert.throws(() => o.redeem(second.activationCode), { status: 409, reason: 'used' });
    assert.throws(() => o.generateCode(device.id), { status: 409 });
  });

  it('an expired code is refused', () => {
    const o = new SimulatedOrg({ activatingMs: 0, now: () => now, codeTtlDays: 1 });
    const code = o.generateCode(o.addDevice('p1', 'Alice').id);
    now += 2 * 24 * 60 * 60_000;
    assert.throws(() => o.redeem(code.activationCode), { status: 410, reason: 'expired' });
  });

  it('Lost/stolen cuts the line off and needs a new code; delete frees the license', () => {
    const o = org();
    const changes: OrgChange[] = [];
    o.on('change', (c) => changes.push(c));
    const device = o.addDevice('p1', 'Alice');
    const { iccid } = o.redeem(o.generateCode(device.id).activationCode);
    o.markLost(device.id);
    assert.deepEqual([device.connectionStatus, device.activationState], ['activating', 'deactivated']);
    assert.ok(changes.some((c) => c.kind === 'revoked' && c.iccid === iccid && c.personId === 'p1'));
    assert.throws(() => o.phoneEvent(iccid, 'enabled'), { reason: 'revoked' });
    const second = o.redeem(o.generateCode(device.id).activationCode);
    const used = o.licenses().find((l) => l.name === 'Webex Go')!.consumedUnits;
    o.deleteDevice(device.id);
    assert.equal(o.licenses().find((l) => l.name === 'Webex Go')!.consumedUnits, used - 1);
    assert.ok(changes.some((c) => c.kind === 'revoked' && c.iccid === second.iccid));
  });

  it('one device a person, and no more devices than licenses', () => {
    const o = org();
    o.setWebexGoLicenses(1);
    o.addDevice('p1', 'Alice');
    assert.throws(() => o.addDevice('p1', 'Alice'), { status: 409 });
    assert.throws(() => o.addDevice('p2', 'Bob'), /No Webex Go license/);
  });

  it('a snapshot restores the devices, the pool and the spent codes', () => {
    const o = org();
    o.setWebexGoLicenses(3);
    const device = o.addDevice('p1', 'Alice', { connectionStatus: 'unknown' });
    const replaced = o.generateCode(device.id);
    o.generateCode(device.id);
    o.markSeeded();
    const text = JSON.stringify(o.snapshot());
    assert.ok(!text.includes(replaced.matchingId), 'a spent code is kept only as a hash');
    const restored = new SimulatedOrg({ snapshot: JSON.parse(text) });
    assert.deepEqual(restored.devices(), o.devices());
    assert.deepEqual(restored.licenses(), o.licenses());
    assert.equal(restored.seeded, true);
    assert.throws(() => restored.redeem(replaced.activationCode), { reason: 'invalidated' });
  });
});
