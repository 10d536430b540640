import assert from 'node:assert/strict';
import { TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { IntlMessageFormat } from 'intl-messageformat';
import { LANGUAGES } from '../../src/domain/types.js';
import { formatCount, formatDate, formatDateTime } from '../../src/render/format.js';
import { CATALOGUES, translate, type MessageKey } from '../../src/render/i18n/translate.js';

/** Every placeholder a message fills in (plural counts and, in install steps, `<ui>` tags included), sorted. */
function placeholders(message: string, tags = false): string[] {
  const names = new Set<string>();
  const walk = (elements: MessageFormatElement[]) => {
    for (const el of elements) {
      if (el.type === TYPE.literal || el.type === TYPE.pound) continue;
      names.add(`${el.type === TYPE.tag ? '<>' : ''}${el.value}`);
      if (el.type === TYPE.plural || el.type === TYPE.select) for (const option of Object.values(el.options)) walk(option.value);
      if (el.type === TYPE.tag) walk(el.children);
    }
  };
  walk(new IntlMessageFormat(message, 'en', undefined, { ignoreTag: !tags }).getAst());
  return [...names].sort();
}

describe('the en and bg catalogues', () => {
  const keys = (lang: (typeof LANGUAGES)[number]) => Object.keys(CATALOGUES[lang]).sort();

  it('have the same keys', () => {
    for (const lang of LANGUAGES) {
      const missing = keys('en').filter((k) => !(k in CATALOGUES[lang]));
      const extra = keys(lang).filter((k) => !(k in CATALOGUES.en));
      assert.deepEqual({ lang, missing, extra }, { lang, missing: [], extra: [] });
    }
  });

  it('fill in the same placeholders in every message', () => {
    const differ = (Object.keys(CATALOGUES.en) as MessageKey[]).filter(
      (key) => {
        const tags = key.startsWith('step.');
        return LANGUAGES.some((lang) => placeholders(CATALOGUES[lang][key], tags).join() !== placeholders(CATALOGUES.en[key], tags).join());
      },
    );
    assert.deepEqual(differ, []);
  });

  it('a checker that would catch a missing key or a renamed placeholder', () => {
    assert.notDeepEqual(placeholders('{email} went {status}'), placeholders('{mail} премина в {status}'));
    assert.deepEqual(placeholders('{n, plural, one {# устройство} other {# устройства}}'), ['n']);
    assert.notDeepEqual(placeholders('Open <ui>Settings</ui>', true), placeholders('Отворете Settings', true));
  });

  it('bg translates every sentence: no message is left as its English', () => {
    // Product and phone names, and what a phone shows on screen, read the same in both.
    const sameInBoth = new Set(['guide.android', 'status.online', 'status.offline']);
    // A message of placeholders and punctuation only has nothing to translate.
    const hasWords = (message: string) => /\p{L}/u.test(message.replace(/\{[^}]*\}/g, ''));
    const untranslated = (Object.keys(CATALOGUES.en) as MessageKey[]).filter(
      (k) => !sameInBoth.has(k) && hasWords(CATALOGUES.en[k]) && CATALOGUES.bg[k] === CATALOGUES.en[k],
    );
    assert.deepEqual(untranslated, []);
  });

  it('bg uses the seed\'s words for statuses and codes', () => {
    assert.equal(translate('bg', 'status.pending'), 'В очакване на активиране');
    assert.equal(translate('bg', 'status.online'), 'Онлайн');
    assert.equal(translate('bg', 'status.offline'), 'Офлайн');
    assert.match(translate('bg', 'field.code'), /^Код за активиране/);
    assert.match(translate('bg', 'field.smdp'), /^SM-DP\+ адрес/);
    assert.match(translate('bg', 'field.npc'), /^Код на мрежов доставчик/);
  });

  it('plurals follow CLDR: Bulgarian one/other, English one/other', () => {
    assert.equal(translate('bg', 'count.devices', { n: 1 }), '1 устройство');
    assert.equal(translate('bg', 'count.devices', { n: 2 }), '2 устройства');
    assert.equal(translate('bg', 'count.devices', { n: 0 }), '0 устройства');
    assert.equal(translate('bg', 'count.minutes', { n: 1 }), '1 минута');
    assert.equal(translate('bg', 'count.minutes', { n: 1500 }), '1500 минути');
    assert.equal(translate('en', 'count.devices', { n: 1 }), '1 device');
    assert.equal(translate('en', 'count.devices', { n: 1500 }), '1,500 devices');
  });

  it('dates and numbers are formatted with Intl for the locale', () => {
    assert.equal(formatDate('2027-03-01T09:00:00.000Z', 'bg'), '1 март 2027 г.');
    assert.equal(formatDate('2027-03-01T23:30:00.000Z', 'bg'), '1 март 2027 г.', 'in UTC, whatever the machine');
    assert.equal(formatDate('2027-03-01T09:00:00.000Z', 'en'), '2027-03-01');
    assert.equal(formatDateTime('2027-03-01T09:05:00.000Z', 'bg'), '1 март 2027 г., 09:05 UTC');
    assert.equal(formatCount(1234567, 'bg'), '1\u00a0234\u00a0567');
    assert.equal(formatCount(1234567, 'en'), '1,234,567');
  });

  it('no Bulgarian sentence ends on a date: "г." is the date\'s own period', () => {
    const endsOnDate = (Object.keys(CATALOGUES.bg) as MessageKey[]).filter((k) => /\{date\}\**\./.test(CATALOGUES.bg[k]));
    assert.deepEqual(endsOnDate, []);
    assert.equal(
      translate('bg', 'user.expired', { date: formatDate('2027-03-01', 'bg') }),
      'На 1 март 2027 г. кодът ви за активиране на Webex Go изтече. Поискайте нов от администратора на Webex.',
    );
  });
});
