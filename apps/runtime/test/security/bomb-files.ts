/**
 * Hostile files built in memory: zip containers (.xlsx/.docx) with an entry that inflates far
 * beyond its size, and a PDF whose content stream inflates to tens of megabytes. The deflate
 * output is produced by streaming one reused 1 MB block, so the test process never holds the
 * expanded bytes itself (the RSS measurement is of the server in this same process).
 */
import { crc32, createDeflate, createDeflateRaw, deflateRawSync } from 'node:zlib';

/** Deflates `megabytes` MB of `byte` through a stream fed one reused 1 MB block (never the whole run). */
async function deflateRepeated(megabytes: number, byte: number, raw: boolean): Promise<Buffer> {
  const block = Buffer.alloc(1024 * 1024, byte);
  const stream = raw ? createDeflateRaw({ level: 9 }) : createDeflate({ level: 9 });
  const out: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => out.push(chunk));
  const done = new Promise<void>((resolve, reject) => stream.on('end', resolve).on('error', reject));
  for (let i = 0; i < megabytes; i += 1) {
    if (!stream.write(block)) await new Promise((resolve) => stream.once('drain', resolve));
  }
  stream.end();
  await done;
  return Buffer.concat(out);
}

/** CRC-32 of `megabytes` MB of `byte`, computed block by block. */
function crcRepeated(megabytes: number, byte: number): number {
  const block = Buffer.alloc(1024 * 1024, byte);
  let crc = 0;
  for (let i = 0; i < megabytes; i += 1) crc = crc32(block, crc);
  return crc;
}

interface ZipEntry {
  name: string;
  /** Stored as given (small XML parts). */
  data?: Buffer;
  /** Or: `megabytes` MB of `byte`, deflated. */
  bomb?: { megabytes: number; byte: number };
}

/** A minimal, valid zip file (local headers, central directory, end record). */
export async function zip(entries: readonly ZipEntry[]): Promise<Buffer> {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const raw = entry.data ?? Buffer.alloc(0);
    const compressed = entry.bomb ? await deflateRepeated(entry.bomb.megabytes, entry.bomb.byte, true) : deflateRawSync(raw);
    const size = entry.bomb ? entry.bomb.megabytes * 1024 * 1024 : raw.length;
    const crc = entry.bomb ? crcRepeated(entry.bomb.megabytes, entry.bomb.byte) : crc32(raw);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0, 6);
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc >>> 0, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, compressed);
    centrals.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const xml = (text: string) => Buffer.from(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n${text}`, 'utf8');

/** An .xlsx whose first sheet inflates to `megabytes` MB of spaces. */
export function xlsxBomb(megabytes: number): Promise<Buffer> {
  return zip([
    { name: '[Content_Types].xml', data: xml('<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>') },
    { name: 'xl/workbook.xml', data: xml('<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>') },
    { name: 'xl/_rels/workbook.xml.rels', data: xml('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>') },
    { name: 'xl/worksheets/sheet1.xml', bomb: { megabytes, byte: 0x20 } },
  ]);
}

/** A .docx whose document part inflates to `megabytes` MB of spaces. */
export function docxBomb(megabytes: number): Promise<Buffer> {
  return zip([
    { name: '[Content_Types].xml', data: xml('<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>') },
    { name: '_rels/.rels', data: xml('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>') },
    { name: 'word/document.xml', bomb: { megabytes, byte: 0x20 } },
  ]);
}

/** A one-page PDF whose content stream (FlateDecode) inflates to `megabytes` MB. */
export async function pdfBomb(megabytes: number): Promise<Buffer> {
  const stream = await deflateRepeated(megabytes, 0x20, false);
  const parts: Buffer[] = [];
  const offsets: number[] = [];
  let length = 0;
  const push = (chunk: Buffer | string) => {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk;
    parts.push(buffer);
    length += buffer.length;
  };
  push('%PDF-1.4\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>',
  ];
  objects.forEach((body, i) => {
    offsets.push(length);
    push(`${i + 1} 0 obj\n${body}\nendobj\n`);
  });
  offsets.push(length);
  push(`4 0 obj\n<< /Length ${stream.length} /Filter /FlateDecode >>\nstream\n`);
  push(stream);
  push('\nendstream\nendobj\n');
  const xref = length;
  push(`xref\n0 5\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  return Buffer.concat(parts);
}
