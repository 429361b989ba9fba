/**
 * `/docs`: a self-contained API reference page (no CDN, works offline) rendered on the server from
 * the OpenAPI document, Vietnamese first.
 */

/** The parts of an OpenAPI document the page reads. */
interface DocLike {
  info: { title: string; version: string };
  paths?: object;
}

interface OperationLike {
  summary?: string;
  tags?: string[];
  security?: unknown[];
  'x-access'?: string;
  parameters?: { name: string; in: string; required?: boolean }[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string }>;
}

const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const methods = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Renders the docs page for `document`. */
export function renderDocsPage(document: DocLike): string {
  const operations: string[] = [];
  for (const [path, item] of Object.entries((document.paths ?? {}) as Record<string, Record<string, unknown>>)) {
    for (const method of methods) {
      const op = item[method] as OperationLike | undefined;
      if (!op) continue;
      const params = (op.parameters ?? [])
        .map((p) => `<code>${escapeHtml(p.name)}</code> (${escapeHtml(p.in)}${p.required ? ', bắt buộc' : ''})`)
        .join(', ');
      const schema = op.requestBody?.content?.['application/json']?.schema;
      const responses = Object.entries(op.responses ?? {})
        .map(([code, r]) => `<li><b>${escapeHtml(code)}</b> ${escapeHtml(r.description ?? '')}</li>`)
        .join('');
      operations.push(`<section class="op">
  <h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>
  <p>${escapeHtml(op.summary ?? '')}</p>
  <p class="meta">Quyền · Access: <code>${escapeHtml(op['x-access'] ?? (op.security ? 'auth' : 'public'))}</code>
  ${op.tags?.length ? ` · Nhóm · Tags: ${escapeHtml(op.tags.join(', '))}` : ''}</p>
  ${params ? `<p class="meta">Tham số · Parameters: ${params}</p>` : ''}
  ${schema ? `<details><summary>Nội dung yêu cầu · Request body</summary><pre>${escapeHtml(JSON.stringify(schema, null, 2))}</pre></details>` : ''}
  <ul>${responses}</ul>
</section>`);
    }
  }
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tài liệu API · ${escapeHtml(document.info.title)}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#1f2937}
h1{margin-bottom:.2rem}.op{border:1px solid #e5e7eb;border-radius:8px;padding:.6rem 1rem;margin:.8rem 0}
.op h3{margin:.2rem 0;font-size:1rem}.m{display:inline-block;min-width:4.2rem;text-align:center;border-radius:4px;color:#fff;padding:1px 6px;font-size:.8rem}
.get{background:#2563eb}.post{background:#059669}.put{background:#d97706}.patch{background:#7c3aed}.delete{background:#dc2626}
.meta{color:#4b5563;font-size:.9rem;margin:.2rem 0}pre{background:#f3f4f6;padding:.6rem;overflow:auto;font-size:.8rem}
</style>
</head>
<body>
<h1>Tài liệu API · API reference</h1>
<p>${escapeHtml(document.info.title)} ${escapeHtml(document.info.version)} — tài liệu máy đọc được · machine-readable: <a href="/openapi.json">/openapi.json</a></p>
<p>Xác thực · Authentication: <code>Authorization: Bearer &lt;access token | ack_… API key&gt;</code>.
Lỗi · Errors: <code>{"error":{"code","message","message_vi"}}</code>.</p>
${operations.join('\n')}
</body>
</html>
`;
}
