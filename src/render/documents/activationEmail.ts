/**
 * The emails as data: subject, HTML and plain text. Pure functions, no I/O. Every value put
 * into the HTML goes through escapeHtml; the wording comes from the message catalogue (the
 * activation facts, the install steps shared with the sheet and the Webex message, mailText), in
 * the reader's language.
 */
import type { ActivationDetails, IssueKind, Language } from '../../domain/types.js';
import { guideHeading, guidesText, installGuides, removeLineGuides, stepHtml, type Guide } from '../messages/installSteps.js';
import { mailText } from '../messages/mailText.js';
import { activationFields, sheetText } from '../messages/userText.js';

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Safe in element content and in quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

const FONT = "-apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";
const CODE_FONT = "ui-monospace, 'SF Mono', Menlo, Consolas, monospace";

function page(lang: Language, title: string, body: string[]): string {
  return [
    '<!DOCTYPE html>',
    `<html lang="${lang}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    '</head>',
    `<body style="margin:0;padding:0;background:#f4f5f7;">`,
    `<div style="max-width:600px;margin:0 auto;padding:24px 20px;background:#ffffff;color:#1d1d1f;font-family:${FONT};font-size:15px;line-height:1.5;">`,
    ...body,
    '</div>',
    '</body>',
    '</html>',
  ].join('\n');
}

const h1 = (text: string) => `<h1 style="font-size:22px;line-height:1.3;margin:0 0 16px;">${escapeHtml(text)}</h1>`;
const h2 = (text: string) => `<h2 style="font-size:17px;margin:24px 0 8px;">${escapeHtml(text)}</h2>`;
const h3 = (text: string) => `<h3 style="font-size:15px;margin:16px 0 4px;">${escapeHtml(text)}</h3>`;
const p = (text: string, style = '') => `<p style="margin:0 0 12px;${style}">${escapeHtml(text)}</p>`;
const guidesHtml = (guides: readonly Guide[]) =>
  guides.flatMap((g) => [
    h3(guideHeading(g)),
    `<ol style="margin:0 0 12px;padding-left:24px;">${g.steps.map((s) => `<li>${stepHtml(s, escapeHtml)}</li>`).join('')}</ol>`,
  ]);

/**
 * The activation email. `qrCid` is the Content-ID of the inline QR image (without `<>`).
 * Carries the activation code: never log what this returns.
 */
export function renderActivation(details: ActivationDetails, kind: IssueKind, qrCid: string, lang: Language): RenderedMail {
  const words = mailText(lang);
  const sheet = sheetText(lang);
  const subject = words.subject[kind];
  const fields = activationFields(details, lang);
  const intro = sheet.intro(details.email);

  const html = page(lang, subject, [
    h1(words.heading[kind]),
    p(words.lead[kind]),
    p(intro),
    `<p style="margin:16px 0;text-align:center;"><img src="cid:${escapeHtml(qrCid)}" width="240" height="240" alt="${escapeHtml(words.qrAlt)}" style="display:inline-block;width:240px;height:240px;border:0;"></p>`,
    p(words.sameDevice, 'color:#555;font-size:13px;text-align:center;'),
    h2(words.detailsHeading),
    '<table role="presentation" style="border-collapse:collapse;width:100%;margin:0 0 12px;">',
    ...fields.map(
      (f) =>
        `<tr><td style="padding:6px 12px 6px 0;color:#555;vertical-align:top;white-space:nowrap;">${escapeHtml(f.label)}</td>` +
        `<td style="padding:6px 0;font-family:${CODE_FONT};font-size:15px;word-break:break-all;"><strong>${escapeHtml(f.value)}</strong></td></tr>`,
    ),
    '</table>',
    h2(words.stepsHeading),
    ...guidesHtml(installGuides(lang)),
    p(sheet.footer, 'margin-top:20px;'),
    p(words.privacy, 'color:#666;font-size:13px;'),
  ]);

  const text = [
    words.heading[kind],
    words.lead[kind],
    intro,
    words.sameDevice,
    `${words.detailsHeading}:\n${fields.map((f) => `${f.label}: ${f.value}`).join('\n')}`,
    `${words.stepsHeading}:`,
    guidesText(installGuides(lang)),
    sheet.footer,
    words.privacy,
  ].join('\n\n');

  return { subject, html, text: `${text}\n` };
}

/** The email telling a user that the line was deleted and must be removed from the phone by hand. */
export function renderLineDeleted(lang: Language): RenderedMail {
  const t = mailText(lang).deleted;
  const html = page(lang, t.subject, [
    h1(t.heading),
    p(t.lead),
    p(t.removeIntro),
    ...guidesHtml(removeLineGuides(lang)),
    p(t.footer, 'color:#666;font-size:13px;margin-top:20px;'),
  ]);
  const text = [t.heading, t.lead, t.removeIntro, guidesText(removeLineGuides(lang)), t.footer].join('\n\n');
  return { subject: t.subject, html, text: `${text}\n` };
}
