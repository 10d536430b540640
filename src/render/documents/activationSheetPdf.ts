import PDFDocument from 'pdfkit';

/** Everything printed on the sheet; the caller owns all wording. */
export interface ActivationSheet {
  title: string;
  intro: string;
  qrPng: Buffer;
  /** Printed in a large monospace font, e.g. `{ label: 'Activation code', value: '04386-AGYFT-A74Y8-3F815' }`. */
  fields: { label: string; value: string }[];
  sections: { heading: string; steps: string[] }[];
  footer?: string;
}

/** A standard PDF font name, a TrueType file path, or its bytes. */
export type SheetFont = string | Buffer;

export interface ActivationSheetOptions {
  /** Written as the PDF creation date; the same sheet and date give the same bytes. Defaults to now. */
  creationDate?: Date;
  /** Deflate the page content (default true); false leaves the text readable in the file. */
  compress?: boolean;
  /**
   * The default standard fonts need nothing installed but print only Latin-1 (WinAnsi): no arrows,
   * no Cyrillic, no "Ł". For any other text pass TrueType fonts, e.g. Debian's fonts-dejavu
   * (DejaVuSans.ttf, DejaVuSans-Bold.ttf, DejaVuSansMono-Bold.ttf), whose mono font also slashes
   * the zero so that 0 and O differ in a code.
   */
  fonts?: { regular: SheetFont; bold: SheetFont; code: SheetFont };
}

const MARGIN = 50;
const QR_SIZE = (6 / 2.54) * 72; // 6 cm in points
const GAP = 20;
const CODE_MAX_SIZE = 16;
const CODE_MIN_SIZE = 9;
const STEP_NUMBER_WIDTH = 18;
const COLOR = { text: '#111111', muted: '#555555', faint: '#777777' };

const STANDARD_FONTS = { regular: 'Helvetica', bold: 'Helvetica-Bold', code: 'Courier-Bold' };
// Names the fonts are registered under in each document.
const FONT = { regular: 'sheet-regular', bold: 'sheet-bold', code: 'sheet-code' };

/** A one-page A4 PDF: title, intro, the QR code (6 cm) beside the codes, then numbered steps. */
export function activationSheetPdf(sheet: ActivationSheet, options: ActivationSheetOptions = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: 'A4',
      margin: MARGIN,
      compress: options.compress ?? true,
      info: { Title: sheet.title, CreationDate: options.creationDate ?? new Date() },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    try {
      const fonts = options.fonts ?? STANDARD_FONTS;
      doc.registerFont(FONT.regular, fonts.regular);
      doc.registerFont(FONT.bold, fonts.bold);
      doc.registerFont(FONT.code, fonts.code);
      draw(doc, sheet);
      doc.end();
    } catch (error) {
      reject(error);
    }
  });
}

function draw(doc: PDFKit.PDFDocument, sheet: ActivationSheet): void {
  const width = doc.page.width - 2 * MARGIN;

  doc.font(FONT.bold).fontSize(20).fillColor(COLOR.text).text(sheet.title, { width });
  doc.moveDown(0.4);
  doc.font(FONT.regular).fontSize(11).fillColor(COLOR.muted).text(sheet.intro, { width, lineGap: 2 });
  doc.moveDown(1);

  const top = doc.y;
  doc.image(sheet.qrPng, MARGIN, top, { width: QR_SIZE, height: QR_SIZE });
  const fieldsX = MARGIN + QR_SIZE + GAP;
  drawFields(doc, sheet.fields, fieldsX, top, width - QR_SIZE - GAP);
  doc.x = MARGIN;
  doc.y = Math.max(top + QR_SIZE, doc.y) + 18;

  for (const section of sheet.sections) drawSection(doc, section, width);

  if (sheet.footer) drawFooter(doc, sheet.footer, width);
}

function drawFields(doc: PDFKit.PDFDocument, fields: ActivationSheet['fields'], x: number, top: number, width: number): void {
  doc.y = top;
  for (const field of fields) {
    doc.font(FONT.regular).fontSize(9).fillColor(COLOR.muted).text(field.label, x, doc.y, { width });
    doc.moveDown(0.15);
    doc.font(FONT.code).fontSize(codeSize(doc, field.value, width)).fillColor(COLOR.text).text(field.value, x, doc.y, { width });
    doc.moveDown(0.7);
  }
}

// As large as fits on one line, so a code is never broken where a reader might miss a character.
function codeSize(doc: PDFKit.PDFDocument, value: string, width: number): number {
  const widthAtMax = doc.font(FONT.code).fontSize(CODE_MAX_SIZE).widthOfString(value);
  if (widthAtMax <= width) return CODE_MAX_SIZE;
  return Math.max(CODE_MIN_SIZE, Math.floor(((CODE_MAX_SIZE * width) / widthAtMax) * 2) / 2);
}

function drawSection(doc: PDFKit.PDFDocument, section: ActivationSheet['sections'][number], width: number): void {
  const stepWidth = width - STEP_NUMBER_WIDTH;
  // Keep the heading on the same page as its first step.
  const firstStepHeight = section.steps.length > 0 ? stepHeight(doc, section.steps[0], stepWidth) : 0;
  doc.font(FONT.bold).fontSize(13).fillColor(COLOR.text);
  ensureRoom(doc, doc.heightOfString(section.heading, { width }) + firstStepHeight + 10);
  doc.text(section.heading, MARGIN, doc.y, { width });
  doc.moveDown(0.3);

  section.steps.forEach((step, index) => {
    ensureRoom(doc, stepHeight(doc, step, stepWidth));
    const y = doc.y;
    doc.font(FONT.bold).fontSize(10.5).fillColor(COLOR.text);
    doc.text(`${index + 1}.`, MARGIN, y, { width: STEP_NUMBER_WIDTH, lineBreak: false });
    doc.font(FONT.regular).text(step, MARGIN + STEP_NUMBER_WIDTH, y, { width: stepWidth, lineGap: 1.5 });
    doc.moveDown(0.3);
  });
  doc.moveDown(0.8);
}

function stepHeight(doc: PDFKit.PDFDocument, step: string, width: number): number {
  return doc.font(FONT.regular).fontSize(10.5).heightOfString(step, { width, lineGap: 1.5 });
}

function ensureRoom(doc: PDFKit.PDFDocument, height: number): void {
  if (doc.y + height > doc.page.height - MARGIN) doc.addPage();
}

function drawFooter(doc: PDFKit.PDFDocument, footer: string, width: number): void {
  doc.font(FONT.regular).fontSize(8.5).fillColor(COLOR.faint);
  const height = doc.heightOfString(footer, { width });
  const bottom = doc.page.height - MARGIN - height;
  ensureRoom(doc, height);
  // The explicit height keeps pdfkit from starting a page over a rounding difference at the bottom.
  doc.text(footer, MARGIN, Math.max(doc.y, bottom), { width, height });
}
