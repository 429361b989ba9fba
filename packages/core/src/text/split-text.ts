/**
 * Splits `text` into parts of at most `maxLength` characters (Unicode code points, after NFC), at
 * the last paragraph break, else sentence end (. ! ? … and the Vietnamese-typical ellipsis), else
 * whitespace inside each window; only a single unbroken word longer than the limit is cut hard.
 * Channels use it for their message-length limits (Telegram 4,096, LINE 5,000, Zalo 2,000 …).
 *
 * @example splitText('Câu một. Câu hai.', 10) // ['Câu một.', 'Câu hai.']
 */
export function splitText(text: string, maxLength: number): string[] {
  if (!Number.isInteger(maxLength) || maxLength < 1) throw new RangeError('maxLength must be a positive integer');
  const parts: string[] = [];
  let rest = [...text.normalize('NFC').trim()];
  while (rest.length > maxLength) {
    const window = rest.slice(0, maxLength + 1).join('');
    const cut = findCut(window, maxLength);
    const head = [...window].slice(0, cut).join('').trimEnd();
    if (head) parts.push(head);
    rest = [...rest.slice(cut).join('').trimStart()];
  }
  const tail = rest.join('');
  if (tail || parts.length === 0) parts.push(tail);
  return parts;
}

const SENTENCE_END = /[.!?…。](?:["')\]»”’]*)(?=\s)/gu;

function findCut(window: string, maxLength: number): number {
  const chars = [...window];
  const limitText = chars.slice(0, maxLength).join('');
  const minUseful = Math.floor(maxLength / 3);
  const paragraph = limitText.lastIndexOf('\n\n');
  if (paragraph >= minUseful) return [...limitText.slice(0, paragraph)].length;
  let sentenceEnd = -1;
  for (const match of window.matchAll(SENTENCE_END)) {
    const end = [...window.slice(0, match.index + match[0].length)].length;
    if (end <= maxLength) sentenceEnd = end;
  }
  if (sentenceEnd >= minUseful) return sentenceEnd;
  const line = limitText.lastIndexOf('\n');
  if (line >= minUseful) return [...limitText.slice(0, line)].length;
  const space = limitText.search(/\s\S*$/u);
  if (space > 0) return [...limitText.slice(0, space)].length;
  return maxLength;
}
