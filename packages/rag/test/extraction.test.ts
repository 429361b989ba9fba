import { AgentChatbotError } from '@agent-chatbot/core';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { DEFAULT_EXTRACTION_LIMITS, decodeText, extractDocument, parseCsv } from '../src/index';
import { SafeZip } from '../src/extraction/safe-zip';
import { countingStream, encodeWindows1258, makeDocx, makePdf, makeXlsx, makeZipBomb } from './helpers/fixtures';

const VI = 'Chính sách bảo hành: sản phẩm được đổi trả trong 7 ngày. Giá áo thun 150.000đ, giao hàng toàn quốc. Đường Nguyễn Huệ, Quận 1, TP.HCM — Ưu đãi ỹ ự ặ ầ ở.';
const limits = DEFAULT_EXTRACTION_LIMITS;

async function failure(promise: Promise<unknown>): Promise<AgentChatbotError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(AgentChatbotError.isInstance(error), String(error)).toBe(true);
  const typed = error as AgentChatbotError;
  expect(typed.message.length).toBeGreaterThan(0);
  expect(typed.messageVi.length).toBeGreaterThan(0);
  return typed;
}

describe('encodings round-trip Vietnamese text exactly', () => {
  const cases: Array<[string, Uint8Array, string]> = [
    ['utf-8', new TextEncoder().encode(VI), 'utf-8'],
    ['utf-8 with BOM (Excel)', new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(VI)]), 'utf-8-bom'],
    ['utf-16 LE with BOM', new Uint8Array([0xff, 0xfe, ...iconv.encode(VI, 'utf16-le')]), 'utf-16le'],
    ['utf-16 BE with BOM', new Uint8Array([0xfe, 0xff, ...iconv.encode(VI, 'utf16-be')]), 'utf-16be'],
    ['utf-16 LE without BOM', new Uint8Array(iconv.encode(VI, 'utf16-le')), 'utf-16le'],
    ['windows-1258', encodeWindows1258(VI), 'windows-1258'],
    ['tcvn3 (no em dash: TCVN3 has none)', new Uint8Array(iconv.encode(VI.replace(' —', ','), 'tcvn')), 'tcvn3'],
  ];
  for (const [label, bytes, encoding] of cases) {
    it(label, async () => {
      const expected = encoding === 'tcvn3' ? VI.replace(' —', ',') : VI;
      expect(decodeText(bytes)).toEqual({ text: expected, encoding });
      const extracted = await extractDocument({ name: 'chinh-sach.txt', content: bytes }, limits);
      expect(extracted.text).toBe(expected);
    });
  }
  it('NFD input becomes NFC', async () => {
    const extracted = await extractDocument({ name: 'a.md', content: new TextEncoder().encode(VI.normalize('NFD')) }, limits);
    expect(extracted.text).toBe(VI);
  });
  it('VNI files are recognised and rejected with advice', async () => {
    const vni = new Uint8Array(Buffer.from('Vieät Nam ñaát nöôùc xinh ñeïp, chính saùch baûo haønh', 'latin1'));
    expect((await failure(extractDocument({ name: 'vni.txt', content: vni }, limits))).code).toBe('legacy_encoding');
  });
});

describe('formats', () => {
  it('docx: paragraphs, headings marked for the chunker', async () => {
    const docx = makeDocx([{ text: 'Chính sách đổi trả', style: 'Heading1' }, { text: 'Đổi trả trong 7 ngày & miễn phí.' }]);
    const extracted = await extractDocument({ name: 'chinh-sach.docx', content: docx }, limits);
    expect(extracted.text).toBe('# Chính sách đổi trả\n\nĐổi trả trong 7 ngày & miễn phí.');
  });
  it('xlsx: rows of the first sheet, strings and numbers', async () => {
    const xlsx = makeXlsx([['Tên sản phẩm', 'Giá', 'Tồn kho'], ['Áo thun trắng', '150k', 12], ['Quần jean', '1tr2', 0]]);
    const extracted = await extractDocument({ name: 'san-pham.xlsx', content: xlsx }, limits);
    expect(extracted.rows).toEqual([['Tên sản phẩm', 'Giá', 'Tồn kho'], ['Áo thun trắng', '150k', '12'], ['Quần jean', '1tr2', '0']]);
  });
  it('csv: quoting, semicolons and CRLF', () => {
    expect(parseCsv('câu hỏi;trả lời\r\n"Ship ""nhanh"" không?";"Có; 2 ngày"\r\n\r\n')).toEqual([
      ['câu hỏi', 'trả lời'],
      ['Ship "nhanh" không?', 'Có; 2 ngày'],
    ]);
  });
  it('pdf: text of every page', async () => {
    const extracted = await extractDocument({ name: 'bang-gia.pdf', content: makePdf(['Bang gia ao thun 150000 dong', 'Bao hanh 12 thang']) }, limits);
    expect(extracted.pages).toBe(2);
    expect(extracted.text).toContain('Bang gia ao thun 150000 dong');
    expect(extracted.text).toContain('Bao hanh 12 thang');
  });
  it('pdf: page limit reads the first pages and warns', async () => {
    const extracted = await extractDocument({ name: 'dai.pdf', content: makePdf(['Trang mot', 'Trang hai', 'Trang ba']) }, { ...limits, maxPdfPages: 2 });
    expect(extracted.text).not.toContain('Trang ba');
    expect(extracted.warnings[0]).toContain('2/3');
  });
});

describe('broken files get clear, typed errors', () => {
  it('zip-bomb docx and xlsx are rejected within bounded memory', { timeout: 30_000 }, async () => {
    for (const kind of ['docx', 'xlsx'] as const) {
      const bomb = makeZipBomb(kind, 20 * 1024 * 1024);
      expect(bomb.length).toBeLessThan(200_000);
      const error = await failure(extractDocument({ name: `bom.${kind}`, content: bomb }, limits));
      expect(error).toMatchObject({ status: 422, code: 'decompression_limit' });
      expect(error.messageVi).toContain('zip bomb');
      // Inflation stops at the ratio limit (200 × compressed size), never near the 20 MB inside.
      const zip = new SafeZip(bomb, limits, `bom.${kind}`);
      expect(() => zip.read(kind === 'docx' ? 'word/document.xml' : 'xl/worksheets/sheet1.xml')).toThrow();
      expect(zip.producedBytes).toBeLessThan(200 * bomb.length + 5 * 1024 * 1024);
      expect(zip.producedBytes).toBeLessThan(12 * 1024 * 1024);
    }
  });
  it('total decompressed size is capped even at a normal ratio', async () => {
    const docx = makeDocx(Array.from({ length: 2000 }, (_, i) => ({ text: `Đoạn ${i} với nội dung khác nhau ${Math.sin(i)}` })));
    const error = await failure(extractDocument({ name: 'lon.docx', content: docx }, { ...limits, maxDecompressedBytes: 50_000 }));
    expect(error.code).toBe('decompression_limit');
  });
  it('corrupt pdf, docx and xlsx', async () => {
    const junk = new Uint8Array(Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage without xref'));
    expect((await failure(extractDocument({ name: 'hong.pdf', content: junk }, limits))).code).toBe('corrupt_file');
    expect((await failure(extractDocument({ name: 'hong.pdf', content: new Uint8Array([1, 2, 3, 4]) }, limits))).code).toBe('corrupt_file');
    const truncated = makeDocx([{ text: 'xin chào' }]).subarray(0, 60);
    expect((await failure(extractDocument({ name: 'hong.docx', content: truncated }, limits))).code).toBe('corrupt_file');
    expect((await failure(extractDocument({ name: 'hong.xlsx', content: makeDocx([{ text: 'x' }]) }, limits))).code).toBe('corrupt_file');
  });
  it('encrypted pdf and password-protected Office files', async () => {
    const pdf = await failure(extractDocument({ name: 'mat-khau.pdf', content: makePdf(['Bi mat'], { encrypted: true }) }, limits));
    expect(pdf).toMatchObject({ status: 422, code: 'encrypted_file' });
    expect(pdf.messageVi).toContain('mật khẩu');
    const ole = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...new Uint8Array(512)]);
    expect((await failure(extractDocument({ name: 'mat-khau.docx', content: ole }, limits))).code).toBe('encrypted_file');
  });
  it('empty files', async () => {
    for (const name of ['trong.txt', 'trong.pdf', 'trong.csv']) {
      expect((await failure(extractDocument({ name, content: new Uint8Array() }, limits))).code).toBe('empty_file');
    }
    expect((await failure(extractDocument({ name: 'trang.txt', content: new TextEncoder().encode('  \n\t ') }, limits))).code).toBe('empty_file');
    expect((await failure(extractDocument({ name: 'trong.docx', content: makeDocx([]) }, limits))).code).toBe('empty_file');
  });
  it('oversize files fail with 413 while streaming, without reading the rest', async () => {
    const { stream, pulled } = countingStream(50 * 1024 * 1024);
    const error = await failure(extractDocument({ name: 'to.txt', content: stream }, { ...limits, maxFileBytes: 1024 * 1024 }));
    expect(error).toMatchObject({ status: 413, code: 'payload_too_large' });
    expect(pulled()).toBeLessThanOrEqual(1024 * 1024 + 64 * 1024);
  });
  it('unsupported formats', async () => {
    expect((await failure(extractDocument({ name: 'virus.exe', content: new Uint8Array([0x4d, 0x5a]) }, limits))).code).toBe('unsupported_format');
  });
});
