/**
 * Splits a reply into messages of at most `maxLength` characters, at paragraph, then sentence,
 * then word boundaries, for channels with a text limit (Zalo, LINE, SMS-like widgets).
 */
export function splitMessage(text: string, maxLength: number | undefined): string[] {
  if (!maxLength || text.length <= maxLength) return [text];
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > maxLength) {
    const head = rest.slice(0, maxLength);
    const cut = [head.lastIndexOf('\n'), head.lastIndexOf('. '), head.lastIndexOf('! '), head.lastIndexOf('? '), head.lastIndexOf(' ')]
      .find((index) => index >= maxLength * 0.4);
    const end = cut === undefined ? maxLength : cut + 1;
    parts.push(rest.slice(0, end).trim());
    rest = rest.slice(end).trim();
  }
  if (rest) parts.push(rest);
  return parts;
}
