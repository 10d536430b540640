import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { qrPng } from '../src/render/qrPng.js';
import { activationSheetPdf, type ActivationSheet } from '../src/render/documents/activationSheetPdf.js';

const CREATED = new Date('2025-01-01T00:00:00Z');
const DEJAVU = '/usr/share/fonts/truetype/dejavu/';

async function sampleSheet(): Promise<ActivationSheet> {
  return {
    title: 'Your Webex Go business line',
    intro:
      'Scan the QR code with your phone to add your Webex Go line. The code works once and expires on 1 March 2025. ' +
      'Your phone must be unlocked, dual-SIM and eSIM-capable (iOS 15.4+, Android 13+).',
    qrPng: await qrPng('LPA:1$SMDP.EXAMPLE.COM$04386-AGYFT-A74Y8-3F815'),
    fields: [
      { label: 'SM-DP+ address', value: 'SMDP.EXAMPLE.COM' },
      { label: 'Activation code (iPhone)', value: '04386-AGYFT-A74Y8-3F815' },
      { label: 'Network provider code (Android)', value: '1$SMDP.EXAMPLE.COM$04386-AGYFT-A74Y8-3F815' },
    ],
    sections: [
      {
        heading: 'iPhone',
        steps: [
          'Open Settings, then Cellular.',
          'Tap Add Cellular Plan.',
          'Scan the QR code above, or tap Enter Details Manually and type the SM-DP+ address and the activation code.',
          'Follow the prompts and choose a label for the new line, for example "Business".',
          'Make sure 4G/LTE and VoLTE are on: calls need them.',
        ],
      },
      {
        heading: 'Samsung Galaxy',
        steps: [
          'Open Settings, then Connections, then SIM manager.',
          'Tap Add mobile plan.',
          'Tap Scan carrier QR code and scan the QR code above, or enter the network provider code by hand.',
          'Confirm, and wait until the carrier name "Webex" appears.',
          'Turn on VoLTE calls for the new line.',
        ],
      },
      {
        heading: 'Google Pixel',
        steps: [
          'Open Settings, then Network & internet.',
          'Tap + next to SIMs, then Download a SIM instead?',
          'Scan the QR code above; if scanning fails, tap Need help and enter the network provider code.',
          'Follow the prompts until the carrier name "Webex" appears.',
          'Turn on 4G/LTE and VoLTE calling for the new line.',
        ],
      },
    ],
    footer: 'Keep this sheet private: the code works once, for whoever has it. Questions? Ask your Webex administrator.',
  };
}

/** The text lines of an uncompressed PDF written with the standard (WinAnsi) fonts. */
function pdfLines(pdf: Buffer): string[] {
  const content = pdf.toString('latin1');
  return [...content.matchAll(/\[((?:<[0-9a-f]*>|\s|-?[\d.]+)*)\] TJ/g)].map((match) =>
    [...match[1].matchAll(/<([0-9a-f]*)>/g)].map((hex) => Buffer.from(hex[1], 'hex').toString('latin1')).join(''),
  );
}

/** The text as it flows, line ends read as spaces, for texts that wrap. */
function flowingText(pdf: Buffer): string {
  return pdfLines(pdf).join(' ').replace(/\s+/g, ' ');
}

function pageCount(pdf: Buffer): number {
  return pdf.toString('latin1').match(/\/Type \/Page\b(?!s)/g)?.length ?? 0;
}

describe('activation sheet PDF', () => {
  it('is one A4 page with the QR image drawn once', async () => {
    const pdf = await activationSheetPdf(await sampleSheet(), { compress: false, creationDate: CREATED });
    const text = pdf.toString('latin1');
    assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
    assert.equal(pageCount(pdf), 1);
    assert.match(text, /\/MediaBox \[0 0 595\.28 841\.89\]/);
    assert.equal(text.match(/\/I\d+ Do/g)?.length, 1);
    assert.match(text, /\/Subtype \/Image[\s\S]*?\/Width 400[\s\S]*?\/Height 400/);
    // 6 cm = 170.08 pt: the image is drawn with that scale.
    assert.match(text, /170\.0787\d* 0 0 -170\.0787\d* [\d.]+ [\d.]+ cm\s*\/I\d+ Do/);
  });

  it('prints every field value whole on one line, and all of the caller text', async () => {
    const sheet = await sampleSheet();
    const pdf = await activationSheetPdf(sheet, { compress: false, creationDate: CREATED });
    const lines = pdfLines(pdf);
    for (const field of sheet.fields) {
      assert.ok(lines.includes(field.value), `value ${field.value} on one line`);
      assert.ok(lines.includes(field.label), `label ${field.label}`);
    }
    const flowing = flowingText(pdf);
    for (const text of [sheet.title, sheet.intro, sheet.footer!, ...sheet.sections.flatMap((s) => [s.heading, ...s.steps])]) {
      assert.ok(flowing.includes(text), `printed: ${text}`);
    }
  });

  it('prints no text of its own besides the step numbers', async () => {
    const sheet = await sampleSheet();
    const lines = pdfLines(await activationSheetPdf(sheet, { compress: false, creationDate: CREATED }));
    const given = [sheet.title, sheet.intro, sheet.footer!, ...sheet.fields.flatMap((f) => [f.label, f.value]),
      ...sheet.sections.flatMap((s) => [s.heading, ...s.steps])].join('\n');
    for (const line of lines) {
      assert.ok(/^\d+\.$/.test(line) || given.includes(line), `unexpected text: ${line}`);
    }
    assert.deepEqual(lines.filter((line) => /^\d+\.$/.test(line)), ['1.', '2.', '3.', '4.', '5.', '1.', '2.', '3.', '4.', '5.', '1.', '2.', '3.', '4.', '5.']);
  });

  it('gives the same bytes for the same sheet and creation date', async () => {
    const sheet = await sampleSheet();
    const first = await activationSheetPdf(sheet, { creationDate: CREATED });
    const second = await activationSheetPdf(sheet, { creationDate: CREATED });
    assert.ok(first.equals(second));
    assert.ok(first.length < 30_000, `${first.length} bytes`);
  });

  it('runs onto a second page rather than cutting text when the steps are many', async () => {
    const sheet = await sampleSheet();
    const long = { ...sheet, sections: [...sheet.sections, ...sheet.sections, ...sheet.sections] };
    const pdf = await activationSheetPdf(long, { compress: false, creationDate: CREATED });
    assert.equal(pageCount(pdf), 2);
    const flowing = flowingText(pdf);
    assert.equal(flowing.split(sheet.sections[2].steps[4]).length - 1, 3);
  });

  it('rejects an image that is not a PNG or JPEG', async () => {
    const sheet = { ...(await sampleSheet()), qrPng: Buffer.from('not an image') };
    await assert.rejects(activationSheetPdf(sheet, { creationDate: CREATED }));
  });

  it('embeds TrueType fonts when given, for text beyond Latin-1', async function () {
    const files = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVuSansMono-Bold.ttf'].map((file) => DEJAVU + file);
    if (!files.every((file) => existsSync(file))) this.skip();
    const [regular, bold, code] = files;
    const sheet = { ...(await sampleSheet()), title: 'Webex Go за Łukasz → Иванов' };
    const pdf = await activationSheetPdf(sheet, { compress: false, creationDate: CREATED, fonts: { regular, bold, code } });
    const text = pdf.toString('latin1');
    assert.equal(pageCount(pdf), 1);
    assert.equal(text.match(/\/FontFile2/g)?.length, 3);
    for (const codePoint of ['0141', '2192', '0418']) assert.match(text, new RegExp(`<${codePoint}>`, 'i'));
  });
});
