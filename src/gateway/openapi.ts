/**
 * The OpenAPI 3.1 document, generated from the route table — the same valibot schemas
 * that validate requests at the edge describe them here (JSON Schema 2020-12, which
 * OpenAPI 3.1 uses as is). Problem answers share one response object. A deprecated route's
 * operation is `deprecated: true`, says its dates and link in its description, names its
 * sunset in `x-sunset`, and lists the headers its answers carry.
 */
import { toJsonSchema } from '@valibot/to-json-schema';
import type * as v from 'valibot';
import { ProblemSchema } from './routes/shapes.ts';
import type { AnyRoute, ObjectSchema } from './route-spec.ts';
import { deprecationNotice } from './middleware/deprecation.ts';
import { API_VERSION } from './middleware/request-context.ts';

type Json = Record<string, unknown>;

const schema = (s: v.GenericSchema, typeMode: 'input' | 'output'): Json => {
  const { $schema: _, ...rest } = toJsonSchema(s, { target: 'draft-2020-12', errorMode: 'ignore', typeMode }) as Json;
  return rest;
};

const PROBLEM_REF = { $ref: '#/components/responses/Problem' };
const DEPRECATION_HEADERS = ['Deprecation', 'Sunset', 'Link'] as const;
const SECURITY: Readonly<Record<AnyRoute['access'], Json[]>> = {
  public: [],
  user: [{ bearer: [] }, { basic: [] }],
  session: [{ bearer: [] }],
};

/**
 * Builds the document for `routes`.
 *
 * @example
 * const doc = openApiDocument(ROUTES, 'https://hearth.example.home');
 * Object.keys(doc.paths); // ['/healthz', '/v1/auth/register', …]
 */
export function openApiDocument(routes: readonly AnyRoute[], publicUrl: string): { openapi: string; paths: Record<string, Json> } & Json {
  const paths: Record<string, Json> = {};
  for (const r of routes) {
    if (r.hidden) continue;
    const path = r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    (paths[path] ??= {})[r.method.toLowerCase()] = operation(r);
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Hearth API', version: API_VERSION, description: 'Location sharing, chat and alerts for a family or small group. Errors are RFC 9457 problem documents.' },
    servers: [{ url: publicUrl }],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        basic: { type: 'http', scheme: 'basic', description: 'email + app password' },
      },
      headers: {
        Deprecation: { description: 'When this operation was (or will be) deprecated (RFC 9745): `@` and Unix seconds', schema: { type: 'string', pattern: '^@-?[0-9]+$' } },
        Sunset: { description: 'When this operation may stop answering (RFC 8594): an HTTP-date', schema: { type: 'string' } },
        Link: { description: 'Where to read what to use instead (`rel="deprecation"`) and, if given, about the retirement (`rel="sunset"`)', schema: { type: 'string' } },
      },
      responses: {
        Problem: { description: 'A problem (RFC 9457)', content: { 'application/problem+json': { schema: schema(ProblemSchema, 'output') } } },
      },
    },
  };
}

function operation(r: AnyRoute): Json {
  const op: Json = {
    operationId: `${r.method.toLowerCase()}${r.path.replace(/[^A-Za-z0-9]+(.)?/g, (_, ch: string | undefined) => (ch ?? '').toUpperCase())}`,
    summary: r.summary,
    tags: [r.tag],
    security: SECURITY[r.access],
    parameters: [...parameters(r.params, 'path'), ...parameters(r.query, 'query')],
    responses: responses(r),
  };
  if (r.body) op.requestBody = { required: true, content: { 'application/json': { schema: schema(r.body, 'input') } } };
  if (r.deprecated) {
    const { since, sunset } = deprecationNotice(r.deprecated);
    op.deprecated = true;
    op.description = `Deprecated since ${since.toISOString()}; may stop answering after ${sunset.toISOString()}. What to use instead: ${r.deprecated.link}`;
    op['x-sunset'] = sunset.toISOString();
  }
  if (r.method === 'POST') {
    (op.parameters as Json[]).push({ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 255 } });
  }
  return op;
}

function parameters(s: ObjectSchema | undefined, where: 'path' | 'query'): Json[] {
  if (!s) return [];
  return Object.entries(s.entries).map(([name, entry]) => ({
    name,
    in: where,
    required: where === 'path' || (entry.type !== 'optional' && entry.type !== 'nullish'),
    schema: schema(entry as v.GenericSchema, 'input'),
  }));
}

function responses(r: AnyRoute): Json {
  const status = String(r.status ?? 200);
  const ok: Json = { description: r.summary };
  if (r.status !== 204) {
    if (r.replyType) ok.content = { [r.replyType.split(';')[0]!]: { schema: { type: 'string' } } };
    else if (r.reply) ok.content = { 'application/json': { schema: schema(r.reply, 'output') } };
  }
  if (r.deprecated) ok.headers = Object.fromEntries(DEPRECATION_HEADERS.map((h) => [h, { $ref: `#/components/headers/${h}` }]));
  const out: Json = { [status]: ok };
  const problems = ['400', '429'];
  if (r.access !== 'public') problems.push('401');
  if (r.group || r.service) problems.push('403', '404');
  if (r.body) problems.push('413', '415');
  if (r.method === 'POST') problems.push('409', '422');
  if (r.service) problems.push('503', '504');
  for (const p of problems.sort()) out[p] = PROBLEM_REF;
  return out;
}
