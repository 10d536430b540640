import assert from 'node:assert/strict';
import { escapeHtml, renderActivation, renderLineDeleted } from '../../src/render/documents/activationEmail.js';
import { DETAILS } from './helpers.js';
import { mailText } from '../../src/render/messages/mailText.js';
import { removeLineGuides, stepText } from '../../src/render/messages/installSteps.js';

const MAIL_TEXT = mailText('en');
const REMOVE_LINE_GUIDES = removeLineGuides('en');

describe('mail: rendering', () => {
  it('escapes every interpolated value, the QR cid included', () => {
    const hostile = {
      ...DETAILS,
      email: `x"'<b>@example.com`,
      smdpAddress: 'smdp.example.com"><script>alert(1)</script>',
      matchingId: '<i>M&M</i>',
      networkProviderCode: `LPA:1$'onmouseover='x`,
      expiresAt: '<2026>-01-01',
    };
    const { html, text } = renderActivation(hostile, 'assign', 'qr"><svg onload=x>@webex-go', 'en');
    assert.ok(!html.includes('<script'), 'no injected script');
    assert.ok(!html.includes('<svg'), 'the cid cannot break out of the src attribute');
    assert.ok(!html.includes('<b>') && !html.includes('<i>'), 'no injected markup');
    assert.ok(!html.includes(`'onmouseover='`));
    assert.ok(html.includes('smdp.example.com&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(html.includes('&lt;i&gt;M&amp;M&lt;/i&gt;'));
    assert.ok(html.includes('For x&quot;&#39;&lt;b&gt;@example.com.'));
    assert.ok(html.includes('<img src="cid:qr&quot;&gt;&lt;svg onload=x&gt;@webex-go"'));
    assert.ok(text.includes('<i>M&M</i>'), 'the text part is not HTML and stays as is');
  });

  it('escapeHtml covers the five HTML specials', () => {
    assert.equal(escapeHtml(`&<>"'`), '&amp;&lt;&gt;&quot;&#39;');
    assert.equal(escapeHtml('plain → text'), 'plain → text');
  });

  it('each kind has its own subject and heading; only lost/stolen speaks of the old phone', () => {
    const kinds = ['assign', 'new-code', 'lost-stolen'] as const;
    const subjects = new Set(kinds.map((kind) => renderActivation(DETAILS, kind, 'c@x', 'en').subject));
    assert.equal(subjects.size, 3);
    for (const kind of kinds) {
      const { html, text } = renderActivation(DETAILS, kind, 'c@x', 'en');
      assert.ok(html.includes(`<h1 style="font-size:22px;line-height:1.3;margin:0 0 16px;">${escapeHtml(MAIL_TEXT.heading[kind])}</h1>`));
      assert.equal(/old phone/.test(text), kind === 'lost-stolen', kind);
      assert.ok(text.includes(DETAILS.matchingId));
    }
  });

  it('the deletion email has no code and both parts', () => {
    const { subject, html, text } = renderLineDeleted('en');
    assert.equal(subject, MAIL_TEXT.deleted.subject);
    assert.ok(html.includes(escapeHtml(MAIL_TEXT.deleted.removeIntro)));
    for (const guide of REMOVE_LINE_GUIDES) {
      for (const step of guide.steps) {
        assert.ok(html.replace(/<[^>]+>/g, '').includes(escapeHtml(stepText(step))));
        assert.ok(text.includes(`1. ${stepText(step)}`));
      }
    }
  });
});
