import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateCard } from './support/cardValidator.js';
import { escapeMarkdown } from '../src/render/cards/escape.js';
import { CARDS_DIR, cardTemplateNames, renderCard } from '../src/render/cards/renderCard.js';

// What a CommonMark renderer shows for backslash escapes: the escaped character itself.
function commonMarkUnescape(markdown: string): string {
  return markdown.replace(/\\([!-/:-@[-`{-~])/g, '$1');
}

function textBlocks(card: unknown): string[] {
  if (Array.isArray(card)) return card.flatMap(textBlocks);
  if (typeof card !== 'object' || card === null) return [];
  const own = 'type' in card && card.type === 'TextBlock' && 'text' in card ? [String(card.text)] : [];
  return [...own, ...Object.values(card).flatMap(textBlocks)];
}

describe('card templates', () => {
  it('are found in cards/', () => {
    assert.ok(cardTemplateNames().includes('device'));
  });

  for (const name of cardTemplateNames()) {
    describe(`cards/${name}.json`, () => {
      const samplesFile = join(CARDS_DIR, 'samples', `${name}.json`);

      it('has sample data in cards/samples/', () => {
        assert.ok(existsSync(samplesFile), `missing ${samplesFile}`);
      });
      if (!existsSync(samplesFile)) return;

      const parsed: unknown = JSON.parse(readFileSync(samplesFile, 'utf8'));
      const samples = Array.isArray(parsed) ? parsed : [parsed];
      samples.forEach((sample: object, index) => {
        it(`renders sample ${index + 1} of ${samples.length} as a card Webex accepts`, () => {
          assert.deepEqual(validateCard(renderCard(name, sample)), []);
        });
      });
    });
  }
});

describe('renderCard', () => {
  const sample = JSON.parse(readFileSync(join(CARDS_DIR, 'samples', 'device.json'), 'utf8'))[0] as Record<string, unknown> & {
    raw: Record<string, unknown>;
  };
  const emailBlock = (card: unknown) => textBlocks(card)[2];

  it('shows markdown typed by a user literally', () => {
    const email = '*Bob* [x](https://evil)';
    const card = renderCard('device', { ...sample, email });
    assert.equal(emailBlock(card), '\\*Bob\\* \\[x\\](https://evil)');
    assert.equal(commonMarkUnescape(emailBlock(card)), email);
    assert.deepEqual(validateCard(card), []);
  });

  it('does not expand template syntax in data', () => {
    const card = renderCard('device', { ...sample, email: '${secret}', secret: 'leaked', raw: { ...sample.raw, email: '${secret}' } });
    assert.equal(commonMarkUnescape(emailBlock(card)), '${secret}');
    assert.ok(!JSON.stringify(card).includes('leaked'));
    const submit = (card.actions as Record<string, unknown>[])[0] as { data: Record<string, string> };
    assert.equal(submit.data.args, '${secret}');
  });

  it('leaves values under raw unescaped', () => {
    const card = renderCard('device', { ...sample, raw: { ...sample.raw, deviceId: 'dev_1*[x]' } });
    const submit = (card.actions as Record<string, unknown>[])[0];
    assert.deepEqual(submit.data, { command: 'code', args: 'alice@example.com', deviceId: 'dev_1*[x]', version: '2026-11-26T09:00:00.000Z' });
  });

  it('does not change the data it is given', () => {
    const data = structuredClone(sample);
    renderCard('device', data);
    assert.deepEqual(data, sample);
  });

  it('throws on an unbound field, naming the template, the field and where it is', () => {
    const { since: _omitted, ...withoutSince } = sample;
    assert.throws(() => renderCard('device', withoutSince), /card template "device" has unbound fields: \$\{since\} at body\[4\]\.facts\[0\]\.value/);
  });

  it('throws on an unknown or invalid template name', () => {
    assert.throws(() => renderCard('no-such-card', {}), /cannot load card template .*no-such-card\.json/);
    assert.throws(() => renderCard('../package', {}), /invalid card template name/);
  });
});

describe('escapeMarkdown', () => {
  const nasty = [
    '*bold* _italic_ **strong** __strong__ ~~struck~~',
    '[link](https://evil.example) ![img](https://evil.example/x.png) <https://evil.example>',
    '`code` and ``code``',
    '# heading\n> quote\n- item\n+ item\n* item\n1. first\n2) second\n---\n===',
    'back\\slash \\*already escaped\\*',
    'AT&T &amp; &#42; | a | b |',
    '${secret} {{DATE(2025-01-01)}}',
  ];

  it('renders every markdown construct as the literal text', () => {
    for (const text of nasty) assert.equal(commonMarkUnescape(escapeMarkdown(text)), text);
  });

  it('leaves no unescaped markup character behind', () => {
    for (const text of nasty) {
      const escaped = escapeMarkdown(text).replace(/\\[!-/:-@[-`{-~]/g, 'x');
      assert.doesNotMatch(escaped, /[*_`[\]~<{}|]|&[#a-z0-9]+;|^[ \t]*([#>]|[-+](\s|$)|\d+[.)](\s|$)|[-=]+$)/m, text);
    }
  });

  it('drops leading whitespace, which would start a code block', () => {
    assert.equal(escapeMarkdown('    indented\n\t  - item'), 'indented\n\\- item');
  });

  it('leaves ordinary text alone', () => {
    for (const text of ['Alice O\'Brien', '+1 (408) 555-0142', 'alice@example.com', 'Pending activation', '1.5 GB', 'Settings → Cellular', 'AT&T']) {
      assert.equal(escapeMarkdown(text), text);
    }
  });
});
