import { GetCommand } from '@aws-sdk/lib-dynamodb'
import { DAY_COUNTERS, TOTAL_COUNTERS, emptyCounters, type Counters, type DayCounter, type TotalCounter } from '../../domain/metrics'
import { batchGetAll, queryAll, type Db, type TransactItem } from './db.server'
import { keys, type MetricScope } from './keys'

function addExpression(counters: Partial<Record<string, number>>) {
  const entries = Object.entries(counters).filter(([, v]) => v !== undefined && v !== 0) as [string, number][]
  const names: Record<string, string> = {}
  const values: Record<string, number> = {}
  const parts = entries.map(([name, delta], i) => {
    names[`#c${i}`] = name
    values[`:c${i}`] = delta
    return `#c${i} :c${i}`
  })
  return { expression: parts.length ? `ADD ${parts.join(', ')}` : '', names, values }
}

/** A counter change to put in the same transaction as the event it counts. Null when nothing changes. */
export function metricsTotalAdd(db: Db, scope: MetricScope, scopeId: string, counters: Partial<Counters<TotalCounter>>): TransactItem | null {
  const { expression, names, values } = addExpression(counters)
  if (!expression) return null
  return {
    Update: {
      TableName: db.table('metrics'),
      Key: keys.metricsTotal(scope, scopeId),
      UpdateExpression: expression,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  }
}

export function metricsDayAdd(db: Db, scope: MetricScope, scopeId: string, day: string, counters: Partial<Counters<DayCounter>>): TransactItem | null {
  const { expression, names, values } = addExpression(counters)
  if (!expression) return null
  return {
    Update: {
      TableName: db.table('metrics'),
      Key: keys.metricsDay(scope, scopeId, day),
      UpdateExpression: expression,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  }
}

function pick<K extends string>(names: readonly K[], item: Record<string, unknown> | undefined): Counters<K> {
  const out = emptyCounters(names)
  for (const n of names) {
    const v = item?.[n]
    if (typeof v === 'number') out[n] = v
  }
  return out
}

export function dynamoMetrics(db: Db) {
  return {
    async totals(scope: MetricScope, scopeId: string): Promise<Counters<TotalCounter>> {
      const out = await db.doc.send(new GetCommand({ TableName: db.table('metrics'), Key: keys.metricsTotal(scope, scopeId) }))
      return pick(TOTAL_COUNTERS, out.Item)
    },
    /** Day counters for each requested day (zeros where nothing happened), in the order asked. */
    async days(scope: MetricScope, scopeId: string, days: string[]): Promise<Counters<DayCounter>[]> {
      const found = new Map((await batchGetAll(db, 'metrics', days.map((d) => keys.metricsDay(scope, scopeId, d)))).map((item) => [String(item.pk), item]))
      return days.map((d) => pick(DAY_COUNTERS, found.get(keys.metricsDay(scope, scopeId, d).pk)))
    },
    /**
     * Sends counted on one day, for every scope at once (one Query of the day's partition, eventually
     * consistent like the BatchGet above): what the send loop's gate compares with the caps.
     */
    async sendsOnDay(day: string): Promise<(scope: MetricScope, scopeId: string) => number> {
      const sends = new Map<string, number>()
      const items = await queryAll(db, { TableName: db.table('metrics'), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.metricsDayPartition(day) } })
      for (const item of items) if (typeof item.sends === 'number') sends.set(String(item.sk), item.sends)
      return (scope, scopeId) => sends.get(keys.metricsDay(scope, scopeId, day).sk) ?? 0
    },
  }
}
export type DynamoMetrics = ReturnType<typeof dynamoMetrics>
