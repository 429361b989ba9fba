/**
 * The OpenAPI 3.1 document, generated from the same route definitions that validate requests.
 */
import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z, type ZodObject, type ZodType } from 'zod';
import type { Route } from '../http/route';

/** The error body every failure uses. */
export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      message_vi: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .meta({ id: 'Error' });

/** Document metadata. */
export interface DocumentInfo {
  title: string;
  version: string;
  description?: string;
  serverUrl?: string;
}

function isObjectSchema(schema: ZodType | undefined): schema is ZodObject {
  return schema instanceof z.ZodObject;
}

/** `/v1/x/:id` → `/v1/x/{id}`. */
export function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/**
 * Builds the OpenAPI document for `routes`.
 *
 * @example res.json(buildOpenApiDocument(routes, { title: 'agent-chatbot', version: '0.1.0' }))
 */
export function buildOpenApiDocument(routes: readonly Route[], info: DocumentInfo): ReturnType<OpenApiGeneratorV31['generateDocument']> {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'Access token (JWT) or tenant API key `ack_…` · Token truy cập (JWT) hoặc API key `ack_…`',
  });
  for (const route of routes) {
    const responses: RouteConfig['responses'] = {};
    for (const [status, spec] of Object.entries(route.responses)) {
      responses[status] = spec.schema
        ? { description: spec.description, content: { 'application/json': { schema: spec.schema } } }
        : { description: spec.description };
    }
    responses['default'] = {
      description: 'Lỗi · Error',
      content: { 'application/json': { schema: errorBodySchema } },
    };
    const request: NonNullable<RouteConfig['request']> = {};
    if (isObjectSchema(route.params)) request.params = route.params;
    if (isObjectSchema(route.query)) request.query = route.query;
    if (route.body) request.body = { required: true, content: { 'application/json': { schema: route.body } } };
    registry.registerPath({
      method: route.method,
      path: toOpenApiPath(route.path),
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: [...route.tags],
      operationId: `${route.method}${toOpenApiPath(route.path).replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
      ...(route.access === 'public' ? {} : { security: [{ [bearer.name]: [] }] }),
      'x-access': route.access,
      ...(route.apiKey ? { 'x-api-key': true } : {}),
      request,
      responses,
    });
  }
  const generator = new OpenApiGeneratorV31(registry.definitions);
  return generator.generateDocument({
    openapi: '3.1.0',
    info: { title: info.title, version: info.version, ...(info.description ? { description: info.description } : {}) },
    ...(info.serverUrl ? { servers: [{ url: info.serverUrl }] } : {}),
  });
}
