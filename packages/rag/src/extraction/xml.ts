const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes the five XML entities and numeric character references. */
export function decodeXmlEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (match, entity: string) => {
    if (entity[0] === '#') {
      const code = entity[1] === 'x' || entity[1] === 'X' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : match;
    }
    return ENTITIES[entity.toLowerCase()] ?? match;
  });
}

/** One token of a flat XML scan: a tag (with its attributes) or text between tags. */
export type XmlToken =
  | { readonly type: 'open' | 'close' | 'self'; readonly name: string; readonly attributes: string }
  | { readonly type: 'text'; readonly text: string };

/**
 * A linear scan over XML tags and text. OOXML parts are machine-written and flat enough that a
 * tokenizer (no DOM, no entity expansion beyond the predefined five, no DTDs) is all we need;
 * it also cannot be tricked into entity-expansion attacks.
 */
export function* scanXml(xml: string): Generator<XmlToken> {
  const pattern = /<(\/?)([A-Za-z_][\w:.-]*)([^>]*?)(\/?)>|<!\[CDATA\[([\s\S]*?)\]\]>|<[?!][^>]*>|([^<]+)/g;
  for (const match of xml.matchAll(pattern)) {
    if (match[2] !== undefined) {
      const type = match[1] === '/' ? 'close' : match[4] === '/' ? 'self' : 'open';
      yield { type, name: match[2], attributes: match[3] ?? '' };
    } else if (match[5] !== undefined) {
      yield { type: 'text', text: match[5] };
    } else if (match[6] !== undefined) {
      yield { type: 'text', text: decodeXmlEntities(match[6]) };
    }
  }
}

/** The value of one attribute in a tag's attribute string. */
export function attribute(attributes: string, name: string): string | undefined {
  const match = new RegExp(`(?:^|\\s)${name.replace(/[.:]/g, '\\$&')}="([^"]*)"`).exec(attributes);
  return match ? decodeXmlEntities(match[1]!) : undefined;
}
