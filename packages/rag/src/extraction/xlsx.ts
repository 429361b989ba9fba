import { extractionErrors } from './errors';
import type { SafeZip } from './safe-zip';
import { attribute, scanXml } from './xml';

function sharedStrings(zip: SafeZip): string[] {
  const xml = zip.readText('xl/sharedStrings.xml');
  if (xml === undefined) return [];
  const out: string[] = [];
  let current: string | undefined;
  let inText = false;
  let inPhonetic = false;
  for (const token of scanXml(xml)) {
    if (token.type === 'text') {
      if (inText && !inPhonetic && current !== undefined) current += token.text;
    } else if (token.name === 'si') {
      if (token.type === 'open') current = '';
      else if (token.type === 'close') {
        out.push(current ?? '');
        current = undefined;
      } else out.push('');
    } else if (token.name === 't') inText = token.type === 'open';
    else if (token.name === 'rPh') inPhonetic = token.type === 'open';
  }
  return out;
}

/** Column number (0-based) from a cell reference such as "AB12". */
function columnIndex(reference: string | undefined, fallback: number): number {
  const letters = reference ? /^[A-Z]+/.exec(reference)?.[0] : undefined;
  if (!letters) return fallback;
  let index = 0;
  for (const letter of letters) index = index * 26 + (letter.charCodeAt(0) - 64);
  return index - 1;
}

/** The first worksheet's part name, following workbook.xml order through its relationships. */
function firstSheetPath(zip: SafeZip): string | undefined {
  const workbook = zip.readText('xl/workbook.xml');
  const rels = zip.readText('xl/_rels/workbook.xml.rels');
  if (workbook && rels) {
    const firstSheet = [...scanXml(workbook)].find((token) => token.type !== 'text' && token.name === 'sheet');
    const id = firstSheet && firstSheet.type !== 'text' ? attribute(firstSheet.attributes, 'r:id') : undefined;
    for (const token of scanXml(rels)) {
      if (token.type !== 'text' && token.name === 'Relationship' && attribute(token.attributes, 'Id') === id) {
        const target = attribute(token.attributes, 'Target') ?? '';
        return target.startsWith('/') ? target.slice(1) : `xl/${target}`;
      }
    }
  }
  return zip.names().filter((name) => /^xl\/worksheets\/[^/]+\.xml$/.test(name)).sort()[0];
}

/** Rows of the first worksheet of a .xlsx as strings (shared, inline and formula-cached values). */
export function extractXlsxRows(zip: SafeZip, name: string, maxRows: number): string[][] {
  const path = firstSheetPath(zip);
  const xml = path ? zip.readText(path) : undefined;
  if (xml === undefined) throw extractionErrors.corrupt(name);
  const strings = sharedStrings(zip);
  const rows: string[][] = [];
  let row: string[] | undefined;
  let cellType = '';
  let cellColumn = 0;
  let value = '';
  let capture = false;
  for (const token of scanXml(xml)) {
    if (token.type === 'text') {
      if (capture) value += token.text;
      continue;
    }
    if (token.name === 'row') {
      if (token.type === 'open') row = [];
      else if (row) {
        if (row.some((cell) => cell.trim() !== '')) rows.push(Array.from(row, (cell) => cell ?? ''));
        row = undefined;
        if (rows.length >= maxRows) break;
      }
    } else if (token.name === 'c') {
      if (token.type === 'open') {
        cellType = attribute(token.attributes, 't') ?? 'n';
        cellColumn = columnIndex(attribute(token.attributes, 'r'), row?.length ?? 0);
        value = '';
      } else if (token.type === 'close' && row) {
        const text = cellType === 's' ? (strings[Number(value)] ?? '') : cellType === 'b' ? (value === '1' ? 'TRUE' : 'FALSE') : value;
        while (row.length < cellColumn) row.push('');
        row[cellColumn] = text;
      }
    } else if (token.name === 'v' || token.name === 't') {
      capture = token.type === 'open';
    }
  }
  return rows;
}
