import { extractionErrors } from './errors';
import type { SafeZip } from './safe-zip';
import { attribute, scanXml } from './xml';

/**
 * Text of a .docx: paragraphs on their own lines, headings (styles Heading1…/Title/"Tiêu đề")
 * marked with `#` so the chunker splits on them, table cells separated by ` | `.
 */
export function extractDocx(zip: SafeZip, name: string): string {
  const xml = zip.readText('word/document.xml');
  if (xml === undefined) throw extractionErrors.corrupt(name);
  const lines: string[] = [];
  let paragraph = '';
  let level = 0;
  let inText = false;
  let cells: string[] | undefined;
  for (const token of scanXml(xml)) {
    if (token.type === 'text') {
      if (inText) paragraph += token.text;
      continue;
    }
    const tag = token.name;
    if (tag === 'w:t') inText = token.type === 'open';
    else if (tag === 'w:tab' && token.type !== 'close') paragraph += '\t';
    else if ((tag === 'w:br' || tag === 'w:cr') && token.type !== 'close') paragraph += '\n';
    else if (tag === 'w:pStyle') {
      const style = (attribute(token.attributes, 'w:val') ?? '').toLowerCase();
      const heading = /^(heading|tieude|tiêuđề|title)(\d?)$/.exec(style.replace(/\s+/g, ''));
      if (heading) level = Math.min(Number(heading[2] || 1), 6);
    } else if (tag === 'w:tr') {
      if (token.type === 'open') cells = [];
      else if (token.type === 'close' && cells) {
        lines.push(cells.join(' | '));
        cells = undefined;
      }
    } else if (tag === 'w:p' && token.type !== 'open') {
      const text = paragraph.trim();
      if (cells) {
        if (text) cells.push(text);
      } else if (text) {
        lines.push(level > 0 ? `${'#'.repeat(level)} ${text}` : text, '');
      }
      paragraph = '';
      level = 0;
    }
  }
  return lines.join('\n').trim();
}
