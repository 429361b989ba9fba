/**
 * EMVCo merchant-presented QR building blocks: ID-length-value fields and the CRC-16/CCITT-FALSE
 * checksum (poly 0x1021, init 0xFFFF, no reflection, no final XOR) that ends every payload in ID 63.
 */

/** One field: two-digit id, two-digit length (in characters), value. */
export function tlv(id: string, value: string): string {
  if (!/^\d{2}$/.test(id)) throw new Error(`EMVCo id must be two digits: ${id}`);
  if (value.length > 99) throw new Error(`EMVCo field ${id} is longer than 99 characters`);
  return `${id}${String(value.length).padStart(2, '0')}${value}`;
}

/** CRC-16/CCITT-FALSE of the UTF-8 bytes, as four upper-case hex digits. `crc16('123456789') === '29B1'`. */
export function crc16CcittFalse(data: string): string {
  let crc = 0xffff;
  for (const byte of Buffer.from(data, 'utf8')) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc.toString(16).toUpperCase().padStart(4, '0');
}

/** Appends ID 63 with the CRC computed over everything before it including "6304". */
export function withCrc(payload: string): string {
  const body = `${payload}6304`;
  return `${body}${crc16CcittFalse(body)}`;
}

/** Parses top-level fields (for tests and diagnostics); throws on a malformed string. */
export function parseTlv(payload: string): Map<string, string> {
  const fields = new Map<string, string>();
  let index = 0;
  while (index < payload.length) {
    const id = payload.slice(index, index + 2);
    const length = Number(payload.slice(index + 2, index + 4));
    if (!/^\d{2}$/.test(id) || !Number.isInteger(length) || index + 4 + length > payload.length) throw new Error('Malformed EMVCo payload');
    fields.set(id, payload.slice(index + 4, index + 4 + length));
    index += 4 + length;
  }
  return fields;
}
