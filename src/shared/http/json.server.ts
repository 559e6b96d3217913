import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda'

/** What the API handlers see of a request: already decoded, header names lower-cased. */
export interface ApiRequest {
  method: string
  path: string
  headers: Record<string, string>
  query: Record<string, string>
  body: string
  /** The body's bytes (file uploads). */
  rawBody: Uint8Array
  client: string
}

export interface ApiResponse {
  status: number
  body: unknown
  headers?: Record<string, string>
}

export function fromLambdaEvent(event: APIGatewayProxyEventV2): ApiRequest {
  const headers: Record<string, string> = {}
  for (const [k, v] of Object.entries(event.headers ?? {})) if (v !== undefined) headers[k.toLowerCase()] = v
  const query: Record<string, string> = {}
  for (const [k, v] of Object.entries(event.queryStringParameters ?? {})) if (v !== undefined) query[k] = v
  const raw = event.body ?? ''
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8')
  return {
    method: event.requestContext?.http?.method?.toUpperCase() ?? 'GET',
    path: event.rawPath ?? event.requestContext?.http?.path ?? '/',
    headers,
    query,
    body: event.isBase64Encoded ? bytes.toString('utf8') : raw,
    rawBody: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    client: event.requestContext?.http?.sourceIp ?? 'unknown',
  }
}

export function toLambdaResult(res: ApiResponse): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: res.status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...res.headers },
    body: JSON.stringify(res.body),
  }
}

export const jsonError = (status: number, error: string, details?: unknown): ApiResponse => ({
  status,
  body: details === undefined ? { error } : { error, details },
})

/** Parses a JSON body; a malformed one is an expected failure (400), never an exception. */
export function parseJsonBody(req: ApiRequest): { ok: true; value: unknown } | { ok: false; response: ApiResponse } {
  const type = req.headers['content-type'] ?? ''
  if (!/^application\/(.+\+)?json\b/i.test(type)) {
    return { ok: false, response: jsonError(415, 'Send the body as JSON with Content-Type: application/json.') }
  }
  try {
    return { ok: true, value: JSON.parse(req.body) }
  } catch {
    return { ok: false, response: jsonError(400, 'The request body is not valid JSON.') }
  }
}
