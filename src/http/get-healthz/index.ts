import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda'

// Liveness only: answers without login or database so a load balancer or `npm start` can poll it cheaply.
export const handler = async (): Promise<APIGatewayProxyStructuredResultV2> => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  body: JSON.stringify({ ok: true, service: 'drason' }),
})
