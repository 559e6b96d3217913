import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { SESv2Client } from '@aws-sdk/client-sesv2'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda'

// Floor (b) for functions that also send mail (the send loop): the DynamoDB clients plus SES v2.
const region = process.env.AWS_REGION ?? 'us-east-1'
const client = new DynamoDBClient({ region })
const doc = DynamoDBDocumentClient.from(client, {
  marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
})
const ses = new SESv2Client({ region })

export const handler = async (): Promise<APIGatewayProxyStructuredResultV2> => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ ok: true, floor: 'sdk-dynamodb-ses', clients: [typeof doc.send, typeof ses.send] }),
})
