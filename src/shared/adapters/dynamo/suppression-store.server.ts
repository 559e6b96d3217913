import { BatchGetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb'
import * as z from 'zod'
import type { AuditEvent } from '../../domain/audit'
import type { Page } from '../../domain/page'
import type { SuppressionEntry, SuppressionTarget } from '../../domain/suppression-list'
import { auditPut } from './audit-store.server'
import { batchGetAll, encodeCursor, isConditionFailure, startKeyFrom, transact, type Db } from './db.server'
import { INDEX, keys } from './keys'


const listedItem = z.object({
  email: z.string().optional(),
  domain: z.string().optional(),
  reason: z.string(),
  at: z.string(),
})

/** A stored entry as the list and the lookup show it, or null for an item that is not one. */
function entryOf(raw: Record<string, unknown>): SuppressionEntry | null {
  const item = listedItem.safeParse(raw)
  if (!item.success) return null
  const { email, domain, reason, at } = item.data
  if (email) return { kind: 'address', value: email, reason, at }
  if (domain) return { kind: 'domain', value: domain, reason, at }
  return null
}

const keyOf = (t: SuppressionTarget) => (t.kind === 'address' ? keys.suppressedAddress(t.value) : keys.suppressedDomain(t.value))
const fieldsOf = (t: SuppressionTarget) => (t.kind === 'address' ? { email: t.value } : { domain: t.value })

// DynamoDB takes 100 items in a transaction: 99 entries and the audit event recording them.
export const SUPPRESSION_BATCH = 99

/** The global suppression list: addresses and whole domains Drason never sends to. */
export function dynamoSuppression(db: Db) {
  const table = db.table('suppression')
  /** Puts one entry once (a repeat is `exists` and writes nothing), with its audit event. */
  const addOnce = async (key: Record<string, string>, fields: Record<string, string>, value: string, event: AuditEvent): Promise<'added' | 'exists'> => {
    try {
      await transact(db, [
        {
          Put: {
            TableName: table,
            Item: { ...key, ...fields, at: event.at, ...keys.suppressionListed(event.at, value) },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        auditPut(db, event),
      ])
      return 'added'
    } catch (err) {
      if (isConditionFailure(err)) return 'exists'
      throw err
    }
  }
  return {
    async isSuppressed(email: string): Promise<boolean> {
      const domain = email.slice(email.lastIndexOf('@') + 1)
      const out = await db.doc.send(
        new BatchGetCommand({ RequestItems: { [table]: { Keys: [keys.suppressedAddress(email), keys.suppressedDomain(domain)], ProjectionExpression: 'pk' } } }),
      )
      // An unanswered key could be a suppressed address: fail (and retry) rather than guess "not suppressed".
      if (Object.keys(out.UnprocessedKeys ?? {}).length > 0) throw new Error('suppression lookup was not fully answered; retry')
      return (out.Responses?.[table] ?? []).length > 0
    },
    /** Adds an address once (a repeat is `exists` and writes nothing), with its audit event. */
    add(email: string, reason: string, event: AuditEvent): Promise<'added' | 'exists'> {
      return addOnce(keys.suppressedAddress(email), { email, reason }, email, event)
    },
    /** Adds a whole domain once: no address on it is sent to again. */
    addDomain(domain: string, reason: string, event: AuditEvent): Promise<'added' | 'exists'> {
      return addOnce(keys.suppressedDomain(domain), { domain, reason }, domain, event)
    },
    /** Which of these entries are on the list already (`address:<email>` / `domain:<domain>`). Eventually consistent. */
    async existing(targets: SuppressionTarget[]): Promise<Set<string>> {
      const found = await batchGetAll(db, 'suppression', targets.map(keyOf))
      return new Set(found.map((item) => (typeof item.email === 'string' ? `address:${item.email}` : `domain:${String(item.domain)}`)))
    },
    /**
     * Up to SUPPRESSION_BATCH new entries and the one audit event recording them, all or nothing: `conflict`
     * (nothing written) when one of them was added meanwhile.
     */
    async addMany(targets: SuppressionTarget[], reason: string, event: AuditEvent): Promise<'added' | 'conflict'> {
      if (targets.length > SUPPRESSION_BATCH) throw new Error(`${targets.length} entries in one write; at most ${SUPPRESSION_BATCH}`)
      try {
        await transact(db, [
          ...targets.map((t) => ({
            Put: { TableName: table, Item: { ...keyOf(t), ...fieldsOf(t), reason, at: event.at, ...keys.suppressionListed(event.at, t.value) }, ConditionExpression: 'attribute_not_exists(pk)' },
          })),
          auditPut(db, event),
        ])
        return 'added'
      } catch (err) {
        if (isConditionFailure(err)) return 'conflict'
        throw err
      }
    },
    /** The list, newest first, a page at a time. */
    async list(limit: number, cursor?: string | null): Promise<Page<SuppressionEntry>> {
      const start = startKeyFrom(cursor, ['pk', 'sk', 'gsi1pk', 'gsi1sk'], { name: 'gsi1pk', value: keys.suppressionListPartition })
      const out = await db.doc.send(
        new QueryCommand({
          TableName: table,
          IndexName: INDEX.suppressionByTime,
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.suppressionListPartition },
          ScanIndexForward: false,
          Limit: limit,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      )
      const items = (out.Items ?? []).map(entryOf).filter((e): e is SuppressionEntry => e !== null)
      return { items, nextCursor: out.LastEvaluatedKey ? encodeCursor(out.LastEvaluatedKey) : null }
    },
    /** Why an address (itself, or its whole domain) or a domain is suppressed: the entries that stop it. */
    async lookup(target: SuppressionTarget): Promise<SuppressionEntry[]> {
      const targets: SuppressionTarget[] = target.kind === 'address' ? [target, { kind: 'domain', value: target.value.slice(target.value.lastIndexOf('@') + 1) }] : [target]
      return (await batchGetAll(db, 'suppression', targets.map(keyOf))).map(entryOf).filter((e): e is SuppressionEntry => e !== null)
    },
  }
}
