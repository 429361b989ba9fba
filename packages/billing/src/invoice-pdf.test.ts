import { PDFParse } from 'pdf-parse';
import { describe, expect, it } from 'vitest';
import { renderInvoicePdf } from './invoice-pdf';

describe('renderInvoicePdf', () => {
  it('renders Vietnamese text that extracts back from the PDF', async () => {
    const pdf = await renderInvoicePdf(
      {
        number: 'HD-202611-000001',
        cycle: '2026-11',
        issuedAt: new Date('2026-12-01T01:00:00Z'),
        totalVnd: 1_234_500,
        lines: [
          { descriptionVi: 'Phí thuê bao gói Khởi đầu', quantity: 1, unitPriceVnd: 199_000, amountVnd: 199_000, paidFromCredits: false },
          { descriptionVi: 'Cuộc chat vượt mức', quantity: 3_451, unitPriceVnd: 300, amountVnd: 1_035_300, paidFromCredits: false },
        ],
      },
      { seller: { name: 'Công ty TNHH Trợ Lý Ảo', taxCode: '0312345678' }, buyer: { name: 'Tiệm bánh Hương Đường' } },
    );
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const parser = new PDFParse({ data: new Uint8Array(pdf), verbosity: 0 });
    const text = (await parser.getText()).text.normalize('NFC');
    await parser.destroy();
    for (const expected of ['HÓA ĐƠN DỊCH VỤ', 'Công ty TNHH Trợ Lý Ảo', 'Tiệm bánh Hương Đường', 'Cuộc chat vượt mức', '1.234.500 ₫', 'Tổng cộng phải thanh toán']) {
      expect(text).toContain(expected);
    }
  });
});
