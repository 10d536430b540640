/** A person's Webex `preferredLanguage` (org mode): how it maps, and where it stands between their own choice and DEFAULT_LANGUAGE. */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createBuiltinEsimProvider } from '../../src/esim/builtinProvider.js';
import type { ListedDevice } from '../../src/domain/org.js';
import { WebexGoService } from '../../src/domain/service.js';
import { languageFromWebex } from '../../src/domain/types.js';
import { openDomain, type DomainHarness } from '../support/domain.js';

describe("a person's Webex language", () => {
  describe('maps its primary subtag, any case, to a language the bot writes in', () => {
    for (const [value, language] of [
      ['bg_BG', 'bg'],
      ['bg-BG', 'bg'],
      ['bg', 'bg'],
      ['BG_bg', 'bg'],
      [' en_US ', 'en'],
      ['en-GB', 'en'],
      ['EN', 'en'],
      ['fr_FR', undefined],
      ['bgr', undefined],
      ['', undefined],
      [undefined, undefined],
    ] as const) {
      it(`${JSON.stringify(value)} → ${language ?? 'no preference'}`, () => assert.equal(languageFromWebex(value), language));
    }
  });

  describe('comes between the choice and DEFAULT_LANGUAGE', () => {
    let h: DomainHarness;
    beforeEach(async () => {
      h = await openDomain();
    });
    afterEach(() => h.close());

    const withDefault = (defaultLanguage: 'en' | 'bg') =>
      new WebexGoService({ repo: h.repo, clock: h.clock.read, esim: createBuiltinEsimProvider(), newId: randomUUID, defaultLanguage });
    const orgDevice = (email: string, preferredLanguage?: string): ListedDevice => ({
      id: `go-${email}`,
      email,
      status: 'online',
      org: { personId: `person-${email}`, connectionStatus: 'connected', ...(preferredLanguage ? { preferredLanguage } : {}), languageReadAt: '2026-11-26T09:00:00.000Z' },
    });

    it('Webex says Bulgarian and the person chose nothing: Bulgarian, from Webex; their choice then wins', async () => {
      await h.service.applyOrgListing([orgDevice('ivan@example.com', 'bg_BG')], { kind: 'complete' });
      assert.deepEqual(h.service.languageSourceOf({ person: 'Ivan@Example.com' }), { language: 'bg', source: 'webex' });
      assert.equal(h.service.languageOf({ person: 'ivan@example.com' }), 'bg');
      await h.service.setPersonLanguage('ivan@example.com', 'en');
      assert.deepEqual(h.service.languageSourceOf({ person: 'ivan@example.com' }), { language: 'en', source: 'chosen' });
    });

    it('Webex says a language the bot does not write in, or none: DEFAULT_LANGUAGE', async () => {
      await h.service.applyOrgListing([orgDevice('marie@example.com', 'fr_FR'), orgDevice('nobody@example.com')], { kind: 'complete' });
      const bg = withDefault('bg');
      assert.deepEqual(bg.languageSourceOf({ person: 'marie@example.com' }), { language: 'bg', source: 'default' });
      assert.deepEqual(bg.languageSourceOf({ person: 'nobody@example.com' }), { language: 'bg', source: 'default' });
      assert.deepEqual(h.service.languageSourceOf({ person: 'marie@example.com' }), { language: 'en', source: 'default' });
    });

    it('Webex says English, DEFAULT_LANGUAGE is bg: English; a space or someone without an org device reads DEFAULT_LANGUAGE', async () => {
      await h.service.applyOrgListing([orgDevice('ann@example.com', 'en_US')], { kind: 'complete' });
      const bg = withDefault('bg');
      assert.equal(bg.languageOf({ person: 'ann@example.com' }), 'en');
      assert.equal(bg.languageOf({ person: 'stranger@example.com' }), 'bg');
      assert.equal(bg.languageOf({ space: 'a-space' }), 'bg');
    });
  });
});
