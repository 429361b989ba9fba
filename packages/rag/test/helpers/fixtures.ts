import { strToU8, zipSync } from 'fflate';
import iconv from 'iconv-lite';

const escapeXml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A minimal valid .docx; paragraphs with a `style` become headings. */
export function makeDocx(paragraphs: ReadonlyArray<{ text: string; style?: string }>): Uint8Array {
  const body = paragraphs
    .map((p) => `<w:p>${p.style ? `<w:pPr><w:pStyle w:val="${p.style}"/></w:pPr>` : ''}<w:r><w:t xml:space="preserve">${escapeXml(p.text)}</w:t></w:r></w:p>`)
    .join('');
  return zipSync({
    '[Content_Types].xml': strToU8('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'),
    'word/document.xml': strToU8(`<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`),
  });
}

/** A minimal valid .xlsx with one sheet; strings go through sharedStrings, numbers stay numeric. */
export function makeXlsx(rows: ReadonlyArray<ReadonlyArray<string | number>>): Uint8Array {
  const strings: string[] = [];
  const sheetRows = rows
    .map((row, r) => {
      const cells = row
        .map((value, c) => {
          const ref = `${String.fromCharCode(65 + c)}${r + 1}`;
          if (typeof value === 'number') return `<c r="${ref}"><v>${value}</v></c>`;
          strings.push(value);
          return `<c r="${ref}" t="s"><v>${strings.length - 1}</v></c>`;
        })
        .join('');
      return `<row r="${r + 1}">${cells}</row>`;
    })
    .join('');
  const ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
  return zipSync({
    '[Content_Types].xml': strToU8('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'),
    'xl/workbook.xml': strToU8(`<workbook ${ns} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sản phẩm" sheetId="1" r:id="rId1"/></sheets></workbook>`),
    'xl/_rels/workbook.xml.rels': strToU8('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
    'xl/worksheets/sheet1.xml': strToU8(`<worksheet ${ns}><sheetData>${sheetRows}</sheetData></worksheet>`),
    'xl/sharedStrings.xml': strToU8(`<sst ${ns}>${strings.map((s) => `<si><t>${escapeXml(s)}</t></si>`).join('')}</sst>`),
  });
}

/** A .docx/.xlsx whose main part inflates to `bytes` of zeros from a few kilobytes. */
export function makeZipBomb(kind: 'docx' | 'xlsx', bytes = 50 * 1024 * 1024): Uint8Array {
  const part = kind === 'docx' ? 'word/document.xml' : 'xl/worksheets/sheet1.xml';
  return zipSync({ [part]: [new Uint8Array(bytes), { level: 9 }] });
}

/** A small valid PDF with one line of ASCII text per page (Helvetica). */
export function makePdf(pages: readonly string[], options: { encrypted?: boolean } = {}): Uint8Array {
  const objects: string[] = [];
  const pageIds = pages.map((_, i) => 4 + i * 2);
  objects[1] = '<< /Type /Catalog /Pages 2 0 R >>';
  objects[2] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages.length} >>`;
  objects[3] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>';
  pages.forEach((text, i) => {
    const stream = `BT /F1 12 Tf 72 720 Td (${text.replace(/[()\\]/g, '\\$&')}) Tj ET`;
    objects[4 + i * 2] = `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents ${5 + i * 2} 0 R >>`;
    objects[5 + i * 2] = `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`;
  });
  const encryptId = objects.length;
  if (options.encrypted) {
    // Standard security handler with a user password: /U will not match the empty password.
    const hex = (seed: number) => Array.from({ length: 32 }, (_, i) => ((i * 37 + seed) % 256).toString(16).padStart(2, '0')).join('');
    objects[encryptId] = `<< /Filter /Standard /V 1 /R 2 /O <${hex(11)}> /U <${hex(99)}> /P -44 >>`;
  }
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  for (let id = 1; id < objects.length; id += 1) {
    offsets[id] = out.length;
    out += `${id} 0 obj\n${objects[id]}\nendobj\n`;
  }
  const xref = out.length;
  out += `xref\n0 ${objects.length}\n0000000000 65535 f \n`;
  for (let id = 1; id < objects.length; id += 1) out += `${String(offsets[id]).padStart(10, '0')} 00000 n \n`;
  const encrypt = options.encrypted ? ` /Encrypt ${encryptId} 0 R /ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>]` : '';
  out += `trailer\n<< /Size ${objects.length} /Root 1 0 R${encrypt} >>\nstartxref\n${xref}\n%%EOF\n`;
  return new Uint8Array(Buffer.from(out, 'latin1'));
}

/**
 * Windows-1258 bytes for Vietnamese text the way Windows writes them: precomposed letters with
 * hats and horns where the code page has them, tones as combining marks.
 */
export function encodeWindows1258(text: string): Uint8Array {
  const tones = /[\u0300\u0301\u0303\u0309\u0323]/;
  let out = '';
  for (const char of text.normalize('NFC')) {
    const parts = [...char.normalize('NFD')];
    const tone = parts.find((part) => tones.test(part));
    const base = parts.filter((part) => !tones.test(part)).join('').normalize('NFC');
    // Windows-1258 has a few toned letters precomposed (à, á, í…): prefer them, as Windows does.
    const whole = iconv.encode(char, 'windows1258');
    out += whole.length === 1 && whole[0] !== 0x3f ? char : base + (tone ?? '');
  }
  return new Uint8Array(iconv.encode(out, 'windows1258'));
}

/** An async stream of `total` bytes in `chunk`-sized parts that records how much was pulled. */
export function countingStream(total: number, chunk = 64 * 1024): { stream: AsyncIterable<Uint8Array>; pulled: () => number } {
  let pulled = 0;
  return {
    pulled: () => pulled,
    stream: (async function* () {
      while (pulled < total) {
        const size = Math.min(chunk, total - pulled);
        pulled += size;
        yield new Uint8Array(size).fill(0x61);
      }
    })(),
  };
}
