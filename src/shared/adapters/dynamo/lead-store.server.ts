import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb'
import type { AuditEvent } from '../../domain/audit'
import { campaignPlace, type Lead, type LeadStatus } from '../../domain/entities'
import { leadIdFor } from '../../domain/lead-id'
import type { Page } from '../../domain/page'
import { auditPut } from './audit-store.server'
import { batchGetAll, encodeCursor, isConditionFailure, startKeyFrom, transact, type Db, type TransactItem } from './db.server'
import { INDEX, keys } from './keys'
import { metricsTotalAdd } from './metrics-store.server'
import { NO_RULE_MATCHED } from '../../domain/routing'

function toItem(lead: Lead): Record<string, unknown> {
  return {
    ...keys.lead(lead.id),
    ...keys.leadByStatus(lead.status, lead.createdAt, lead.id),
    // A campaign's completed leads are never read by campaign (the send loop reads its queue, the gate its
    // held leads): leaving the index on completion costs one index write instead of a move's two.
    ...(lead.campaignId && lead.status !== 'completed' ? keys.leadByCampaign(lead.campaignId, lead.status, campaignPlace(lead), lead.id) : {}),
    lead,
  }
}
const fromItem = (item: Record<string, unknown>): Lead => item.lead as Lead

/**
 * The condition that a lead is still in the campaign (or in none) it was read in, for writes made from a
 * copy that may be stale: a person may have given a held lead to another campaign since (decision 080).
 * Needs `#lead` and `#campaign` ('campaignId') among the expression's names.
 */
function stillInCampaign(lead: Lead): { expression: string; values: Record<string, string | null> } {
  return lead.campaignId
    ? { expression: '#lead.#campaign = :readCampaign', values: { ':readCampaign': lead.campaignId } }
    : { expression: '(attribute_not_exists(#lead.#campaign) OR #lead.#campaign = :noCampaign)', values: { ':noCampaign': null } }
}

/** The attributes a page of the by-status index ends on: the table's key and the index's. */
const LEAD_STATUS_PAGE_KEY = ['pk', 'sk', 'gsi1pk', 'gsi1sk'] as const
// A filtered listing reads up to FILTERED_READS steps of FILTERED_STEP leads for one page (≤ 1,000 leads).
const FILTERED_STEP = 200
const FILTERED_READS = 5

export function dynamoLeads(db: Db) {
  /**
   * Moves a lead from the status it was read with to another, with its counters and audit event, in one
   * transaction conditional on the status being unchanged since it was read. Only the status, its reason,
   * the queue place and the index keys are written: the lead was often read from an index (eventually
   * consistent), and writing the whole item back would undo a change made since, such as a Clay repeat's
   * enrichment update of a held lead in the instant the gate admits it.
   */
  const moveStatus = async (lead: Lead, to: LeadStatus, holdReason: string | null, event: AuditEvent | null, keepPlace = false): Promise<'moved' | 'changed'> => {
    // Entering the queue takes a place at its end (see Lead.queuedAt); leaving it keeps nothing.
    // A paused lead keeps its place, so a resume puts it back exactly where it was.
    // Held last is the gate's to say again each time it holds the lead.
    const queuedAt = keepPlace ? (lead.queuedAt ?? null) : to === 'active' ? (event?.at ?? null) : null
    const moved = toItem({ ...lead, status: to, holdReason, heldLast: undefined, queuedAt })
    const byCampaign = 'gsi2pk' in moved
    try {
      await transact(db, [
        {
          Update: {
            TableName: db.table('leads'),
            Key: keys.lead(lead.id),
            UpdateExpression:
              'SET #lead.#status = :to, #lead.#reason = :reason, #lead.#queuedAt = :queuedAt, gsi1pk = :gsi1pk, gsi1sk = :gsi1sk' +
              (byCampaign ? ', gsi2pk = :gsi2pk, gsi2sk = :gsi2sk REMOVE #lead.#last' : ' REMOVE #lead.#last, gsi2pk, gsi2sk'),
            // In the status and the campaign it was read in: a copy read from an old campaign's index must
            // not undo a person's assignment.
            ConditionExpression: `#lead.#status = :from AND ${stillInCampaign(lead).expression}`,
            ExpressionAttributeNames: { '#lead': 'lead', '#status': 'status', '#reason': 'holdReason', '#queuedAt': 'queuedAt', '#last': 'heldLast', '#campaign': 'campaignId' },
            ExpressionAttributeValues: {
              ...stillInCampaign(lead).values,
              ':from': lead.status,
              ':to': to,
              ':reason': holdReason,
              ':queuedAt': queuedAt,
              ':gsi1pk': moved.gsi1pk,
              ':gsi1sk': moved.gsi1sk,
              ...(byCampaign ? { ':gsi2pk': moved.gsi2pk, ':gsi2sk': moved.gsi2sk } : {}),
            },
          },
        },
        ...(event ? [auditPut(db, event)] : []),
        metricsTotalAdd(db, 'overall', 'all', { [`leads_${lead.status}`]: -1, [`leads_${to}`]: 1 })!,
      ])
      return 'moved'
    } catch (err) {
      if (isConditionFailure(err)) return 'changed'
      throw err
    }
  }
  // DynamoDB takes at most 100 items in one transaction.
  const MAX_TRANSACTION_ITEMS = 100
  /**
   * New leads, the audit events that record them and one counter change summed over them, in one
   * transaction. Each lead is put only if its key is free: the id is derived from the address
   * (domain/lead-id.ts), so the lead item is the address claim and no other item is needed (decision 050).
   */
  const insertAll = async (leads: Lead[], events: AuditEvent[]): Promise<'created' | 'duplicate'> => {
    if (leads.length === 0) return 'created'
    const counts: Record<string, number> = {}
    for (const lead of leads) {
      counts[`leads_${lead.status}`] = (counts[`leads_${lead.status}`] ?? 0) + 1
      if (lead.status === 'held' && lead.holdReason === NO_RULE_MATCHED) counts.leads_unrouted = (counts.leads_unrouted ?? 0) + 1
    }
    const items: TransactItem[] = [
      ...leads.map((lead): TransactItem => ({ Put: { TableName: db.table('leads'), Item: toItem(lead), ConditionExpression: 'attribute_not_exists(pk)' } })),
      ...events.map((event) => auditPut(db, event)),
    ]
    const counter = metricsTotalAdd(db, 'overall', 'all', counts)
    if (counter) items.push(counter)
    if (items.length > MAX_TRANSACTION_ITEMS) throw new Error(`${items.length} items in one transaction; DynamoDB takes at most ${MAX_TRANSACTION_ITEMS}`)
    try {
      await transact(db, items)
      return 'created'
    } catch (err) {
      if (isConditionFailure(err)) return 'duplicate'
      throw err
    }
  }
  /** A campaign's leads in one status, in queue order, after a cursor (paged until `limit`). */
  const campaignLeads = async (campaignId: string, status: LeadStatus, after: string | null, limit: number): Promise<{ lead: Lead; cursor: string }[]> => {
    const found: { lead: Lead; cursor: string }[] = []
    let start: Record<string, unknown> | undefined
    do {
      const out = await db.doc.send(
        new QueryCommand({
          TableName: db.table('leads'),
          IndexName: INDEX.leadsByCampaign,
          KeyConditionExpression: after ? 'gsi2pk = :pk AND gsi2sk > :after' : 'gsi2pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.leadCampaignPartition(campaignId, status), ...(after ? { ':after': after } : {}) },
          // The partition holds only this status, so every item read is one returned: read no more than asked.
          Limit: limit - found.length,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      )
      for (const item of out.Items ?? []) found.push({ lead: fromItem(item), cursor: String(item.gsi2sk) })
      start = out.LastEvaluatedKey
    } while (start && found.length < limit)
    return found.slice(0, limit)
  }
  return {
    /**
     * Creates a lead with its audit event and counts it, in one transaction of three items. Returns
     * `duplicate` when a lead with this id (so, for an intake lead, this address) exists: nothing is written.
     */
    insert: (lead: Lead, event: AuditEvent): Promise<'created' | 'duplicate'> => insertAll([lead], [event]),

    /**
     * Several new leads in one transaction (imports) with the audit event(s) recording them and one counter
     * change summed over them. If any of the ids is taken, nothing is written (`duplicate`) and the caller
     * takes those leads one by one.
     */
    insertMany: (leads: Lead[], events: AuditEvent[]): Promise<'created' | 'duplicate'> => insertAll(leads, events),

    /**
     * The stored leads among `ids` (any order; missing ids are left out), 100 keys per BatchGetItem. An
     * eventually consistent read is enough: it only saves work, the conditional put is what decides.
     */
    async getMany(ids: string[]): Promise<Lead[]> {
      return (await batchGetAll(db, 'leads', [...new Set(ids)].map((id) => keys.lead(id)))).map(fromItem)
    },

    /** The campaign's next active (queued) leads after the chain's cursor, in queue order, with their cursors. */
    nextActive: (campaignId: string, after: string | null, limit: number) => campaignLeads(campaignId, 'active', after, limit),

    /** Held leads routed to a campaign, oldest first (the order they will be sent in). */
    heldOfCampaign: async (campaignId: string, limit: number): Promise<Lead[]> => (await campaignLeads(campaignId, 'held', null, limit)).map((f) => f.lead),

    /** Held -> active (queued) through the gate: the lead, its counters and the audit event together. */
    admit: (lead: Lead, event: AuditEvent): Promise<'admitted' | 'changed'> =>
      moveStatus(lead, 'active', null, event).then((r) => (r === 'moved' ? 'admitted' : 'changed')),

    /** Active (queued, unsent) -> held with a reason, e.g. when its campaign is aborted; counted and audited. */
    returnToHeld: (lead: Lead, reason: string, event: AuditEvent): Promise<'held' | 'changed'> =>
      moveStatus(lead, 'held', reason, event).then((r) => (r === 'moved' ? 'held' : 'changed')),

    /** Active (queued) -> paused when its campaign pauses; it keeps its place in the queue. */
    pauseQueued: (lead: Lead, reason: string, event: AuditEvent): Promise<'moved' | 'changed'> => moveStatus(lead, 'paused', reason, event, true),

    /** Paused -> active (queued) at its old place when its campaign resumes. */
    resumePaused: (lead: Lead, event: AuditEvent): Promise<'moved' | 'changed'> => moveStatus(lead, 'active', null, event, true),

    /** A campaign's paused leads in queue order (what a resume puts back). */
    nextPaused: (campaignId: string, after: string | null, limit: number) => campaignLeads(campaignId, 'paused', after, limit),

    /**
     * Active -> completed once its email went out and nothing more is due (campaigns are one step). No
     * audit event of its own: the `sent` event, written a moment before, already says what happened.
     */
    complete: (lead: Lead): Promise<'moved' | 'changed'> => moveStatus(lead, 'completed', null, null, true),

    /**
     * Records why a held lead stays held (only while it is still held), with its audit event; `last` puts it
     * after the campaign's other held leads (Lead.heldLast), or back in its own place.
     */
    async hold(lead: Lead, reason: string, event: AuditEvent, last = false): Promise<'held' | 'changed'> {
      const place = lead.campaignId ? keys.leadByCampaign(lead.campaignId, 'held', campaignPlace({ ...lead, status: 'held', heldLast: last }), lead.id) : null
      try {
        await transact(db, [
          {
            Update: {
              TableName: db.table('leads'),
              Key: keys.lead(lead.id),
              UpdateExpression: `SET ${['#lead.#reason = :reason', ...(last ? ['#lead.#last = :last'] : []), ...(place ? ['gsi2sk = :place'] : [])].join(', ')}${last ? '' : ' REMOVE #lead.#last'}`,
              ConditionExpression: `#lead.#status = :held AND ${stillInCampaign(lead).expression}`,
              ExpressionAttributeNames: { '#lead': 'lead', '#status': 'status', '#reason': 'holdReason', '#last': 'heldLast', '#campaign': 'campaignId' },
              ExpressionAttributeValues: {
                ':held': 'held',
                ':reason': reason,
                ...stillInCampaign(lead).values,
                ...(last ? { ':last': true } : {}),
                ...(place ? { ':place': place.gsi2sk } : {}),
              },
            },
          },
          auditPut(db, event),
        ])
        return 'held'
      } catch (err) {
        if (isConditionFailure(err)) return 'changed'
        throw err
      }
    },

    /**
     * A held lead given to a campaign by a person: it waits there for the gate, at its own place (its
     * creation time), with its audit event; an unrouted lead leaves the "no routing rule matched" count.
     * Conditional on the lead being held in the campaign (or none) it was read in.
     */
    async assign(lead: Lead, campaignId: string, reason: string, event: AuditEvent): Promise<'assigned' | 'changed'> {
      const place = keys.leadByCampaign(campaignId, 'held', lead.createdAt, lead.id)
      const counter = lead.holdReason === NO_RULE_MATCHED ? metricsTotalAdd(db, 'overall', 'all', { leads_unrouted: -1 }) : null
      try {
        await transact(db, [
          {
            Update: {
              TableName: db.table('leads'),
              Key: keys.lead(lead.id),
              UpdateExpression: 'SET #lead.#campaign = :campaign, #lead.#reason = :reason, gsi2pk = :gsi2pk, gsi2sk = :gsi2sk REMOVE #lead.#last',
              ConditionExpression: `#lead.#status = :held AND ${stillInCampaign(lead).expression}`,
              ExpressionAttributeNames: { '#lead': 'lead', '#status': 'status', '#campaign': 'campaignId', '#reason': 'holdReason', '#last': 'heldLast' },
              ExpressionAttributeValues: {
                ':held': 'held',
                ':campaign': campaignId,
                ':reason': reason,
                ':gsi2pk': place.gsi2pk,
                ':gsi2sk': place.gsi2sk,
                ...stillInCampaign(lead).values,
              },
            },
          },
          auditPut(db, event),
          ...(counter ? [counter] : []),
        ])
        return 'assigned'
      } catch (err) {
        if (isConditionFailure(err)) return 'changed'
        throw err
      }
    },

    async updateEnrichment(lead: Lead, enrichment: Record<string, string>, event: AuditEvent): Promise<'updated' | 'not_held'> {
      try {
        await transact(db, [
          {
            Update: {
              TableName: db.table('leads'),
              Key: keys.lead(lead.id),
              UpdateExpression: 'SET #lead.#enrichment = :e',
              // Only while still held: intake never changes a lead the gate has let in.
              ConditionExpression: '#lead.#status = :held',
              ExpressionAttributeNames: { '#lead': 'lead', '#enrichment': 'enrichment', '#status': 'status' },
              ExpressionAttributeValues: { ':e': enrichment, ':held': 'held' },
            },
          },
          auditPut(db, event),
        ])
        return 'updated'
      } catch (err) {
        if (isConditionFailure(err)) return 'not_held'
        throw err
      }
    },

    async get(id: string): Promise<Lead | null> {
      const out = await db.doc.send(new GetCommand({ TableName: db.table('leads'), Key: keys.lead(id) }))
      return out.Item ? fromItem(out.Item) : null
    },

    /** The id of the lead with this normalised address, if there is one (the id is computed; one read checks it). */
    async idForEmail(email: string): Promise<string | null> {
      const id = leadIdFor(email)
      const out = await db.doc.send(new GetCommand({ TableName: db.table('leads'), Key: keys.lead(id), ProjectionExpression: 'pk' }))
      return out.Item ? id : null
    },

    /** The first lead routed to a campaign (a realistic sample for template previews), or null. */
    async firstOfCampaign(campaignId: string): Promise<Lead | null> {
      for (const status of ['held', 'active'] as const) {
        const [first] = await campaignLeads(campaignId, status, null, 1)
        if (first) return first.lead
      }
      return null
    },

    /**
     * Newest first within one status; optionally only those held for one reason. DynamoDB filters after
     * its Limit, so a filtered page reads on (in larger steps, at most FILTERED_READS of them) until it
     * has `limit` matches: a rare reason among many held leads still fills the page, and the work per
     * page stays bounded. The cursor is the last lead shown, so the next page starts right after it.
     */
    async listByStatus(status: LeadStatus, limit: number, cursor?: string | null, holdReason?: string): Promise<Page<Lead>> {
      const partition = keys.leadStatusPartition(status)
      let start: Record<string, unknown> | undefined = startKeyFrom(cursor, LEAD_STATUS_PAGE_KEY, { name: 'gsi1pk', value: partition })
      const items: Lead[] = []
      for (let reads = 0; reads < (holdReason ? FILTERED_READS : 1); reads++) {
        const out = await db.doc.send(
          new QueryCommand({
            TableName: db.table('leads'),
            IndexName: INDEX.leadsByStatus,
            KeyConditionExpression: 'gsi1pk = :pk',
            ...(holdReason
              ? {
                  FilterExpression: '#lead.#reason = :reason',
                  ExpressionAttributeNames: { '#lead': 'lead', '#reason': 'holdReason' },
                  ExpressionAttributeValues: { ':pk': partition, ':reason': holdReason },
                }
              : { ExpressionAttributeValues: { ':pk': partition } }),
            ScanIndexForward: false,
            Limit: holdReason ? Math.max(limit, FILTERED_STEP) : limit,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        )
        for (const raw of out.Items ?? []) {
          items.push(fromItem(raw))
          if (items.length === limit) {
            return { items, nextCursor: encodeCursor(Object.fromEntries(LEAD_STATUS_PAGE_KEY.map((k) => [k, raw[k]]))) }
          }
        }
        start = out.LastEvaluatedKey
        if (!start) break
      }
      return { items, nextCursor: start ? encodeCursor(start) : null }
    },
  }
}
export type DynamoLeads = ReturnType<typeof dynamoLeads>
