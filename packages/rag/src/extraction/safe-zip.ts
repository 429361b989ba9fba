import { Inflate } from 'fflate';
import { extractionErrors } from './errors';
import type { ExtractionLimits } from './types';

/** One entry of a zip's central directory. */
interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly compressedSize: number;
  readonly headerOffset: number;
}

class DecompressionLimit extends Error {}

const u16 = (view: DataView, at: number): number => view.getUint16(at, true);
const u32 = (view: DataView, at: number): number => view.getUint32(at, true);

/** Reads the central directory (sizes there are authoritative, unlike local headers). */
function readDirectory(bytes: Uint8Array, name: string): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 65_557); i -= 1) {
    if (u32(view, i) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) throw extractionErrors.corrupt(name);
  const count = u16(view, end + 10);
  let offset = u32(view, end + 16);
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n += 1) {
    if (offset + 46 > bytes.length || u32(view, offset) !== 0x02014b50) throw extractionErrors.corrupt(name);
    const flags = u16(view, offset + 8);
    if (flags & 0x1) throw extractionErrors.encrypted(name);
    const nameLength = u16(view, offset + 28);
    const entry: ZipEntry = {
      method: u16(view, offset + 10),
      compressedSize: u32(view, offset + 20),
      headerOffset: u32(view, offset + 42),
      name: new TextDecoder().decode(bytes.subarray(offset + 46, offset + 46 + nameLength)),
    };
    // ZIP64 markers: no legitimate .docx/.xlsx under the upload limit needs them.
    if (entry.compressedSize === 0xffffffff || entry.headerOffset === 0xffffffff) throw extractionErrors.corrupt(name);
    entries.push(entry);
    offset += 46 + nameLength + u16(view, offset + 30) + u16(view, offset + 32);
  }
  return entries;
}

/**
 * Reads selected entries of a zip (.docx/.xlsx) with hard limits: total decompressed bytes and a
 * per-entry compression ratio are checked while inflating in small steps, so a zip bomb is
 * rejected after a few megabytes of output, never after expanding it.
 */
export class SafeZip {
  private readonly entries: ZipEntry[];
  private inflated = 0;
  private attempted = 0;

  /** Bytes produced by inflation so far, including an entry aborted at a limit (for tests and logs). */
  get producedBytes(): number {
    return this.attempted;
  }

  constructor(
    private readonly bytes: Uint8Array,
    private readonly limits: ExtractionLimits,
    private readonly fileName: string,
  ) {
    this.entries = readDirectory(bytes, fileName);
  }

  /** Entry names in the archive. */
  names(): string[] {
    return this.entries.map((entry) => entry.name);
  }

  /** An entry decoded as UTF-8 text, or `undefined` when absent. */
  readText(entryName: string): string | undefined {
    const data = this.read(entryName);
    return data === undefined ? undefined : new TextDecoder('utf-8').decode(data);
  }

  /** An entry's bytes, or `undefined` when absent. */
  read(entryName: string): Uint8Array | undefined {
    const entry = this.entries.find((candidate) => candidate.name === entryName);
    if (!entry) return undefined;
    const view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    const at = entry.headerOffset;
    if (at + 30 > this.bytes.length || u32(view, at) !== 0x04034b50) throw extractionErrors.corrupt(this.fileName);
    const start = at + 30 + u16(view, at + 26) + u16(view, at + 28);
    const data = this.bytes.subarray(start, start + entry.compressedSize);
    if (data.length !== entry.compressedSize) throw extractionErrors.corrupt(this.fileName);
    const total = this.limits.maxDecompressedBytes;
    const entryLimit = Math.min(total - this.inflated, Math.max(entry.compressedSize * this.limits.maxCompressionRatio, 1024 * 1024));
    if (entry.method === 0) {
      if (data.length > entryLimit) throw extractionErrors.zipBomb(this.fileName, total);
      this.inflated += data.length;
      this.attempted += data.length;
      return data;
    }
    if (entry.method !== 8) throw extractionErrors.corrupt(this.fileName);
    const parts: Uint8Array[] = [];
    let size = 0;
    const inflater = new Inflate((chunk) => {
      size += chunk.length;
      this.attempted += chunk.length;
      if (size > entryLimit) throw new DecompressionLimit();
      parts.push(chunk);
    });
    try {
      // 4 KiB of input inflates to at most ~4 MiB, which bounds memory between checks.
      for (let i = 0; i < data.length; i += 4096) inflater.push(data.subarray(i, i + 4096), i + 4096 >= data.length);
      if (data.length === 0) inflater.push(new Uint8Array(0), true);
    } catch (error) {
      if (error instanceof DecompressionLimit) throw extractionErrors.zipBomb(this.fileName, total);
      throw extractionErrors.corrupt(this.fileName, error);
    }
    this.inflated += size;
    const out = new Uint8Array(size);
    let offset = 0;
    for (const part of parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  }
}
