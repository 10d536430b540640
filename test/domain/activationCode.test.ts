import assert from 'node:assert/strict';
import { formatActivationCode, parseActivationCode, qrPayload } from '../../src/domain/activationCode.js';
import { isIccid, luhnCheckDigit } from '../../src/domain/iccid.js';
import { createBuiltinEsimProvider } from '../../src/esim/builtinProvider.js';

describe('eSIM activation codes (SGP.22 grammar)', () => {
  it('reads the forms the grammar allows', () => {
    assert.deepEqual(parseActivationCode('LPA:1$SMDP.EXAMPLE.COM$04386-AGYFT-A74Y8-3F815'), {
      smdpAddress: 'SMDP.EXAMPLE.COM',
      matchingId: '04386-AGYFT-A74Y8-3F815',
      confirmationCodeRequired: false,
    });
    assert.deepEqual(parseActivationCode('1$SMDP.EXAMPLE.COM$04386-AGYFT-A74Y8-3F815$$1'), {
      smdpAddress: 'SMDP.EXAMPLE.COM',
      matchingId: '04386-AGYFT-A74Y8-3F815',
      confirmationCodeRequired: true,
    });
    assert.equal(parseActivationCode('1$smdp.example.com$ABC$1.3.6.1.4.1.31746')?.smdpOid, '1.3.6.1.4.1.31746');
  });

  it('refuses what is not an activation code', () => {
    for (const bad of ['', '1$', '1$SMDP.EXAMPLE.COM', '2$SMDP.EXAMPLE.COM$ABC', '1$https://x.com$ABC', '1$SMDP.EXAMPLE.COM$abc', '1$SMDP.EXAMPLE.COM$ABC$$2', '1$SMDP.EXAMPLE.COM$ABC$', 'LPA:1$-bad.com$ABC']) {
      assert.equal(parseActivationCode(bad), undefined, bad);
    }
  });

  it('writes codes back in the same grammar', () => {
    const code = { smdpAddress: 'SMDP.EXAMPLE.COM', matchingId: '04386-AGYFT-A74Y8-3F815', confirmationCodeRequired: true };
    assert.equal(formatActivationCode(code), '1$SMDP.EXAMPLE.COM$04386-AGYFT-A74Y8-3F815$$1');
    assert.deepEqual(parseActivationCode(qrPayload(code)), code);
  });
});

describe('built-in eSIM provider', () => {
  const provider = createBuiltinEsimProvider();

  it('draws Matching IDs of four groups of five from 0-9A-Z, all different', () => {
    const ids = new Set(Array.from({ length: 2000 }, () => provider.newMatchingId()));
    assert.equal(ids.size, 2000);
    for (const id of ids) assert.match(id, /^[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}$/);
  });

  it('issues ICCIDs starting 89 with a valid Luhn check digit', () => {
    for (let i = 0; i < 200; i++) {
      const iccid = provider.newIccid();
      assert.match(iccid, /^89[0-9]{18}$/);
      assert.ok(isIccid(iccid));
    }
    assert.equal(luhnCheckDigit('8901410321111851072'), 0);
    assert.ok(isIccid('89014103211118510720'));
    assert.ok(!isIccid('89014103211118510721'));
  });
});
