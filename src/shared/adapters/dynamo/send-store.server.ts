import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb'
import type { AuditEvent } from '../../domain/audit'
import type { Page } from '../../domain/page'
import type { ChainPosition, PreVerification, SendRecord } from '../../services/pulse'
import { auditPut } from './audit-store.server'
import { encodeCursor, isConditionFailure, startKeyFrom, transact, type Db, type TransactItem } from './db.server'
import { INDEX, keys } from './keys'
import { metricsDayAdd } from './metrics-store.server'

/**
 * What a sent email adds to a scope's day. Every send was verified just in time and passed, so the
 * account's and the campaign's counters also count a check and a pass (the verification pass rate on the
 * Overview and the campaign page); skips add their check (and a pass when the address passed but the lead
 * was skipped for another reason). Mailboxes and domains have no such rate.
 */
function sentCounters(scope: 'overall' | 'campaign' | 'mailbox' | 'domain') {
  return scope === 'overall' || scope === 'campaign' ? { sends: 1, verified: 1, verify_passed: 1 } : { sends: 1 }
}

/** One more send in the mailbox's signal window (its "last N sends" count), in the send's own transaction. */
function signalWindowSend(db: Db, mailboxId: string): TransactItem {
  return { Update: { TableName: db.table('metrics'), Key: keys.signalWindow(mailboxId), UpdateExpression: 'ADD sends :one', ExpressionAttributeValues: { ':one': 1 } } }
}

type DayCounters = { scope: 'overall' | 'campaign' | 'mailbox' | 'domain'; id: string; day: string }[]

/**
 * Sends: one item per lead and campaign. The claim is a conditional put (a lead is claimed for a
 * campaign once, ever), so no path can send the same lead twice; every later state change is
 * conditional on the claim's send id.
 */
export function dynamoSends(db: Db) {
  const table = db.table('sendclaims')
  /**
   * A send from one state to its next, with its audit event and counters, in one transaction conditional
   * on the same send id still being in one of `from`. A send that went out counts in its mailbox's signal
   * window. False when it had moved already.
   */
  const moveSend = async (record: SendRecord, from: readonly ('sending' | 'unknown')[], event: AuditEvent, counters: DayCounters): Promise<boolean> => {
    try {
      await transact(db, [
        {
          Put: {
            TableName: table,
            Item: { ...keys.send(record.campaignId, record.leadId), ...keys.sendByState(record.state, record.claimedAt), send: record },
            ConditionExpression: `#send.#sendId = :id AND #send.#state IN (${from.map((_, i) => `:from${i}`).join(', ')})`,
            ExpressionAttributeNames: { '#send': 'send', '#sendId': 'sendId', '#state': 'state' },
            ExpressionAttributeValues: { ':id': record.sendId, ...Object.fromEntries(from.map((state, i) => [`:from${i}`, state])) },
          },
        },
        auditPut(db, event),
        ...counters.flatMap((c) => metricsDayAdd(db, c.scope, c.id, c.day, sentCounters(c.scope)) ?? []),
        ...(record.state === 'sent' && record.mailboxId ? [signalWindowSend(db, record.mailboxId)] : []),
      ])
      return true
    } catch (err) {
      if (isConditionFailure(err)) return false
      throw err
    }
  }
  return {
    async get(campaignId: string, leadId: string): Promise<SendRecord | null> {
      const out = await db.doc.send(new GetCommand({ TableName: table, Key: keys.send(campaignId, leadId), ConsistentRead: true }))
      return out.Item ? (out.Item.send as SendRecord) : null
    },

    /**
     * The same, eventually consistent (half the units): for the send loop's look before it verifies. It
     * decides nothing on its own; the claim, a conditional put, is what keeps a lead from being sent twice,
     * and a claim this read misses is refused there.
     */
    async peek(campaignId: string, leadId: string): Promise<SendRecord | null> {
      const out = await db.doc.send(new GetCommand({ TableName: table, Key: keys.send(campaignId, leadId) }))
      return out.Item ? (out.Item.send as SendRecord) : null
    },

    /** `claimed` only the first time for this lead and campaign. */
    async claim(record: SendRecord): Promise<'claimed' | 'exists'> {
      try {
        await db.doc.send(
          new PutCommand({
            TableName: table,
            Item: { ...keys.send(record.campaignId, record.leadId), ...keys.sendByState(record.state, record.claimedAt), send: record },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        )
        return 'claimed'
      } catch (err) {
        if (isConditionFailure(err)) return 'exists'
        throw err
      }
    },

    /** Gives a claim back when SES certainly did not take the message (throttled, account paused). */
    async release(record: SendRecord): Promise<void> {
      try {
        await db.doc.send(
          new DeleteCommand({
            TableName: table,
            Key: keys.send(record.campaignId, record.leadId),
            ConditionExpression: '#send.#sendId = :id AND #send.#state = :sending',
            ExpressionAttributeNames: { '#send': 'send', '#sendId': 'sendId', '#state': 'state' },
            ExpressionAttributeValues: { ':id': record.sendId, ':sending': 'sending' },
          }),
        )
      } catch (err) {
        if (!isConditionFailure(err)) throw err
      }
    },

    /**
     * Moves a claimed send to its outcome with its audit event and day counters in one transaction.
     * Conditional on the same send id still being `sending`.
     */
    async settle(record: SendRecord, event: AuditEvent, counters: DayCounters): Promise<'settled' | 'changed'> {
      return (await moveSend(record, ['sending'], event, counters)) ? 'settled' : 'changed'
    },

    /**
     * `sending` or `unknown` -> `sent` from the SES Send event, counted then (neither state was counted).
     * A send still `sending` is one whose pulse died (or has not yet recorded it) after SES took the mail:
     * the event comes within seconds, long before the sweep would make it `unknown`. Whichever of this and
     * the pulse's own settle comes second finds the state moved and writes nothing, so it counts once.
     */
    async confirm(record: SendRecord, event: AuditEvent, counters: DayCounters): Promise<'confirmed' | 'changed'> {
      return (await moveSend(record, ['sending', 'unknown'], event, counters)) ? 'confirmed' : 'changed'
    },

    /**
     * `unknown` -> what a person found out: `sent` with the MessageId they looked up (counted then, as the
     * Send event would), or `failed` (not sent). Conditional on the send still being that unknown one.
     */
    async settleByPerson(record: SendRecord, event: AuditEvent, counters: DayCounters): Promise<'settled' | 'changed'> {
      return (await moveSend(record, ['unknown'], event, counters)) ? 'settled' : 'changed'
    },

    /** Sends whose outcome is unknown, longest waiting first, a page at a time (a sparse index: only these). */
    async listUnknown(limit: number, cursor?: string | null): Promise<Page<SendRecord>> {
      const partition = keys.sendStatePartition('unknown')
      const start = startKeyFrom(cursor, ['pk', 'sk', 'gsi1pk', 'gsi1sk'], { name: 'gsi1pk', value: partition })
      const out = await db.doc.send(
        new QueryCommand({
          TableName: table,
          IndexName: INDEX.sendclaimsByState,
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': partition },
          Limit: limit,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      )
      return { items: (out.Items ?? []).map((i) => i.send as SendRecord), nextCursor: out.LastEvaluatedKey ? encodeCursor(out.LastEvaluatedKey) : null }
    },

    /** How many sends are unknown, counting no further than `max` (a sparse index: only these are read). */
    async countUnknown(max = 100): Promise<number> {
      const out = await db.doc.send(
        new QueryCommand({
          TableName: table,
          IndexName: INDEX.sendclaimsByState,
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.sendStatePartition('unknown') },
          Select: 'COUNT',
          Limit: max,
        }),
      )
      return out.Count ?? 0
    },

    /** Records a lead that will not be sent (invalid address, render failure) with its audit event. */
    async skip(record: SendRecord, event: AuditEvent, counters: { scope: 'overall' | 'campaign'; id: string; day: string; passed?: boolean }[]): Promise<'skipped' | 'exists'> {
      try {
        await transact(db, [
          {
            Put: {
              TableName: table,
              Item: { ...keys.send(record.campaignId, record.leadId), ...keys.sendByState(record.state, record.claimedAt), send: record },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          auditPut(db, event),
          ...counters.flatMap((c) => metricsDayAdd(db, c.scope, c.id, c.day, { verified: 1, ...(c.passed ? { verify_passed: 1 } : {}) }) ?? []),
        ])
        return 'skipped'
      } catch (err) {
        if (isConditionFailure(err)) return 'exists'
        throw err
      }
    },

    /** Claims still `sending` that were made before `before` (ISO): their process died mid-send. */
    async stuckSending(before: string, limit: number): Promise<SendRecord[]> {
      const out = await db.doc.send(
        new QueryCommand({
          TableName: table,
          IndexName: INDEX.sendclaimsByState,
          KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk < :before',
          ExpressionAttributeValues: { ':pk': keys.sendStatePartition('sending'), ':before': before },
          Limit: limit,
        }),
      )
      return (out.Items ?? []).map((i) => i.send as SendRecord)
    },
  }
}

/** The pulse chain's cursor, moved only by the chain that owns it. */
export function dynamoChainCursor(db: Db) {
  return {
    async advance(
      campaignId: string,
      chainId: string,
      position: ChainPosition,
      token?: { expected: string; next: string },
      at?: string,
      preverified?: PreVerification,
    ): Promise<'moved' | 'stale'> {
      // The first pulse of a chain has no stored token yet: the chain id stands for it.
      const tokenCondition = token ? ' AND (pulseToken = :expected OR (attribute_not_exists(pulseToken) AND chainId = :expected))' : ''
      // Rejections in a row and a long gap's end ride on the move the pulse makes anyway (same item, same
      // unit); none is stored as absent.
      const rejected = position.rejectedInRow > 0
      const notBefore = position.notBefore ?? null
      const sets = ['#cursor = :cursor', 'lastMailboxId = :mailbox', 'waitingFor = :waiting']
      if (token) sets.push('pulseToken = :next')
      if (at) sets.push('movedAt = :at')
      if (preverified) sets.push('preverified = :pre')
      if (rejected) sets.push('rejectedInRow = :rejected')
      if (notBefore) sets.push('notBefore = :notBefore')
      const removes = [...(rejected ? [] : ['rejectedInRow']), ...(notBefore ? [] : ['notBefore'])]
      try {
        await db.doc.send(
          new UpdateCommand({
            TableName: db.table('campaigns'),
            Key: keys.campaignChain(campaignId),
            UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
            ConditionExpression: `chainId = :chain AND running = :true${tokenCondition}`,
            ExpressionAttributeNames: { '#cursor': 'cursor' },
            ExpressionAttributeValues: {
              ':cursor': position.cursor,
              ':mailbox': position.lastMailboxId,
              ':waiting': position.waitingFor,
              ':chain': chainId,
              ':true': true,
              ...(token ? { ':expected': token.expected, ':next': token.next } : {}),
              ...(at ? { ':at': at } : {}),
              ...(preverified ? { ':pre': preverified } : {}),
              ...(rejected ? { ':rejected': position.rejectedInRow } : {}),
              ...(notBefore ? { ':notBefore': notBefore } : {}),
            },
          }),
        )
        return 'moved'
      } catch (err) {
        if (isConditionFailure(err)) return 'stale'
        throw err
      }
    },

    /**
     * A verification kept on the chain item the next pulse reads anyway (one small write, and no read of
     * its own). Only while the chain runs and expects that pulse (the chain id stands for a chain's first
     * pulse, as in `advance`): a chain paused, aborted or moved on meanwhile is left alone, and `stale` says so.
     */
    async notePreverified(campaignId: string, chainId: string, token: string, verification: PreVerification): Promise<'noted' | 'stale'> {
      try {
        await db.doc.send(
          new UpdateCommand({
            TableName: db.table('campaigns'),
            Key: keys.campaignChain(campaignId),
            UpdateExpression: 'SET preverified = :v',
            ConditionExpression: 'chainId = :chain AND running = :true AND (pulseToken = :token OR (attribute_not_exists(pulseToken) AND chainId = :token))',
            ExpressionAttributeValues: { ':v': verification, ':chain': chainId, ':true': true, ':token': token },
          }),
        )
        return 'noted'
      } catch (err) {
        if (isConditionFailure(err)) return 'stale'
        throw err
      }
    },
  }
}
