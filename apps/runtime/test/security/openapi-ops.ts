/**
 * Reads the runtime's own OpenAPI document into a list of operations, and turns JSON schemas into
 * values: a minimal valid example (for the cross-tenant sweep, so validation does not answer
 * before the tenant check) and fast-check arbitraries mixing schema-shaped and hostile values
 * (for the fuzzer).
 */
import fc from 'fast-check';

/** A JSON schema node, as the runtime's document writes them (OpenAPI 3.x). */
export interface Schema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  pattern?: string;
  nullable?: boolean;
  $ref?: string;
}

/** One operation of the document. */
export interface Operation {
  method: string;
  /** OpenAPI path, e.g. `/v1/tenant/faq/{id}`. */
  path: string;
  pathParams: Array<{ name: string; schema: Schema }>;
  queryParams: Array<{ name: string; schema: Schema; required: boolean }>;
  /** The JSON request body schema, when the body is JSON. */
  body?: Schema;
  /** True when the body is multipart (uploads). */
  multipart: boolean;
  /** True when the operation needs no sign-in. */
  public: boolean;
}

interface Doc {
  paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string; required?: boolean; schema?: Schema }>; requestBody?: { content?: Record<string, { schema?: Schema }> }; security?: unknown[] }>>;
  components?: { schemas?: Record<string, Schema> };
}

/** Every operation of `doc` (refs resolved). */
export function operationsOf(doc: Doc): Operation[] {
  const resolve = (schema: Schema | undefined, depth = 0): Schema | undefined => {
    if (!schema || depth > 8) return schema;
    if (schema.$ref) return resolve(doc.components?.schemas?.[schema.$ref.split('/').at(-1)!], depth + 1);
    const out: Schema = { ...schema };
    if (schema.properties) out.properties = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, resolve(v, depth + 1)!]));
    if (schema.items) out.items = resolve(schema.items, depth + 1);
    for (const key of ['anyOf', 'oneOf', 'allOf'] as const) if (schema[key]) out[key] = schema[key]!.map((s) => resolve(s, depth + 1)!);
    return out;
  };
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const params = op.parameters ?? [];
      const content = op.requestBody?.content ?? {};
      ops.push({
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => ({ name: p.name, schema: resolve(p.schema) ?? {} })),
        queryParams: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: resolve(p.schema) ?? {}, required: p.required ?? false })),
        ...(content['application/json']?.schema ? { body: resolve(content['application/json'].schema) } : {}),
        multipart: 'multipart/form-data' in content,
        public: Array.isArray(op.security) && op.security.length === 0,
      });
    }
  }
  return ops;
}

const typeOf = (schema: Schema): string | undefined => (Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type);

/** A minimal value satisfying `schema` (required properties only). */
export function sampleOf(schema: Schema | undefined): unknown {
  if (!schema) return {};
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  const variant = schema.anyOf ?? schema.oneOf;
  if (variant?.length) return sampleOf(variant.find((s) => typeOf(s) !== 'null') ?? variant[0]);
  if (schema.allOf?.length) return Object.assign({}, ...schema.allOf.map((s) => sampleOf(s) as object));
  switch (typeOf(schema)) {
    case 'object':
      return Object.fromEntries((schema.required ?? []).map((key) => [key, sampleOf(schema.properties?.[key])]));
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => sampleOf(schema.items));
    case 'integer':
    case 'number':
      return Math.max(schema.minimum ?? 1, 1);
    case 'boolean':
      return true;
    case 'string': {
      if (schema.format === 'uuid') return '00000000-0000-4000-8000-000000000001';
      if (schema.format === 'email') return 'khach@example.vn';
      if (schema.format === 'uri' || schema.format === 'url') return 'https://example.vn/a';
      if (schema.format === 'date-time') return new Date().toISOString();
      const text = 'Xin chào shop';
      return text.padEnd(schema.minLength ?? 0, 'a').slice(0, schema.maxLength ?? 10_000);
    }
    default:
      return {};
  }
}

/** Hostile scalars every field is tried with now and then. */
const hostile = fc.constantFrom<unknown>(
  null, '', ' ', -1, 0, 1e308, -1e308, 2 ** 53, 'NaN', '../../etc/passwd', "' OR 1=1 --", '<script>alert(1)</script>',
  '\u0000', 'a'.repeat(5000), '00000000-0000-0000-0000-000000000000', '💥', 'Tiếng Việt có dấu', [], {}, { $ne: null }, true,
);

/** A fast-check arbitrary for `schema`: shaped values most of the time, hostile ones sometimes. */
export function arbitraryOf(schema: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 4) return fc.oneof(hostile, fc.jsonValue({ maxDepth: 2 }));
  const shaped = (): fc.Arbitrary<unknown> => {
    if (schema.enum?.length) return fc.constantFrom(...schema.enum);
    const variant = schema.anyOf ?? schema.oneOf;
    if (variant?.length) return fc.oneof(...variant.map((s) => arbitraryOf(s, depth + 1)));
    switch (typeOf(schema)) {
      case 'object': {
        const props = Object.entries(schema.properties ?? {});
        const required = new Set(schema.required ?? []);
        const record: Record<string, fc.Arbitrary<unknown>> = Object.fromEntries(props.map(([k, v]) => [k, arbitraryOf(v, depth + 1)]));
        return fc.record(record, { requiredKeys: props.map(([k]) => k).filter((k) => required.has(k)) });
      }
      case 'array':
        return fc.array(arbitraryOf(schema.items, depth + 1), { maxLength: 4 });
      case 'integer':
        return fc.integer({ min: -10, max: 1_000_000 });
      case 'number':
        return fc.double({ noNaN: true, min: -1e6, max: 1e12 });
      case 'boolean':
        return fc.boolean();
      case 'string':
        if (schema.format === 'uuid') return fc.uuid();
        if (schema.format === 'email') return fc.emailAddress();
        return fc.string({ maxLength: 60, unit: 'grapheme' });
      default:
        return fc.jsonValue({ maxDepth: 2 });
    }
  };
  return fc.oneof({ arbitrary: shaped(), weight: 4 }, { arbitrary: hostile, weight: 1 });
}
