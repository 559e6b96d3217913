/**
 * Where a write path's time goes: wraps a Db's document client so every command it sends is counted and
 * timed by kind (GetItem, TransactWriteItems, ...). Only the benchmark's own Db is wrapped; the stores
 * call `db.doc.send` at call time, so they see the wrapper without any change to the app.
 */
import { performance } from 'node:perf_hooks'
import type { Db } from '../src/shared/adapters/dynamo/db.server'

/** The line prefix a benchmark child process puts before its JSON result. */
export const CHILD_MARK = '@@bench-result@@'

export type CallStats = Record<string, { count: number; ms: number }>

// Command class -> DynamoDB operation, as a reader of the AWS docs knows them.
const OPERATION: Record<string, string> = {
  GetCommand: 'GetItem',
  PutCommand: 'PutItem',
  UpdateCommand: 'UpdateItem',
  DeleteCommand: 'DeleteItem',
  QueryCommand: 'Query',
  ScanCommand: 'Scan',
  BatchWriteCommand: 'BatchWriteItem',
  BatchGetCommand: 'BatchGetItem',
  TransactWriteCommand: 'TransactWriteItems',
  TransactGetCommand: 'TransactGetItems',
}

export interface CallMeter {
  stats: CallStats
  /**
   * Wall time with at least one call in flight. The per-operation `ms` add up each call's own time, so
   * calls made at once (Promise.all) overlap there; here the overlap counts once.
   */
  busyMs: number
  reset(): void
}

export function meterCalls(db: Db): CallMeter {
  const meter: CallMeter = {
    stats: {},
    busyMs: 0,
    reset() {
      meter.stats = {}
      meter.busyMs = 0
    },
  }
  let inFlight = 0
  let busySince = 0
  const send = db.doc.send.bind(db.doc) as (command: object) => Promise<unknown>
  const wrapped = async (command: object) => {
    const name = command.constructor.name
    const op = OPERATION[name] ?? name
    const started = performance.now()
    if (inFlight++ === 0) busySince = started
    try {
      return await send(command)
    } finally {
      const ended = performance.now()
      if (--inFlight === 0) meter.busyMs += ended - busySince
      const s = (meter.stats[op] ??= { count: 0, ms: 0 })
      s.count++
      s.ms += ended - started
    }
  }
  db.doc.send = wrapped as unknown as typeof db.doc.send
  return meter
}
