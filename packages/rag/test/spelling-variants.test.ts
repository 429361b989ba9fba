import { afterAll, describe, expect, it } from 'vitest';
import { KnowledgeBase } from '../src/index';
import { canonicalSpelling } from '../src/lexical/analyzer';
import { tempDir } from './helpers/temp-dir';

const dir = tempDir();
afterAll(() => dir.remove());

describe('i/y spelling variants', () => {
  it('maps consonant + y to consonant + i, tone kept, and leaves other y alone', () => {
    expect(['sỹ', 'kỹ', 'lý', 'mỹ', 'quý', 'tỷ', 'ngỵ'].map(canonicalSpelling)).toEqual(['sĩ', 'kĩ', 'lí', 'mĩ', 'quí', 'tỉ', 'ngị']);
    expect(['y', 'ý', 'tay', 'uy', 'quyền', 'khuya', 'sĩ', 'yêu'].map(canonicalSpelling)).toEqual(['y', 'ý', 'tay', 'uy', 'quyền', 'khuya', 'sĩ', 'yêu']);
  });

  it('"bác sĩ" finds a document that writes "bác sỹ", and "kĩ thuật" finds "kỹ thuật"', async () => {
    const kb = new KnowledgeBase({ storage: { uri: dir.path } });
    await kb.ingestDocuments({
      namespace: 'shop',
      documents: [
        { sourceId: 'tu-van', name: 'tu-van.txt', content: 'Bác sỹ tư vấn miễn phí mỗi tối thứ năm.' },
        { sourceId: 'ky-thuat', name: 'ky-thuat.txt', content: 'Thông số kỹ thuật của máy lọc nước RO.' },
      ],
    });
    expect((await kb.search({ namespace: 'shop', query: 'bác sĩ tư vấn khi nào' })).hits[0]).toMatchObject({ sourceId: 'tu-van' });
    expect((await kb.search({ namespace: 'shop', query: 'kĩ thuật máy lọc' })).hits[0]).toMatchObject({ sourceId: 'ky-thuat' });
    await kb.close();
  });
});
