/**
 * DynamoDB request units as AWS bills them, computed from the calls a Db makes and the sizes of the items
 * they touch. DynamoDB Local does not meter: asked for ReturnConsumedCapacity it answers for some calls
 * and not others, with numbers that ignore item sizes and indexes (the report prints what it said), so an
 * SDK middleware on the Db's document client computes the units instead, with this model (AWS DynamoDB
 * Developer Guide: "Item sizes and formats", "Read/write capacity unit consumption", "Global secondary
 * indexes: provisioned throughput considerations", "Transactions: capacity management"):
 *
 * Item size: the sum over attributes of the name's UTF-8 bytes plus the value's size. A string is its
 *   UTF-8 bytes, a number 1 byte per two significant digits plus 1, a boolean or null 1 byte, a binary its
 *   raw bytes, a list or map 3 bytes plus 1 byte and the size of each element (a map element's size
 *   includes its name).
 * Reads (RCU, 4 KB = 4,096 bytes): GetItem max(1, ceil(size / 4 KB)), also for an item that does not
 *   exist; BatchGetItem the same for each key. Query and Scan: ceil(total size of the items *evaluated* /
 *   4 KB), at least 1. A FilterExpression is applied after the read and a ProjectionExpression does not
 *   lower the size, so both are priced on the whole items (re-read without them). Eventually consistent
 *   reads (the default, and every read of a global secondary index) cost half. TransactGetItems: twice a
 *   strongly consistent read.
 * Writes (WCU, 1 KB = 1,024 bytes): max(1, ceil(size / 1 KB)), the size being the larger of the item
 *   before and after (PutItem over an existing item, UpdateItem), the new item (PutItem), or the deleted
 *   item (DeleteItem). Each item of a TransactWriteItems costs twice that; a ConditionCheck costs as a
 *   transactional write of the item checked. A failed conditional write still costs its units (counted, and
 *   reported as a failure).
 * Index writes: for each global secondary index of the table, sized by its projection (ALL here, so an
 *   index entry is the whole item): an item entering the index costs one write of its entry, one leaving
 *   it one write of the old entry, a change of its index key two (delete + put), a change of projected
 *   attributes only one (the larger entry), no change nothing. AWS does not say that a transaction doubles
 *   index writes (the index is updated after the transaction commits); this model does not double them,
 *   so transactional index writes are a lower bound.
 * Before and after images come from strongly consistent GetItems on a separate, unmetered client, made
 * around each write (the probes are not counted and cost time: meter units and time in separate runs).
 */
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { GetCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb'
import { createDb, type Db, type TableName } from '../src/shared/adapters/dynamo/db.server'

type Item = Record<string, unknown>

interface IndexSchema {
  name: string
  keys: string[]
  projection: string
  include: string[]
}
interface TableSchema {
  logical: string
  keys: string[]
  indexes: IndexSchema[]
}

/** Units of one kind of request (operation, table or index, item kind), summed over the metered calls. */
export interface UnitRow {
  op: string
  target: string
  /** Item-level requests: one per key read or item written, one per Query or Scan page. */
  items: number
  /** Bytes priced: item sizes (a whole page for a Query or Scan, the index entry for an index write). */
  bytes: number
  rcu: number
  wcu: number
}

/** What DynamoDB Local itself answered to ReturnConsumedCapacity, by operation. */
export interface ReportedUnits {
  calls: number
  /** Calls whose answer held a ConsumedCapacity at all. */
  answered: number
  units: number
}

export interface CapacityMeter {
  /** Off while a benchmark sets up its data; on for the calls to measure. */
  active: boolean
  rows: Record<string, UnitRow>
  reported: Record<string, ReportedUnits>
  /** Every metered Query or Scan page: how many items it evaluated, their bytes and its units. */
  pages: { target: string; evaluated: number; bytes: number; rcu: number }[]
  failures: number
  reset(): void
}

export const READ_UNIT_BYTES = 4096
export const WRITE_UNIT_BYTES = 1024

const utf8 = (s: string) => Buffer.byteLength(s, 'utf8')

/** The size of a number: 1 byte per two significant digits (leading and trailing zeros trimmed), plus 1. */
function numberSize(n: number | bigint): number {
  const mantissa = String(n).replace(/^-/, '').split(/e/i)[0]!.replace('.', '')
  const digits = mantissa.replace(/^0+/, '').replace(/0+$/, '').length
  return Math.ceil(Math.max(1, digits) / 2) + 1
}

/** The size of a value as the document client marshalls it (undefined values removed). */
function valueSize(v: unknown): number {
  if (typeof v === 'string') return utf8(v)
  if (typeof v === 'number' || typeof v === 'bigint') return numberSize(v)
  if (typeof v === 'boolean' || v === null) return 1
  if (v instanceof Uint8Array) return v.byteLength
  if (v instanceof Set) return [...(v as Set<unknown>)].reduce((n: number, x) => n + valueSize(x), 0)
  if (Array.isArray(v)) return 3 + v.filter((x) => x !== undefined).reduce((n: number, x) => n + 1 + valueSize(x), 0)
  if (typeof v === 'object') return 3 + Object.entries(v).reduce((n, [k, x]) => (x === undefined ? n : n + 1 + utf8(k) + valueSize(x)), 0)
  throw new Error(`capacity model: cannot size a ${typeof v}`)
}

/** The size of an item, as AWS counts it for capacity units (0 for no item). */
export function itemSize(item: Item | null | undefined): number {
  if (!item) return 0
  return Object.entries(item).reduce((n, [k, v]) => (v === undefined ? n : n + utf8(k) + valueSize(v)), 0)
}

export const readUnits = (bytes: number, consistent: boolean) => Math.max(1, Math.ceil(bytes / READ_UNIT_BYTES)) * (consistent ? 1 : 0.5)
export const writeUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / WRITE_UNIT_BYTES))

function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`
  if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable((value as Item)[k])}`)
      .join(',')}}`
  }
  return JSON.stringify(value) ?? 'undefined'
}

const pick = (item: Item, names: string[]): Item => Object.fromEntries(names.filter((n) => item[n] !== undefined).map((n) => [n, item[n]]))

/** `SEND/SEND`, `METRICS/DAY`, `lead/*`: the key's leading words, enough to tell item kinds apart. */
function shape(schema: TableSchema, key: Item): string {
  return schema.keys.map((k) => /^[A-Za-z_]+(?=#|$)/.exec(String(key[k] ?? ''))?.[0] ?? '*').join('/')
}

interface Write {
  /** Put, Update, Delete or ConditionCheck. */
  kind: string
  table: string
  key: Item
  factor: 1 | 2
}

/** The items a write call touches, before it is sent. */
function writesOf(op: string, input: Item, keyOf: (table: string, item: Item) => Item): Write[] {
  switch (op) {
    case 'PutItem':
      return [{ kind: 'Put', table: String(input.TableName), key: keyOf(String(input.TableName), input.Item as Item), factor: 1 }]
    case 'UpdateItem':
    case 'DeleteItem':
      return [{ kind: op.replace('Item', ''), table: String(input.TableName), key: input.Key as Item, factor: 1 }]
    case 'BatchWriteItem':
      return Object.entries(input.RequestItems as Record<string, Item[]>).flatMap(([table, requests]) =>
        requests.map((r) =>
          r.PutRequest
            ? { kind: 'Put', table, key: keyOf(table, (r.PutRequest as { Item: Item }).Item), factor: 1 as const }
            : { kind: 'Delete', table, key: (r.DeleteRequest as { Key: Item }).Key, factor: 1 as const },
        ),
      )
    case 'TransactWriteItems':
      return (input.TransactItems as Item[]).map((t) => {
        const [kind, spec] = Object.entries(t).find(([, v]) => v !== undefined) as [string, Item]
        const table = String(spec.TableName)
        return { kind, table, key: kind === 'Put' ? keyOf(table, spec.Item as Item) : (spec.Key as Item), factor: 2 as const }
      })
    default:
      return []
  }
}

export async function meterCapacity(db: Db, options: { endpoint: string; region: string; names: Record<TableName, string> }): Promise<CapacityMeter> {
  const logical = new Map(Object.entries(options.names).map(([l, p]) => [p, l]))
  const client = new DynamoDBClient({ endpoint: options.endpoint, region: options.region })
  const schemas = new Map<string, TableSchema>()
  try {
    for (const physical of Object.values(options.names)) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: physical }))
      if (!Table) throw new Error(`capacity model: DescribeTable ${physical} answered no table`)
      schemas.set(physical, {
        logical: logical.get(physical) ?? physical,
        keys: (Table.KeySchema ?? []).map((k) => k.AttributeName!),
        indexes: (Table.GlobalSecondaryIndexes ?? []).map((i) => ({
          name: i.IndexName!,
          keys: (i.KeySchema ?? []).map((k) => k.AttributeName!),
          projection: i.Projection?.ProjectionType ?? 'ALL',
          include: i.Projection?.NonKeyAttributes ?? [],
        })),
      })
    }
  } finally {
    client.destroy()
  }
  const schemaOf = (table: string) => {
    const s = schemas.get(table)
    if (!s) throw new Error(`capacity model: no schema for table ${table}`)
    return s
  }
  const keyOf = (table: string, item: Item) => pick(item, schemaOf(table).keys)
  // The probes' own client: same endpoint, no middleware, so they are neither metered nor recursive.
  const probeDb = createDb({ endpoint: options.endpoint, region: options.region, names: options.names })
  const probe = async (table: string, key: Item): Promise<Item | null> =>
    ((await probeDb.doc.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item as Item | undefined) ?? null

  const meter: CapacityMeter = {
    active: false,
    rows: {},
    reported: {},
    pages: [],
    failures: 0,
    reset() {
      meter.rows = {}
      meter.reported = {}
      meter.pages = []
      meter.failures = 0
    },
  }
  const add = (op: string, target: string, bytes: number, rcu: number, wcu: number, items = 1) => {
    const row = (meter.rows[`${op}|${target}`] ??= { op, target, items: 0, bytes: 0, rcu: 0, wcu: 0 })
    row.items += items
    row.bytes += bytes
    row.rcu += rcu
    row.wcu += wcu
  }

  const indexEntrySize = (schema: TableSchema, index: IndexSchema, item: Item | null): number => {
    if (!item) return 0
    if (index.projection === 'ALL') return itemSize(item)
    return itemSize(pick(item, [...schema.keys, ...index.keys, ...(index.projection === 'INCLUDE' ? index.include : [])]))
  }
  const projected = (schema: TableSchema, index: IndexSchema, item: Item): string =>
    stable(index.projection === 'ALL' ? item : pick(item, [...schema.keys, ...index.keys, ...(index.projection === 'INCLUDE' ? index.include : [])]))

  const priceWrite = (op: string, w: Write, before: Item | null, after: Item | null, failed: boolean) => {
    const schema = schemaOf(w.table)
    const opName = op === 'TransactWriteItems' || op === 'BatchWriteItem' ? `${op}: ${w.kind}` : op
    const target = `${schema.logical} ${shape(schema, w.key)}`
    const size = w.kind === 'ConditionCheck' || failed ? itemSize(before) : Math.max(itemSize(before), itemSize(after))
    add(opName, target, size, 0, writeUnits(size) * w.factor)
    if (w.kind === 'ConditionCheck' || failed) return
    for (const index of schema.indexes) {
      const inBefore = !!before && index.keys.every((k) => before[k] !== undefined)
      const inAfter = !!after && index.keys.every((k) => after[k] !== undefined)
      const b = inBefore ? indexEntrySize(schema, index, before) : 0
      const a = inAfter ? indexEntrySize(schema, index, after) : 0
      let wcu = 0
      if (!inBefore && inAfter) wcu = writeUnits(a)
      else if (inBefore && !inAfter) wcu = writeUnits(b)
      else if (inBefore && inAfter) {
        const keyChanged = index.keys.some((k) => stable(before![k]) !== stable(after![k]))
        if (keyChanged) wcu = writeUnits(b) + writeUnits(a)
        else if (projected(schema, index, before!) !== projected(schema, index, after!)) wcu = writeUnits(Math.max(a, b))
      }
      if (wcu > 0) add(opName, `${schema.logical}.${index.name} (index entry)`, Math.max(a, b), 0, wcu)
    }
  }

  /** The items a Query or Scan page read: its answer, or the same page again without filter and projection. */
  const evaluated = async (op: string, input: Item, output: Item): Promise<Item[]> => {
    const items = (output.Items as Item[] | undefined) ?? []
    const scanned = Number(output.ScannedCount ?? items.length)
    const narrowed = input.ProjectionExpression !== undefined || input.AttributesToGet !== undefined || (input.Select !== undefined && input.Select !== 'ALL_ATTRIBUTES')
    if (!narrowed && items.length === scanned) return items
    if (scanned === 0) return []
    const keyCondition = typeof input.KeyConditionExpression === 'string' ? input.KeyConditionExpression : ''
    const tokens = new Set(keyCondition.match(/[#:][A-Za-z0-9_]+/g) ?? [])
    const only = (o: unknown) => Object.fromEntries(Object.entries((o ?? {}) as Item).filter(([k]) => tokens.has(k)))
    const names = only(input.ExpressionAttributeNames)
    const values = only(input.ExpressionAttributeValues)
    const again = {
      TableName: String(input.TableName),
      ...(input.IndexName ? { IndexName: String(input.IndexName) } : {}),
      ...(keyCondition ? { KeyConditionExpression: keyCondition } : {}),
      ...(Object.keys(names).length ? { ExpressionAttributeNames: names as Record<string, string> } : {}),
      ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
      ...(input.ExclusiveStartKey ? { ExclusiveStartKey: input.ExclusiveStartKey as Item } : {}),
      ...(input.ScanIndexForward !== undefined ? { ScanIndexForward: Boolean(input.ScanIndexForward) } : {}),
      ConsistentRead: Boolean(input.ConsistentRead),
      Limit: scanned,
    }
    const out = await probeDb.doc.send(op === 'Query' ? new QueryCommand(again) : new ScanCommand(again))
    return (out.Items as Item[] | undefined) ?? []
  }

  const priceRead = async (op: string, input: Item, output: Item) => {
    switch (op) {
      case 'GetItem': {
        const schema = schemaOf(String(input.TableName))
        const item = input.ProjectionExpression ? await probe(String(input.TableName), input.Key as Item) : (output.Item as Item | undefined)
        const size = itemSize(item)
        add(op, `${schema.logical} ${shape(schema, input.Key as Item)}`, size, readUnits(size, Boolean(input.ConsistentRead)), 0)
        return
      }
      case 'BatchGetItem':
      case 'TransactGetItems': {
        const gets: { table: string; key: Item; consistent: boolean; projection: boolean; found: Item | undefined }[] = []
        if (op === 'BatchGetItem') {
          const unprocessed = (output.UnprocessedKeys ?? {}) as Record<string, { Keys?: Item[] }>
          for (const [table, spec] of Object.entries(input.RequestItems as Record<string, Item>)) {
            const skipped = new Set((unprocessed[table]?.Keys ?? []).map(stable))
            const answered = new Map((((output.Responses ?? {}) as Record<string, Item[]>)[table] ?? []).map((i) => [stable(keyOf(table, i)), i]))
            for (const key of spec.Keys as Item[]) {
              if (skipped.has(stable(key))) continue
              gets.push({ table, key, consistent: Boolean(spec.ConsistentRead), projection: spec.ProjectionExpression !== undefined, found: answered.get(stable(key)) })
            }
          }
        } else {
          const responses = (output.Responses ?? []) as { Item?: Item }[]
          ;(input.TransactItems as { Get: Item }[]).forEach((t, i) =>
            gets.push({ table: String(t.Get.TableName), key: t.Get.Key as Item, consistent: true, projection: t.Get.ProjectionExpression !== undefined, found: responses[i]?.Item }),
          )
        }
        for (const g of gets) {
          const schema = schemaOf(g.table)
          const size = itemSize(g.projection ? await probe(g.table, g.key) : g.found)
          add(op, `${schema.logical} ${shape(schema, g.key)}`, size, readUnits(size, g.consistent) * (op === 'TransactGetItems' ? 2 : 1), 0)
        }
        return
      }
      case 'Query':
      case 'Scan': {
        const schema = schemaOf(String(input.TableName))
        const items = await evaluated(op, input, output)
        const bytes = items.reduce((n, i) => n + itemSize(i), 0)
        // Reads of a global secondary index are always eventually consistent.
        const rcu = readUnits(bytes, Boolean(input.ConsistentRead) && !input.IndexName)
        const target = `${schema.logical}${input.IndexName ? `.${String(input.IndexName)}` : ''}`
        add(op, target, bytes, rcu, 0)
        meter.pages.push({ target, evaluated: items.length, bytes, rcu })
        return
      }
    }
  }

  db.doc.middlewareStack.add(
    (next, context) => async (args) => {
      if (!meter.active) return next(args)
      const op = String((context as { commandName?: string }).commandName ?? 'Unknown').replace(/Command$/, '')
      const input = args.input as Item
      const writes = writesOf(op, input, keyOf)
      const before = await Promise.all(writes.map((w) => probe(w.table, w.key)))
      let result: Awaited<ReturnType<typeof next>>
      try {
        result = await next({ ...args, input: { ...input, ReturnConsumedCapacity: 'INDEXES' } as typeof args.input })
      } catch (err) {
        meter.failures++
        writes.forEach((w, i) => priceWrite(op, w, before[i] ?? null, before[i] ?? null, true))
        throw err
      }
      const after = await Promise.all(writes.map((w) => probe(w.table, w.key)))
      writes.forEach((w, i) => priceWrite(op, w, before[i] ?? null, after[i] ?? null, false))
      const output = result.output as Item
      await priceRead(op, input, output)
      const consumed = output.ConsumedCapacity as { CapacityUnits?: number } | { CapacityUnits?: number }[] | undefined
      const list = consumed === undefined ? [] : Array.isArray(consumed) ? consumed : [consumed]
      const r = (meter.reported[op] ??= { calls: 0, answered: 0, units: 0 })
      r.calls++
      if (list.length) r.answered++
      r.units += list.reduce((n, c) => n + (c.CapacityUnits ?? 0), 0)
      return result
    },
    { step: 'initialize', name: 'benchCapacityUnits', override: true },
  )
  return meter
}
