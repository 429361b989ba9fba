import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FaqEntry, KnowledgeDocument, Product } from '../api/content-types';
import type { SessionResponse } from '../api/types';
import { adminSession, renderApp } from '../test/render-app';
import { type FakeHandler } from '../test/fake-api';

/** A stand-in for XMLHttpRequest: the test drives upload progress and the answer. */
class FakeXhr {
  static sent: FakeXhr[] = [];
  readonly upload = new EventTarget();
  private readonly events = new EventTarget();
  readonly headers: Record<string, string> = {};
  method = '';
  url = '';
  body: FormData | null = null;
  status = 0;
  responseText = '';
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  addEventListener(type: string, listener: EventListener) {
    this.events.addEventListener(type, listener);
  }
  send(body: FormData) {
    this.body = body;
    FakeXhr.sent.push(this);
  }
  abort() {
    this.events.dispatchEvent(new Event('abort'));
  }
  progress(loaded: number, total: number) {
    this.upload.dispatchEvent(Object.assign(new Event('progress'), { lengthComputable: true, loaded, total }));
  }
  respond(status: number, body: unknown) {
    this.status = status;
    this.responseText = JSON.stringify(body);
    this.events.dispatchEvent(new Event('load'));
  }
  fileName() {
    return (this.body?.get('file') as File | null)?.name;
  }
}

afterEach(() => {
  vi.unstubAllGlobals();
  FakeXhr.sent = [];
});

const at = '2026-11-26T05:00:00.000Z';
const doc = (id: string, name: string, extra: Partial<KnowledgeDocument> = {}): KnowledgeDocument => ({
  id,
  name,
  kind: 'file',
  status: 'ready',
  stage: 'done',
  percent: 100,
  error: null,
  chunk_count: 4,
  size_bytes: 1000,
  mime_type: 'application/pdf',
  encoding: null,
  content_kind: null,
  embedding: null,
  created_at: at,
  updated_at: at,
  ...extra,
});

/** An event stream the test pushes events into. */
function eventStream() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
  });
  const push = (event: string, data: unknown) =>
    act(() => controller.enqueue(new TextEncoder().encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)));
  return { stream, push };
}

function knowledgeServer() {
  const docs: KnowledgeDocument[] = [doc('00000000-0000-4000-8000-0000000000d1', 'gioi-thieu.pdf')];
  const faq: FaqEntry[] = [];
  const products: Product[] = [
    {
      id: '00000000-0000-4000-8000-0000000000p1',
      sku: 'AT-01',
      name: 'Áo thun trắng',
      price_vnd: 150000,
      stock: 12,
      category: 'Áo',
      description: null,
      attributes: {},
      document_id: null,
      created_at: at,
      updated_at: at,
    },
  ];
  const events = eventStream();
  const handlers: Record<string, FakeHandler> = {
    'GET /v1/tenant/documents/events': () => ({ status: 200, raw: events.stream, contentType: 'text/event-stream' }),
    'GET /v1/tenant/documents': () => ({ status: 200, body: { items: docs, total: docs.length } }),
    'POST /v1/tenant/documents/{id}/reindex': (call) => ({
      status: 202,
      body: { ...docs.find((d) => call.path.includes(d.id))!, status: 'pending', stage: 'queued', percent: 0 },
    }),
    'DELETE /v1/tenant/documents/{id}': (call) => {
      docs.splice(docs.findIndex((d) => call.path.includes(d.id)), 1);
      return { status: 204 };
    },
    'GET /v1/tenant/faq': () => ({ status: 200, body: { items: faq, total: faq.length } }),
    'POST /v1/tenant/faq': (call) => {
      const body = call.body as { question: string; answer: string; tags: string[] };
      const entry: FaqEntry = { id: `00000000-0000-4000-8000-00000000f00${faq.length}`, ...body, document_id: null, created_at: at, updated_at: at };
      faq.push(entry);
      return { status: 201, body: entry };
    },
    'PATCH /v1/tenant/faq/{id}': (call) => {
      const entry = faq.find((f) => call.path.endsWith(f.id))!;
      Object.assign(entry, call.body);
      return { status: 200, body: entry };
    },
    'DELETE /v1/tenant/faq/{id}': (call) => {
      faq.splice(faq.findIndex((f) => call.path.endsWith(f.id)), 1);
      return { status: 204 };
    },
    'POST /v1/tenant/faq/import': () => {
      faq.push({ id: '00000000-0000-4000-8000-00000000f0aa', question: 'Có giao hàng không?', answer: 'Dạ có ạ', tags: [], document_id: null, created_at: at, updated_at: at });
      return { status: 201, body: { imported: 1, items: faq } };
    },
    'GET /v1/tenant/products': () => ({ status: 200, body: { items: products, total: products.length } }),
    'PATCH /v1/tenant/products/{id}': (call) => {
      Object.assign(products[0]!, call.body);
      return { status: 200, body: products[0] };
    },
  };
  return { handlers, docs, push: events.push };
}

describe('/app/knowledge', () => {
  it('uploads several files with a progress bar each: upload progress, then ingestion stages, statuses and per-file errors', async () => {
    vi.stubGlobal('XMLHttpRequest', FakeXhr);
    const user = userEvent.setup();
    const server = knowledgeServer();
    await renderApp({ path: '/app/knowledge', handlers: server.handlers, session: adminSession });
    expect(await screen.findByText('gioi-thieu.pdf')).toBeTruthy();

    const input = screen.getByLabelText('Chọn tài liệu để tải lên');
    await user.upload(input, [
      new File(['Bảng giá áo thun'], 'bang-gia.pdf', { type: 'application/pdf' }),
      new File(['x'.repeat(50)], 'video.xlsx', { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }),
    ]);
    await waitFor(() => expect(FakeXhr.sent).toHaveLength(2));
    const [first, second] = FakeXhr.sent;
    expect(first!.method).toBe('POST');
    expect(first!.url).toBe('http://dashboard.test/v1/tenant/documents');
    expect(first!.headers['Authorization']).toBe('Bearer access-1');
    expect(first!.fileName()).toBe('bang-gia.pdf');
    expect(second!.fileName()).toBe('video.xlsx');

    const bar = (name: string) => screen.getByRole('progressbar', { name: `Tiến độ của ${name}` });
    act(() => first!.progress(40, 100));
    await waitFor(() => expect(bar('bang-gia.pdf').getAttribute('aria-valuenow')).toBe('40'));
    expect(screen.getByText('Đang tải lên 40%')).toBeTruthy();

    const newId = '00000000-0000-4000-8000-0000000000d2';
    const pending = doc(newId, 'bang-gia.pdf', { status: 'pending', stage: 'queued', percent: 0, chunk_count: 0 });
    server.docs.unshift(pending);
    act(() => first!.respond(201, { items: [{ name: 'bang-gia.pdf', status: 201, document: pending }] }));
    act(() =>
      second!.respond(413, {
        error: { code: 'file_too_large', message: 'The file is larger than 20 MB', message_vi: 'Tệp lớn hơn 20 MB', details: { items: [] } },
      }),
    );
    expect(await screen.findByText('Tệp lớn hơn 20 MB')).toBeTruthy();
    expect(bar('video.xlsx').getAttribute('aria-valuenow')).toBe('100');

    // Ingestion progress arrives on the event stream and moves the same bar.
    await server.push('document.progress', { type: 'document.progress', documentId: newId, name: 'bang-gia.pdf', status: 'processing', stage: 'chunking', percent: 60 });
    await waitFor(() => expect(bar('bang-gia.pdf').getAttribute('aria-valuenow')).toBe('60'));
    expect(bar('bang-gia.pdf').getAttribute('aria-valuetext')).toBe('Đang chia đoạn 60%');
    expect(screen.getByRole('progressbar', { name: 'Tiến độ xử lý bang-gia.pdf' }).getAttribute('aria-valuenow')).toBe('60');
    await server.push('document.progress', { type: 'document.progress', documentId: newId, name: 'bang-gia.pdf', status: 'ready', stage: 'done', percent: 100, chunkCount: 7 });
    expect(await screen.findByText('Sẵn sàng · 7 đoạn')).toBeTruthy();
    // The table shows the same live status.
    const row = screen.getAllByRole('row').find((r) => within(r).queryByText('bang-gia.pdf'))!;
    expect(within(row).getByText('Sẵn sàng')).toBeTruthy();
    expect(within(row).getByText('7')).toBeTruthy();
  });

  it('uploads files dropped on the drop zone', async () => {
    vi.stubGlobal('XMLHttpRequest', FakeXhr);
    const server = knowledgeServer();
    await renderApp({ path: '/app/knowledge', handlers: server.handlers, session: adminSession });
    const zone = await screen.findByTestId('dropzone');
    const file = new File(['Chính sách đổi trả trong 7 ngày'], 'doi-tra.md', { type: 'text/markdown' });
    fireEvent.dragOver(zone, { dataTransfer: { files: [file] } });
    expect(zone.className).toContain('border-primary');
    fireEvent.drop(zone, { dataTransfer: { files: [file] } });
    await waitFor(() => expect(FakeXhr.sent).toHaveLength(1));
    expect(FakeXhr.sent[0]!.fileName()).toBe('doi-tra.md');
    expect(screen.getByRole('progressbar', { name: 'Tiến độ của doi-tra.md' }).getAttribute('aria-valuenow')).toBe('0');
    act(() => FakeXhr.sent[0]!.respond(415, { error: { code: 'unsupported_type', message: 'Unsupported file type', message_vi: 'Định dạng tệp không được hỗ trợ' } }));
    expect(await screen.findByText('Định dạng tệp không được hỗ trợ')).toBeTruthy();
  });

  it('shows a failed ingestion in the reader language, re-indexes and deletes after confirmation', async () => {
    const user = userEvent.setup();
    const server = knowledgeServer();
    server.docs.push(
      doc('00000000-0000-4000-8000-0000000000d3', 'hop-dong.pdf', {
        status: 'failed',
        stage: 'failed',
        error: { code: 'encrypted_file', message: 'The PDF is password-protected', message_vi: 'Tệp PDF có mật khẩu' },
      }),
    );
    const { calls, i18n } = await renderApp({ path: '/app/knowledge', handlers: server.handlers, session: adminSession });
    expect(await screen.findByText('Tệp PDF có mật khẩu')).toBeTruthy();
    await act(() => i18n.changeLanguage('en'));
    expect(await screen.findByText('The PDF is password-protected')).toBeTruthy();
    await act(() => i18n.changeLanguage('vi'));

    await user.click(screen.getByRole('button', { name: 'Lập chỉ mục lại hop-dong.pdf' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'POST' && c.path === '/v1/tenant/documents/00000000-0000-4000-8000-0000000000d3/reindex')).toBe(true));
    const row = () => screen.getAllByRole('row').find((r) => within(r).queryByText('hop-dong.pdf'));
    await waitFor(() => expect(within(row()!).getByText('Đang chờ')).toBeTruthy());

    await user.click(within(row()!).getByRole('button', { name: 'Xoá' }));
    const dialog = await screen.findByRole('dialog', { name: 'Xoá tài liệu?' });
    await user.click(within(dialog).getByRole('button', { name: 'Xoá' }));
    await waitFor(() => expect(row()).toBeUndefined());
    expect(calls.find((c) => c.method === 'DELETE')?.path).toBe('/v1/tenant/documents/00000000-0000-4000-8000-0000000000d3');
  });

  it('edits the FAQ (create, edit, delete, import) and products (price shown in đồng, edit)', async () => {
    const user = userEvent.setup();
    const server = knowledgeServer();
    const { calls } = await renderApp({ path: '/app/knowledge', handlers: server.handlers, session: adminSession });

    await user.click(await screen.findByRole('button', { name: 'Thêm câu hỏi' }));
    let dialog = await screen.findByRole('dialog', { name: 'Thêm câu hỏi thường gặp' });
    await user.click(within(dialog).getByRole('button', { name: 'Lưu' }));
    expect(within(dialog).getByText('Vui lòng nhập cả câu hỏi và câu trả lời.')).toBeTruthy();
    await user.type(within(dialog).getByLabelText('Câu hỏi'), 'Shop mở cửa mấy giờ?');
    await user.type(within(dialog).getByLabelText('Câu trả lời'), 'Dạ 8h đến 21h ạ');
    await user.type(within(dialog).getByLabelText('Thẻ'), 'giờ mở cửa, cửa hàng');
    await user.click(within(dialog).getByRole('button', { name: 'Lưu' }));
    expect(await screen.findByText('Dạ 8h đến 21h ạ')).toBeTruthy();
    expect(calls.find((c) => c.method === 'POST' && c.path === '/v1/tenant/faq')?.body).toEqual({
      question: 'Shop mở cửa mấy giờ?',
      answer: 'Dạ 8h đến 21h ạ',
      tags: ['giờ mở cửa', 'cửa hàng'],
    });

    await user.click(screen.getByRole('button', { name: 'Sửa câu hỏi "Shop mở cửa mấy giờ?"' }));
    dialog = await screen.findByRole('dialog', { name: 'Sửa câu hỏi thường gặp' });
    const answer = within(dialog).getByLabelText('Câu trả lời');
    await user.clear(answer);
    await user.type(answer, 'Dạ 8h đến 22h ạ');
    await user.click(within(dialog).getByRole('button', { name: 'Lưu' }));
    expect(await screen.findByText('Dạ 8h đến 22h ạ')).toBeTruthy();
    expect(calls.find((c) => c.method === 'PATCH' && c.path.startsWith('/v1/tenant/faq/'))?.body).toMatchObject({ answer: 'Dạ 8h đến 22h ạ' });

    await user.upload(screen.getByLabelText('Nhập từ CSV/XLSX'), new File(['câu hỏi,trả lời\nCó giao hàng không?,Dạ có ạ\n'], 'faq.csv', { type: 'text/csv' }));
    expect(await screen.findByText('Đã nhập 1 dòng.')).toBeTruthy();
    expect(await screen.findByText('Có giao hàng không?')).toBeTruthy();
    const upload = calls.find((c) => c.path === '/v1/tenant/faq/import')!;
    expect(upload.headers.get('authorization')).toBe('Bearer access-1');
    expect(String(upload.body)).toContain('Có giao hàng không?');

    const faqItem = screen.getByText('Có giao hàng không?').closest('li')!;
    await user.click(within(faqItem).getByRole('button', { name: 'Xoá' }));
    await user.click(within(await screen.findByRole('dialog', { name: 'Xoá câu hỏi?' })).getByRole('button', { name: 'Xoá' }));
    await waitFor(() => expect(screen.queryByText('Có giao hàng không?')).toBeNull());

    // Products: the price in đồng, edited from the keyboard.
    const productRow = screen.getAllByRole('row').find((r) => within(r).queryByText('Áo thun trắng'))!;
    expect(within(productRow).getByText(/150\.000\s₫/)).toBeTruthy();
    await user.click(within(productRow).getByRole('button', { name: 'Sửa sản phẩm Áo thun trắng' }));
    dialog = await screen.findByRole('dialog', { name: 'Sửa sản phẩm' });
    const price = within(dialog).getByLabelText('Giá (đồng)');
    await user.clear(price);
    await user.type(price, 'abc');
    await user.keyboard('{Enter}');
    expect(within(dialog).getByText('Giá và tồn kho phải là số nguyên không âm (ví dụ 150000).')).toBeTruthy();
    await user.clear(price);
    await user.type(price, '180.000{Enter}');
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(calls.find((c) => c.method === 'PATCH' && c.path.startsWith('/v1/tenant/products/'))?.body).toEqual({
      name: 'Áo thun trắng',
      sku: 'AT-01',
      price_vnd: 180000,
      stock: 12,
      category: 'Áo',
    });
    expect(await screen.findByText(/180\.000\s₫/)).toBeTruthy();
  });

  it('is read-only for an agent: no upload, no edit buttons', async () => {
    const agent: SessionResponse = { ...adminSession, tenant: { ...adminSession.tenant!, role: 'tenant-agent' } };
    const server = knowledgeServer();
    await renderApp({ path: '/app/knowledge', handlers: server.handlers, session: agent });
    expect(await screen.findByText('Chỉ quản trị viên cửa hàng mới thay đổi được kho tri thức.')).toBeTruthy();
    expect(await screen.findByText('gioi-thieu.pdf')).toBeTruthy();
    expect(screen.queryByLabelText('Chọn tài liệu để tải lên')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Thêm câu hỏi' })).toBeNull();
    expect(screen.queryByRole('button', { name: /Lập chỉ mục lại/ })).toBeNull();
  });
});
