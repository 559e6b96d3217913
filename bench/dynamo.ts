/**
 * DynamoDB Local for the write benchmarks (bench/intake.ts, bench/import.ts): one in-memory instance on
 * its own port, the app's tables created from app.arc the way @architect/sandbox creates them, and a
 * floor table beside them for the raw writes each benchmark compares against.
 */
import { createRequire } from 'node:module'
import { CreateTableCommand, DynamoDBClient, type AttributeDefinition, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb'
import { startDynamoLocal } from '../scripts/local/dynamodb-local'
import { dynamoRouting } from '../src/shared/adapters/dynamo/campaign-store.server'
import { createDb, sandboxTableNames, TABLES, type TableName } from '../src/shared/adapters/dynamo/db.server'
import { stampAuditEvent } from '../src/shared/domain/audit'
import { ROOT } from './lambdas'

/** Apart from `npm start` (5555), the tests and bench/render.ts (5591), so all can run at once. */
export const WRITES_DYNAMO_PORT = 5593
export const REGION = 'us-east-1'

/** The physical name of the floor table: the leads table's layout (keys and both indexes), no app data. */
export const FLOOR_TABLE = 'drason-bench-floor'

// ----------------------------------------------------------------------------------------- the manifest

interface InvTable {
  name: string
  partitionKey: string
  partitionKeyType: string
  sortKey?: string | null
  sortKeyType?: string | null
}
interface InvIndex extends InvTable {
  indexName?: string | null
}
interface InvLambda {
  name: string
  config: { memory: number; timeout: number }
}
interface Inventory {
  inv: { app: string; tables: InvTable[] | null; 'tables-indexes': InvIndex[] | null; queues: InvLambda[] | null; http: InvLambda[] | null }
}

let inventoryPromise: Promise<Inventory> | undefined
/** app.arc (and any config.arc beside a handler) as @architect/inventory reads it for deploys. */
export function manifest(): Promise<Inventory> {
  const load = createRequire(__filename)('@architect/inventory') as (options: { cwd: string }) => Promise<Inventory>
  inventoryPromise ??= load({ cwd: ROOT })
  return inventoryPromise
}

/** The memory (MB) a queue function gets in AWS: @aws memory, or its own config.arc's, as deploy reads it. */
export async function queueMemoryMb(name: string): Promise<number> {
  const q = (await manifest()).inv.queues?.find((x) => x.name === name)
  if (!q) throw new Error(`app.arc declares no queue named ${name}`)
  return q.config.memory
}

const TYPE: Record<string, 'S' | 'N'> = { String: 'S', Number: 'N' }

/** CreateTable input for one @tables entry and its @tables-indexes, as the sandbox builds it. */
function createTableInput(table: InvTable, indexes: InvIndex[], physicalName: string): CreateTableCommandInput {
  const defs: AttributeDefinition[] = []
  const define = (name: string, type: string) => {
    if (!TYPE[type]) throw new Error(`app.arc: ${table.name} uses key type ${type}, which this benchmark does not create`)
    if (!defs.some((d) => d.AttributeName === name)) defs.push({ AttributeName: name, AttributeType: TYPE[type] })
  }
  const keySchema = (k: InvTable) => [
    { AttributeName: k.partitionKey, KeyType: 'HASH' as const },
    ...(k.sortKey ? [{ AttributeName: k.sortKey, KeyType: 'RANGE' as const }] : []),
  ]
  for (const k of [table, ...indexes]) {
    define(k.partitionKey, k.partitionKeyType)
    if (k.sortKey) define(k.sortKey, k.sortKeyType ?? 'String')
  }
  const throughput = { ReadCapacityUnits: 5, WriteCapacityUnits: 5 }
  return {
    TableName: physicalName,
    AttributeDefinitions: defs,
    KeySchema: keySchema(table),
    ProvisionedThroughput: throughput,
    ...(indexes.length
      ? {
          GlobalSecondaryIndexes: indexes.map((i) => ({
            IndexName: i.indexName ?? `${i.partitionKey}${i.sortKey ? `-${i.sortKey}` : ''}-index`,
            KeySchema: keySchema(i),
            Projection: { ProjectionType: 'ALL' as const },
            ProvisionedThroughput: throughput,
          })),
        }
      : {}),
  }
}

// ------------------------------------------------------------------------------------ DynamoDB Local

export interface WritesDynamo {
  endpoint: string
  names: Record<TableName, string>
  stop(): Promise<void>
}

/**
 * Starts DynamoDB Local in memory and creates every table app.arc declares (sandbox names, as the
 * sandbox's Lambdas see them) plus the floor table, and saves one routing rule. Fake credentials: the SDK
 * signs every request.
 */
export async function startWritesDynamo(port = WRITES_DYNAMO_PORT): Promise<WritesDynamo> {
  process.env.AWS_ACCESS_KEY_ID ??= 'bench'
  process.env.AWS_SECRET_ACCESS_KEY ??= 'bench'
  process.env.AWS_REGION ??= REGION
  const { inv } = await manifest()
  const tables = inv.tables ?? []
  const indexes = inv['tables-indexes'] ?? []
  const declared = tables.map((t) => t.name).sort()
  if (declared.join() !== [...TABLES].sort().join()) {
    throw new Error(`app.arc's @tables (${declared.join(', ')}) differ from TABLES in db.server.ts (${[...TABLES].sort().join(', ')})`)
  }
  const names = sandboxTableNames(inv.app)
  const dynamo = await startDynamoLocal({ port })
  const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: REGION })
  try {
    const leads = tables.find((t) => t.name === 'leads')!
    const inputs = [
      ...tables.map((t) => createTableInput(t, indexes.filter((i) => i.name === t.name), names[t.name as TableName])),
      createTableInput(leads, indexes.filter((i) => i.name === 'leads'), FLOOR_TABLE),
    ]
    for (const input of inputs) await client.send(new CreateTableCommand(input))
    await seedRoutingRule(createDb({ endpoint: dynamo.endpoint, region: REGION, names }))
  } catch (err) {
    await dynamo.stop()
    throw err
  } finally {
    client.destroy()
  }
  return { endpoint: dynamo.endpoint, names, stop: () => dynamo.stop() }
}

/**
 * One routing rule, as a workspace has: founders scoring 70+ go to a campaign, every other lead is held as
 * unrouted. Intake routes every lead by it (from a copy at most a second old); both outcomes occur.
 */
async function seedRoutingRule(db: ReturnType<typeof createDb>): Promise<void> {
  const now = new Date()
  const event = stampAuditEvent(
    { actor: { type: 'user', id: 'admin@drason.local' }, entityType: 'rule', entityId: 'rule_bench', action: 'rules_saved', sentence: 'Saved the benchmark routing rule.' },
    `evt_bench_rule_${now.getTime()}`,
    now,
  )
  const rule = {
    id: 'rule_bench',
    name: 'Founders 70+',
    enabled: true,
    campaignId: 'cmp_bench',
    conditions: [
      { field: 'persona' as const, op: 'equals' as const, value: 'founder' },
      { field: 'lead_score' as const, op: 'gte' as const, value: 70 },
    ],
  }
  if ((await dynamoRouting(db).save([rule], 0, event)) !== 'saved') throw new Error('could not save the benchmark routing rule')
}
