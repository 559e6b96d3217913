import { Readable } from 'node:stream'
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { DynamoDBDocumentClient, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb'
import { describe, expect, it } from 'vitest'
import { addConflictRetry, CONFLICT_RETRY, isTransactionConflict, retryConflicts } from './conflict-retry'
import { createDb, isConditionFailure } from './db.server'

// DynamoDB's own error bodies (awsJson1_0), as AWS answers a write that met another transaction.
const PREFIX = 'com.amazonaws.dynamodb.v20120810#'
const canceled = (...codes: string[]) => ({
  status: 400,
  body: {
    __type: `${PREFIX}TransactionCanceledException`,
    Message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
    CancellationReasons: codes.map((Code) => (Code === 'None' ? { Code } : { Code, Message: Code === 'TransactionConflict' ? 'Transaction is ongoing for the item' : 'The conditional request failed' })),
  },
})
const itemConflict = { status: 400, body: { __type: `${PREFIX}TransactionConflictException`, message: 'Transaction is ongoing for the item' } }
const validation = { status: 400, body: { __type: `${PREFIX}ValidationException`, message: 'One or more parameter values were invalid' } }
const ok = { status: 200, body: {} }

type Answer = { status: number; body: object }

/**
 * A DynamoDB client whose HTTP handler answers from a script, so the SDK parses real error bodies, and
 * the conflict retry added as createDb adds it, with recorded waits instead of real ones.
 */
function scripted(answers: Answer[], random = () => 0.5) {
  const requests: { target: string; body: Record<string, unknown> }[] = []
  const waits: number[] = []
  const client = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: 'http://dynamodb.test',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    requestHandler: {
      handle: async (request: { headers: Record<string, string>; body: Uint8Array }) => {
        requests.push({ target: request.headers['x-amz-target'] ?? '', body: JSON.parse(new TextDecoder().decode(request.body)) as Record<string, unknown> })
        const answer = answers[Math.min(requests.length, answers.length) - 1]!
        return {
          response: {
            statusCode: answer.status,
            headers: { 'content-type': 'application/x-amz-json-1.0' },
            body: Readable.from([Buffer.from(JSON.stringify(answer.body))]),
          },
        }
      },
    } as never,
  })
  addConflictRetry(client, CONFLICT_RETRY, { random, sleep: async (ms) => void waits.push(ms) })
  return { doc: DynamoDBDocumentClient.from(client), requests, waits }
}

const tx = () =>
  new TransactWriteCommand({
    TransactItems: [
      { Put: { TableName: 'leads', Item: { pk: 'LEAD#1', sk: 'PROFILE' }, ConditionExpression: 'attribute_not_exists(pk)' } },
      { Update: { TableName: 'metrics', Key: { pk: 'METRICS#overall#all', sk: 'TOTAL' }, UpdateExpression: 'ADD leads_held :one', ExpressionAttributeValues: { ':one': 1 } } },
    ],
  })

describe('retrying writes refused for a conflicting transaction', () => {
  it('sends a transaction cancelled for a conflict again until DynamoDB takes it', async () => {
    const { doc, requests, waits } = scripted([canceled('None', 'TransactionConflict'), canceled('TransactionConflict', 'None'), ok])
    await expect(doc.send(tx())).resolves.toBeDefined()
    expect(requests).toHaveLength(3)
    expect(requests.every((r) => r.target === 'DynamoDB_20120810.TransactWriteItems')).toBe(true)
    expect(waits).toHaveLength(2)
  })

  it('gives each attempt a fresh idempotency token: the refused one wrote nothing', async () => {
    const { doc, requests } = scripted([canceled('TransactionConflict', 'None'), ok])
    await doc.send(tx())
    const tokens = requests.map((r) => r.body.ClientRequestToken)
    expect(tokens.every((t) => typeof t === 'string' && t.length > 0)).toBe(true)
    expect(new Set(tokens).size).toBe(2)
  })

  it('retries a single-item write refused because a transaction holds the item', async () => {
    const { doc, requests } = scripted([itemConflict, ok])
    await doc.send(new UpdateCommand({ TableName: 'campaigns', Key: { pk: 'CAMPAIGN#c', sk: 'CHAIN' }, UpdateExpression: 'SET n = :n', ExpressionAttributeValues: { ':n': 1 } }))
    expect(requests).toHaveLength(2)
  })

  it('never retries a failed condition, even one cancelled alongside a conflict: that is an answer', async () => {
    for (const answer of [canceled('ConditionalCheckFailed', 'None'), canceled('ConditionalCheckFailed', 'TransactionConflict')]) {
      const { doc, requests } = scripted([answer, ok])
      const err = await doc.send(tx()).catch((e: unknown) => e)
      expect(isConditionFailure(err)).toBe(true)
      expect(requests).toHaveLength(1)
    }
  })

  it('does not retry other errors', async () => {
    const { doc, requests } = scripted([validation, ok])
    await expect(doc.send(tx())).rejects.toMatchObject({ name: 'ValidationException' })
    expect(requests).toHaveLength(1)
  })

  it('gives up after the policy\'s attempts with the conflict itself, waits growing with full jitter', async () => {
    const { doc, requests, waits } = scripted([canceled('TransactionConflict', 'None')], () => 0.999)
    const err = await doc.send(tx()).catch((e: unknown) => e)
    expect(isTransactionConflict(err)).toBe(true)
    expect(isConditionFailure(err)).toBe(false)
    expect(requests).toHaveLength(CONFLICT_RETRY.attempts)
    // Uniform below min(cap, base * 2^(k-1)): 20, 40, 80, 160, then the 320 ms cap.
    expect(waits.map(Math.round)).toEqual([20, 40, 80, 160, 320])
    expect(waits.reduce((a, b) => a + b, 0)).toBeLessThan(1000)
  })
})

describe('isTransactionConflict', () => {
  it.each([
    ['a conflict on one item', { name: 'TransactionCanceledException', CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }] }, true],
    ['a single-item write on a held item', { name: 'TransactionConflictException' }, true],
    ['a failed condition', { name: 'TransactionCanceledException', CancellationReasons: [{ Code: 'ConditionalCheckFailed' }] }, false],
    ['a conflict and a failed condition', { name: 'TransactionCanceledException', CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'ConditionalCheckFailed' }] }, false],
    ['cancelled for capacity', { name: 'TransactionCanceledException', CancellationReasons: [{ Code: 'ThrottlingError' }, { Code: 'None' }] }, false],
    ['no reasons at all', { name: 'TransactionCanceledException' }, false],
    ['another error', { name: 'ValidationException' }, false],
    ['not an error', null, false],
  ])('%s', (_label, err, expected) => {
    expect(isTransactionConflict(err)).toBe(expected)
  })

  it('retryConflicts answers the first success and passes other errors straight through', async () => {
    let calls = 0
    const waits: number[] = []
    const tools = { random: () => 0, sleep: async (ms: number) => void waits.push(ms) }
    await expect(
      retryConflicts(async () => {
        calls++
        if (calls < 3) throw Object.assign(new Error('conflict'), { name: 'TransactionConflictException' })
        return 'done'
      }, CONFLICT_RETRY, tools),
    ).resolves.toBe('done')
    expect(calls).toBe(3)
    await expect(retryConflicts(async () => Promise.reject(new Error('boom')), CONFLICT_RETRY, tools)).rejects.toThrow('boom')
  })
})

describe('createDb', () => {
  it('puts the conflict retry on the client every store shares', () => {
    const db = createDb({ region: 'us-east-1', endpoint: 'http://localhost:1', names: {} as never })
    expect(db.doc.middlewareStack.identify().some((m) => m.startsWith('drasonConflictRetry'))).toBe(true)
  })
})
