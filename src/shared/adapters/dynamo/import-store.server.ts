import { BatchWriteCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb'
import type { AuditEvent } from '../../domain/audit'
import type { ColumnMapping, ImportJob, RowError } from '../../domain/lead-import'
import { auditPut } from './audit-store.server'
import { isConditionFailure, queryAll, sendUntilProcessed, transact, type Db } from './db.server'
import { INDEX, keys } from './keys'

export interface StoredChunk {
  index: number
  startIndex: number
  rows: string[][]
  done: boolean
  errors: RowError[]
}

// Import rows are kept for 30 days: long enough to download an error report, short enough not to hoard
// personal data that now lives in the leads table anyway.
const KEEP_DAYS = 30

export function dynamoImports(db: Db) {
  const expiry = (createdAt: string) => Math.floor(new Date(createdAt).getTime() / 1000) + KEEP_DAYS * 86_400
  return {
    /** The job and every chunk of rows; the job last, so a job never points at missing chunks. */
    async create(job: ImportJob, chunks: { startIndex: number; rows: string[][] }[], event: AuditEvent): Promise<void> {
      const items = chunks.map((c, i) => ({
        PutRequest: { Item: { ...keys.importChunk(job.id, i), startIndex: c.startIndex, rows: c.rows, done: false, errors: [], expiresAt: expiry(job.createdAt) } },
      }))
      // BatchWrite takes 25 items per request; unprocessed items are sent again after a backoff.
      for (let i = 0; i < items.length; i += 25) {
        await sendUntilProcessed({ [db.table('imports')]: items.slice(i, i + 25) }, async (request) => {
          const out = await db.doc.send(new BatchWriteCommand({ RequestItems: request }))
          return out.UnprocessedItems as typeof request | undefined
        })
      }
      await transact(db, [
        {
          Put: {
            TableName: db.table('imports'),
            Item: { ...keys.importJob(job.id), ...keys.importListed(job.createdAt, job.id), job, expiresAt: expiry(job.createdAt) },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        auditPut(db, event),
      ])
    },

    /** The newest imports first (jobs expire with their rows after KEEP_DAYS). */
    async recent(limit: number): Promise<ImportJob[]> {
      const out = await db.doc.send(
        new QueryCommand({
          TableName: db.table('imports'),
          IndexName: INDEX.importsByTime,
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': 'IMPORTS' },
          ScanIndexForward: false,
          Limit: limit,
        }),
      )
      return (out.Items ?? []).map((i) => i.job as ImportJob)
    },

    async get(id: string): Promise<ImportJob | null> {
      const out = await db.doc.send(new GetCommand({ TableName: db.table('imports'), Key: keys.importJob(id), ConsistentRead: true }))
      return out.Item ? (out.Item.job as ImportJob) : null
    },

    /** Moves a job from `mapping` to `queued` with its mapping and routing choice, once. */
    async start(id: string, mapping: ColumnMapping, campaignId: string | null, event: AuditEvent): Promise<'started' | 'not_mapping'> {
      try {
        await transact(db, [
          {
            Update: {
              TableName: db.table('imports'),
              Key: keys.importJob(id),
              UpdateExpression: 'SET #job.#status = :queued, #job.#mapping = :mapping, #job.#campaignId = :campaign',
              ConditionExpression: '#job.#status = :mappingStatus',
              ExpressionAttributeNames: { '#job': 'job', '#status': 'status', '#mapping': 'mapping', '#campaignId': 'campaignId' },
              ExpressionAttributeValues: { ':queued': 'queued', ':mapping': mapping, ':campaign': campaignId, ':mappingStatus': 'mapping' },
            },
          },
          auditPut(db, event),
        ])
        return 'started'
      } catch (err) {
        if (isConditionFailure(err)) return 'not_mapping'
        throw err
      }
    },

    async chunk(id: string, index: number): Promise<StoredChunk | null> {
      const out = await db.doc.send(new GetCommand({ TableName: db.table('imports'), Key: keys.importChunk(id, index), ConsistentRead: true }))
      if (!out.Item) return null
      return { index, startIndex: Number(out.Item.startIndex), rows: out.Item.rows as string[][], done: Boolean(out.Item.done), errors: (out.Item.errors as RowError[]) ?? [] }
    },

    /**
     * Marks a chunk done and adds its counts to the job in one transaction, only if the chunk was not done
     * yet: a redelivered message or a retry after a crash cannot count a row twice.
     */
    async completeChunk(id: string, index: number, counts: { imported: number; existing: number; errors: number; blank: number }, errors: RowError[]): Promise<'completed' | 'already_done'> {
      const done = counts.imported + counts.existing + counts.errors + counts.blank
      try {
        await transact(db, [
          {
            Update: {
              TableName: db.table('imports'),
              Key: keys.importChunk(id, index),
              UpdateExpression: 'SET done = :true, errors = :errors',
              ConditionExpression: 'done = :false',
              ExpressionAttributeValues: { ':true': true, ':false': false, ':errors': errors },
            },
          },
          {
            Update: {
              TableName: db.table('imports'),
              Key: keys.importJob(id),
              UpdateExpression: 'SET #job.#status = :running ADD #job.#counts.#done :d, #job.#counts.#imported :i, #job.#counts.#existing :x, #job.#counts.#errors :e, #job.#counts.#blank :b',
              ExpressionAttributeNames: { '#job': 'job', '#status': 'status', '#counts': 'counts', '#done': 'done', '#imported': 'imported', '#existing': 'existing', '#errors': 'errors', '#blank': 'blank' },
              ExpressionAttributeValues: { ':running': 'running', ':d': done, ':i': counts.imported, ':x': counts.existing, ':e': counts.errors, ':b': counts.blank },
            },
          },
        ])
        return 'completed'
      } catch (err) {
        if (isConditionFailure(err)) return 'already_done'
        throw err
      }
    },

    /** The last chunk to finish closes the job (exactly one caller wins this conditional write). */
    async finish(id: string, totalRows: number, event: AuditEvent): Promise<boolean> {
      try {
        await transact(db, [
          {
            Update: {
              TableName: db.table('imports'),
              Key: keys.importJob(id),
              UpdateExpression: 'SET #job.#status = :done',
              ConditionExpression: '#job.#counts.#done = :total AND #job.#status <> :done',
              ExpressionAttributeNames: { '#job': 'job', '#status': 'status', '#counts': 'counts', '#done': 'done' },
              ExpressionAttributeValues: { ':done': 'done', ':total': totalRows },
            },
          },
          auditPut(db, event),
        ])
        return true
      } catch (err) {
        if (isConditionFailure(err)) return false
        throw err
      }
    },

    /** Every row error of a job, in row order (for the downloadable report). */
    async errors(id: string): Promise<RowError[]> {
      const chunks = await queryAll(db, {
        TableName: db.table('imports'),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :chunk)',
        ExpressionAttributeValues: { ':pk': keys.importPartition(id), ':chunk': keys.importChunkPrefix() },
        ProjectionExpression: 'errors',
      })
      const errors = chunks.flatMap((item) => (item.errors as RowError[] | undefined) ?? [])
      return errors.sort((a, b) => a.row - b.row)
    },
  }
}
export type DynamoImports = ReturnType<typeof dynamoImports>

