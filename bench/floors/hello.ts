import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda'

// Floor (a): the least a Lambda can be. Its cold start is the Node runtime starting and reading one tiny
// file, so a function's ratio to it shows what the function's own code and dependencies add.
export const handler = async (): Promise<APIGatewayProxyStructuredResultV2> => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ ok: true, floor: 'hello' }),
})
