import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb'
import { EMPTY_WINDOW, type SignalWindow } from '../../domain/health'
import type { FeedbackWrite } from '../../services/feedback'
import { auditPut } from './audit-store.server'
import { isConditionFailure, transact, type Db, type TransactItem } from './db.server'
import { keys } from './keys'
import { metricsDayAdd } from './metrics-store.server'

// SQS keeps a message (and its dead-letter copy) at most 14 days; a marker kept twice that long covers
// any redelivery or redrive of the same event.
const MARKER_DAYS = 28

export function dynamoFeedback(db: Db) {
  const metrics = db.table('metrics')
  const seen = async (feedbackId: string): Promise<boolean> => {
    const out = await db.doc.send(new GetCommand({ TableName: db.table('feedback'), Key: keys.feedbackMarker(feedbackId), ConsistentRead: true }))
    return Boolean(out.Item)
  }
  return {
    /** The mailbox's signal window and its version (0 when none is stored yet). */
    async window(mailboxId: string): Promise<{ window: SignalWindow; version: number }> {
      const out = await db.doc.send(new GetCommand({ TableName: metrics, Key: keys.signalWindow(mailboxId), ConsistentRead: true }))
      const item = out.Item
      if (!item) return { window: { ...EMPTY_WINDOW }, version: 0 }
      const nums = (v: unknown) => (Array.isArray(v) ? v.filter((n): n is number => typeof n === 'number') : [])
      return {
        window: {
          sends: Number(item.sends ?? 0),
          hardBounceMarks: nums(item.hardBounceMarks),
          failureMarks: nums(item.failureMarks),
          baseline: Number(item.baseline ?? 0),
          ...(typeof item.hardBounces === 'number' ? { hardBounces: item.hardBounces } : {}),
        },
        version: Number(item.version ?? 0),
      }
    },

    /** A person resumed the mailbox: only what happens from here on counts (see health.ts). */
    async resetWindow(mailboxId: string): Promise<void> {
      await db.doc.send(
        new UpdateCommand({
          TableName: metrics,
          Key: keys.signalWindow(mailboxId),
          UpdateExpression: 'SET baseline = if_not_exists(sends, :zero), hardBounceMarks = :empty, failureMarks = :empty, hardBounces = :zero ADD version :one',
          ExpressionAttributeValues: { ':zero': 0, ':empty': [], ':one': 1 },
        }),
      )
    },

    seen,

    /**
     * Writes the marker, the send's state, suppressions, the mailbox's marks, day counters and the audit
     * event in one transaction. `duplicate` when this feedback id (or `unless`) was processed before (nothing written);
     * `conflict` when the send or the window changed since they were read (nothing written; read and retry).
     */
    async apply(write: FeedbackWrite): Promise<'applied' | 'duplicate' | 'conflict'> {
      const at = write.at.toISOString()
      const items: TransactItem[] = [
        {
          Put: {
            TableName: db.table('feedback'),
            Item: { ...keys.feedbackMarker(write.feedbackId), at, expiresAt: Math.floor(write.at.getTime() / 1000) + MARKER_DAYS * 86_400, ...(write.stored ? { stored: write.stored } : {}) },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ]
      if (write.unless) {
        // The tagged copy of this event was processed: this tagless copy is a duplicate of it (see processFeedback).
        items.push({ ConditionCheck: { TableName: db.table('feedback'), Key: keys.feedbackMarker(write.unless), ConditionExpression: 'attribute_not_exists(pk)' } })
      }
      if (write.send) {
        const { record, from } = write.send
        const values: Record<string, string> = { ':id': record.sendId }
        from.forEach((state, i) => (values[`:s${i}`] = state))
        items.push({
          Put: {
            TableName: db.table('sendclaims'),
            Item: { ...keys.send(record.campaignId, record.leadId), ...keys.sendByState(record.state, record.claimedAt), send: record },
            ConditionExpression: `#send.#sendId = :id AND #send.#state IN (${from.map((_, i) => `:s${i}`).join(', ')})`,
            ExpressionAttributeNames: { '#send': 'send', '#sendId': 'sendId', '#state': 'state' },
            ExpressionAttributeValues: values,
          },
        })
      }
      for (const s of write.suppress) {
        const listed = keys.suppressionListed(at, s.email)
        // No condition: an address already suppressed keeps its first reason, and the transaction still goes.
        items.push({
          Update: {
            TableName: db.table('suppression'),
            Key: keys.suppressedAddress(s.email),
            // The list's index keys follow the first `at` too, so the entry keeps its place in the list.
            UpdateExpression:
              'SET email = if_not_exists(email, :e), reason = if_not_exists(reason, :r), #at = if_not_exists(#at, :at), gsi1pk = if_not_exists(gsi1pk, :lp), gsi1sk = if_not_exists(gsi1sk, :ls)',
            ExpressionAttributeNames: { '#at': 'at' },
            ExpressionAttributeValues: { ':e': s.email, ':r': s.reason, ':at': at, ':lp': listed.gsi1pk, ':ls': listed.gsi1sk },
          },
        })
      }
      if (write.window) {
        const w = write.window
        items.push({
          Update: {
            TableName: metrics,
            Key: keys.signalWindow(w.mailboxId),
            // Only the marks: `sends` moves with every send in other transactions and must not be overwritten.
            UpdateExpression: 'SET hardBounceMarks = :hard, failureMarks = :fail, hardBounces = :all, version = :next',
            ConditionExpression: w.version === 0 ? 'attribute_not_exists(version)' : 'version = :v',
            ExpressionAttributeValues: { ':hard': w.hardBounceMarks, ':fail': w.failureMarks, ':all': w.hardBounces, ':next': w.version + 1, ...(w.version === 0 ? {} : { ':v': w.version }) },
          },
        })
      }
      if (write.windowSend) {
        items.push({ Update: { TableName: metrics, Key: keys.signalWindow(write.windowSend), UpdateExpression: 'ADD sends :one', ExpressionAttributeValues: { ':one': 1 } } })
      }
      for (const c of write.counters) {
        const add = metricsDayAdd(db, c.scope, c.id, c.day, c.add)
        if (add) items.push(add)
      }
      if (write.event) items.push(auditPut(db, write.event))
      try {
        await transact(db, items)
        return 'applied'
      } catch (err) {
        if (!isConditionFailure(err)) throw err
        return (await seen(write.feedbackId)) || (write.unless ? await seen(write.unless) : false) ? 'duplicate' : 'conflict'
      }
    },
  }
}
export type DynamoFeedback = ReturnType<typeof dynamoFeedback>
