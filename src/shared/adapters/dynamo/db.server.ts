import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb'
import type { QueryCommandInput, TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb'
import { addConflictRetry, realTools, type RetryTools } from './conflict-retry'

/** The logical table names, exactly as declared in app.arc. */
export const TABLES = [
  'leads',
  'routing',
  'campaigns',
  'mailboxes',
  'domains',
  'audit',
  'metrics',
  'suppression',
  'settings',
  'users',
  'sessions',
  'sendclaims',
  'imports',
  'feedback',
] as const
export type TableName = (typeof TABLES)[number]

/** The one handle every repository takes: a document client and the physical table names. */
export interface Db {
  doc: DynamoDBDocumentClient
  table(name: TableName): string
}

export function createDb(options: { endpoint?: string; region: string; names: Record<TableName, string> }): Db {
  const client = new DynamoDBClient({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  })
  addConflictRetry(client)
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  })
  return { doc, table: (name) => options.names[name] }
}

/** Physical names the Architect sandbox gives tables (`<app>-staging-<name>`). */
export function sandboxTableNames(app = 'drason', stage = 'staging'): Record<TableName, string> {
  return Object.fromEntries(TABLES.map((t) => [t, `${app}-${stage}-${t}`])) as Record<TableName, string>
}

/**
 * The Db for code running as a Lambda (in AWS or in the sandbox). In the sandbox the endpoint is the
 * local database on the sandbox's tables port, and names follow the sandbox convention (no lookup, so a
 * fresh sandbox process saves a round trip). In AWS, names come from Architect's service discovery (SSM).
 */
export async function lambdaDb(env: Record<string, string | undefined> = process.env): Promise<Db> {
  const region = env.AWS_REGION ?? 'us-east-1'
  if (env.ARC_SANDBOX) {
    const { ports } = JSON.parse(env.ARC_SANDBOX) as { ports: { tables: number } }
    return createDb({ endpoint: `http://localhost:${ports.tables}`, region, names: sandboxTableNames(env.ARC_APP_NAME ?? 'drason') })
  }
  const arc = await import('@architect/functions')
  const services = (await arc.default.services()) as { tables?: Record<string, string> }
  const names = services.tables ?? {}
  const missing = TABLES.filter((t) => !names[t])
  if (missing.length) throw new Error(`Table names not found in service discovery: ${missing.join(', ')}`)
  return createDb({ region, names: names as Record<TableName, string> })
}

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number]

/**
 * All-or-nothing write of items that must change together (a record, its audit event, its counters).
 * DynamoDB allows 100 items per transaction; Drason's transactions hold a handful.
 */
export async function transact(db: Db, items: TransactItem[]): Promise<void> {
  if (items.length === 0) return
  await db.doc.send(new TransactWriteCommand({ TransactItems: items }))
}

/** Rounds of a batch's leftovers before giving up (waits of up to 50 ms .. 1 s, ~4 s in all). */
export const LEFTOVER_ROUNDS = 8

/**
 * Sends a batch request, then what DynamoDB hands back unprocessed (UnprocessedKeys / UnprocessedItems)
 * until nothing is left. AWS leaves part of a batch when a partition is busy and asks for a backoff before
 * the rest is sent again: a tight loop would only be refused again. DynamoDB Local never leaves any.
 * Throws after LEFTOVER_ROUNDS rounds rather than loop for ever; the caller's queue or request retries.
 */
export async function sendUntilProcessed<R extends object>(request: R, send: (request: R) => Promise<R | undefined>, tools: RetryTools = realTools): Promise<void> {
  for (let round = 1; ; round++) {
    const left = await send(request)
    if (!left || Object.keys(left).length === 0) return
    if (round >= LEFTOVER_ROUNDS) throw new Error(`DynamoDB left part of a batch unprocessed ${LEFTOVER_ROUNDS} times in a row; try again later.`)
    await tools.sleep(tools.random() * Math.min(1000, 50 * 2 ** (round - 1)))
    request = left
  }
}

// BatchGetItem takes at most 100 keys per request.
const BATCH_GET_KEYS = 100

/**
 * The items stored under `keys` in one table (missing ones left out, in no particular order), 100 keys per
 * BatchGetItem, asking again for any keys DynamoDB left unprocessed. Eventually consistent.
 */
export async function batchGetAll(db: Db, table: TableName, keys: Record<string, unknown>[]): Promise<Record<string, unknown>[]> {
  const physical = db.table(table)
  const found: Record<string, unknown>[] = []
  for (let i = 0; i < keys.length; i += BATCH_GET_KEYS) {
    await sendUntilProcessed({ [physical]: { Keys: keys.slice(i, i + BATCH_GET_KEYS) } }, async (request) => {
      const out = await db.doc.send(new BatchGetCommand({ RequestItems: request }))
      found.push(...(out.Responses?.[physical] ?? []))
      return out.UnprocessedKeys as typeof request | undefined
    })
  }
  return found
}

/**
 * Every item a Query finds, reading page after page (DynamoDB stops a page at 1 MB). For partitions that
 * are small by design: a day's counters, a job's chunks, a list of campaigns or domains.
 */
export async function queryAll(db: Db, input: Omit<QueryCommandInput, 'ExclusiveStartKey'>): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = []
  let start: Record<string, unknown> | undefined
  do {
    const out = await db.doc.send(new QueryCommand({ ...input, ...(start ? { ExclusiveStartKey: start } : {}) }))
    items.push(...(out.Items ?? []))
    start = out.LastEvaluatedKey
  } while (start)
  return items
}

/** True when a write failed only because its condition did not hold (the item exists, a version moved). */
export function isConditionFailure(err: unknown): boolean {
  const name = (err as { name?: string } | null)?.name
  if (name === 'ConditionalCheckFailedException') return true
  if (name === 'TransactionCanceledException') {
    const reasons = (err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []
    return reasons.some((r) => r.Code === 'ConditionalCheckFailed')
  }
  return false
}

/** Opaque pagination cursors: base64url JSON, validated on the way back in. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url')
}
export function decodeCursor(cursor: string | null | undefined): unknown {
  if (!cursor) return undefined
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    return undefined
  }
}

/**
 * The ExclusiveStartKey a listing's cursor names, or undefined (the first page). A cursor comes back from
 * a browser's address bar, so it must hold exactly the key attributes a page of that index ends on, each
 * a string, and stay in the partition being listed; anything else would reach DynamoDB as a malformed
 * start key and fail the page, so it starts from the top instead.
 */
export function startKeyFrom(cursor: string | null | undefined, keyNames: readonly string[], partition: { name: string; value: string }): Record<string, string> | undefined {
  return checkStartKey(decodeCursor(cursor), keyNames, partition)
}

/** `startKeyFrom` for a key already decoded (one carried inside a larger cursor). */
export function checkStartKey(value: unknown, keyNames: readonly string[], partition: { name: string; value: string }): Record<string, string> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
  const entries = Object.entries(value as Record<string, unknown>)
  if (entries.length !== keyNames.length) return undefined
  if (!entries.every(([k, v]) => keyNames.includes(k) && typeof v === 'string' && v.length > 0 && v.length <= 1024)) return undefined
  const key = value as Record<string, string>
  return key[partition.name] === partition.value ? key : undefined
}
