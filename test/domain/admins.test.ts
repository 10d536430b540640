import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { WebexGoService } from '../../src/domain/service.js';
import { createBuiltinEsimProvider } from '../../src/esim/builtinProvider.js';
import { refusalMessage } from '../../src/render/messages/refusals.js';
import { isRefusal } from '../../src/domain/refusal.js';
import { openDomain, type DomainHarness } from '../support/domain.js';

const ADA = 'ada@example.com';
const TYPO = 'bbo@example.com';

describe('admins: nobody is ever locked out', () => {
  let domain: DomainHarness;
  afterEach(() => domain.close());

  const withBreakGlass = (breakGlassAdmins: string[]) =>
    new WebexGoService({ repo: domain.repo, clock: domain.clock.read, esim: createBuiltinEsimProvider(), newId: randomUUID, breakGlassAdmins });

  it('ADMIN_EMAILS always grants admin, even when the stored list holds only a typo', async () => {
    domain = await openDomain({}, [ADA]);
    await domain.service.addAdmin(ADA, TYPO);
    await domain.service.removeAdmin(ADA, ADA);
    assert.equal(domain.service.isAdmin(ADA), false, 'locked out without the break-glass');

    const service = withBreakGlass([ADA]);
    assert.equal(service.isAdmin(ADA), true);
    assert.deepEqual(service.admins(), [ADA, TYPO]);
    await service.removeAdmin(ADA, TYPO);
    assert.deepEqual(service.admins(), [ADA]);
  });

  it('an ADMIN_EMAILS admin cannot be removed from inside the bot, and says why', async () => {
    domain = await openDomain({}, [ADA, 'bob@example.com']);
    const service = withBreakGlass([ADA]);
    const refusal = await service.removeAdmin('bob@example.com', ADA).catch((e: unknown) => e);
    assert.ok(isRefusal(refusal));
    assert.equal(refusal.reason, 'break-glass-admin');
    assert.match(refusalMessage(refusal, 'en'), /ADMIN_EMAILS/);
    assert.ok(service.isAdmin(ADA));
  });

  it('adding someone who is already an admin through ADMIN_EMAILS is refused as already an admin', async () => {
    domain = await openDomain({}, ['bob@example.com']);
    const service = withBreakGlass([ADA]);
    const refusal = await service.addAdmin('bob@example.com', ADA).catch((e: unknown) => e);
    assert.ok(isRefusal(refusal) && refusal.reason === 'already-admin');
  });
});
