import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { formatVnd } from './money';
import type { UsageMeters } from './meters';

/** What the PDF shows (an `Invoice` from `issueMonthlyInvoice` fits). */
export interface InvoiceForPdf {
  /** Invoice number. */
  readonly number: string;
  /** Billing cycle, `YYYY-MM`. */
  readonly cycle: string;
  /** When the invoice was issued. */
  readonly issuedAt: Date;
  /** Total to pay, integer VND. */
  readonly totalVnd: number;
  /** Invoice lines (Vietnamese description, quantity, unit price, amount). */
  readonly lines: ReadonlyArray<{
    readonly descriptionVi: string;
    readonly quantity: number;
    readonly unitPriceVnd: number;
    readonly amountVnd: number;
    readonly paidFromCredits: boolean;
  }>;
  /** Usage of the cycle, printed under the lines. */
  readonly meters?: UsageMeters;
}

/** Options for {@link renderInvoicePdf}. */
export interface InvoicePdfOptions {
  /** The operator issuing the invoice. */
  readonly seller: { readonly name: string; readonly address?: string; readonly taxCode?: string };
  /** The tenant billed. */
  readonly buyer: { readonly name: string; readonly address?: string; readonly taxCode?: string };
  /** A TTF with Vietnamese glyphs; default DejaVu Sans from `dejavu-fonts-ttf`, then Debian's copy. */
  readonly fontPath?: string;
  /** A bold TTF with Vietnamese glyphs (regular font when omitted). */
  readonly boldFontPath?: string;
}

const DEBIAN_DEJAVU = '/usr/share/fonts/truetype/dejavu';

/**
 * Finds DejaVu Sans (regular or bold). pdfkit's built-in Helvetica has no Vietnamese glyphs
 * (ă, ơ, ư, đ and the stacked tone marks), so an embedded TrueType font is required.
 */
export function vietnameseFontPath(bold = false): string {
  const file = bold ? 'DejaVuSans-Bold.ttf' : 'DejaVuSans.ttf';
  try {
    const root = dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json'));
    const path = join(root, 'ttf', file);
    if (existsSync(path)) return path;
  } catch {
    // Not installed next to this package: fall back to the system font below.
  }
  const system = join(DEBIAN_DEJAVU, file);
  if (existsSync(system)) return system;
  throw new Error(`No Vietnamese-capable font found (install dejavu-fonts-ttf or fonts-dejavu-core): ${file}`);
}

function vnDate(date: Date): string {
  const local = new Date(date.getTime() + 7 * 3_600_000); // Asia/Ho_Chi_Minh, fixed UTC+7
  return `${String(local.getUTCDate()).padStart(2, '0')}/${String(local.getUTCMonth() + 1).padStart(2, '0')}/${local.getUTCFullYear()}`;
}

/**
 * Renders a Vietnamese invoice PDF (A4, DejaVu Sans embedded) and resolves with its bytes.
 * Not a legal e-invoice (hóa đơn điện tử under Decree 123/2020 goes through a licensed provider):
 * it is the statement the tenant downloads from the dashboard and receives by email.
 * `pdfkit` is imported on the first invoice rendered, not when the package is loaded.
 */
export async function renderInvoicePdf(invoice: InvoiceForPdf, options: InvoicePdfOptions): Promise<Buffer> {
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `Hóa đơn ${invoice.number}`, Author: options.seller.name } });
  doc.registerFont('vi', options.fontPath ?? vietnameseFontPath(false));
  doc.registerFont('vi-bold', options.boldFontPath ?? vietnameseFontPath(true));
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  doc.font('vi-bold').fontSize(18).text('HÓA ĐƠN DỊCH VỤ', { align: 'center' });
  doc.font('vi').fontSize(10).text(`Số: ${invoice.number} · Kỳ: ${invoice.cycle} · Ngày lập: ${vnDate(invoice.issuedAt)}`, { align: 'center' });
  doc.moveDown();
  const party = (label: string, who: InvoicePdfOptions['seller']) => {
    doc.font('vi-bold').text(label);
    doc.font('vi').text(who.name);
    if (who.address) doc.text(`Địa chỉ: ${who.address}`);
    if (who.taxCode) doc.text(`Mã số thuế: ${who.taxCode}`);
    doc.moveDown(0.5);
  };
  party('Đơn vị bán hàng:', options.seller);
  party('Khách hàng:', options.buyer);

  const columns = [50, 300, 360, 450];
  const row = (cells: string[], bold = false) => {
    const y = doc.y;
    doc.font(bold ? 'vi-bold' : 'vi');
    doc.text(cells[0]!, columns[0], y, { width: 245 });
    const bottom = doc.y;
    doc.text(cells[1]!, columns[1], y, { width: 55, align: 'right' });
    doc.text(cells[2]!, columns[2], y, { width: 85, align: 'right' });
    doc.text(cells[3]!, columns[3], y, { width: 95, align: 'right' });
    doc.y = Math.max(bottom, doc.y) + 4;
    doc.x = columns[0]!;
  };
  row(['Nội dung', 'SL', 'Đơn giá', 'Thành tiền'], true);
  for (const line of invoice.lines) {
    const note = line.paidFromCredits ? ' (đã thanh toán bằng số dư)' : '';
    row([`${line.descriptionVi}${note}`, String(line.quantity), formatVnd(line.unitPriceVnd), formatVnd(line.amountVnd)]);
  }
  doc.moveDown();
  doc.font('vi-bold').fontSize(12).text(`Tổng cộng phải thanh toán: ${formatVnd(invoice.totalVnd)}`, columns[0], doc.y, { align: 'right' });
  if (invoice.meters) {
    const m = invoice.meters;
    doc.moveDown().font('vi').fontSize(9);
    doc.text(`Số liệu sử dụng: ${m.chats} cuộc chat, ${m.messages} tin nhắn trả lời, ${m.embeddingTokens} token nhúng.`, columns[0]);
  }
  doc.moveDown().font('vi').fontSize(9).text('Cảm ơn quý khách đã sử dụng dịch vụ. Số tiền tính bằng đồng Việt Nam (VND).', columns[0]);
  doc.end();
  return done;
}
