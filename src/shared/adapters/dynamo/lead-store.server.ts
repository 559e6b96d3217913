import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb'
import * as z from 'zod'
import type { AuditEvent } from '../../domain/audit'
import type { Lead, LeadStatus } from '../../domain/entities'
import type { Page } from '../../domain/page'
import { auditPut } from './audit-store.server'
import { decodeCursor, encodeCursor, isConditionFailure, transact, type Db, type TransactItem } from './db.server'
import { INDEX, keys } from './keys'
import { metricsTotalAdd } from './metrics-store.server'
import { NO_RULE_MATCHED } from '../../domain/routing'

function toItem(lead: Lead): Record<string, unknown> {
  return {
    ...keys.lead(lead.id),
    ...keys.leadByStatus(lead.status, lead.createdAt, lead.id),
    ...(lead.campaignId ? keys.leadByCampaign(lead.campaignId, lead.createdAt, lead.id) : {}),
    lead,
  }
}
const fromItem = (item: Record<string, unknown>): Lead => item.lead as Lead

export function dynamoLeads(db: Db) {
  return {
    /**
     * Creates a lead, claims its normalised address, records the audit event and counts it, all in one
     * transaction. Returns `duplicate` when the address already belongs to a lead (nothing is written).
     */
    async insert(lead: Lead, event: AuditEvent): Promise<'created' | 'duplicate'> {
      const items: TransactItem[] = [
        {
          Put: {
            TableName: db.table('leads'),
            Item: { ...keys.leadEmail(lead.email), leadId: lead.id },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        { Put: { TableName: db.table('leads'), Item: toItem(lead), ConditionExpression: 'attribute_not_exists(pk)' } },
        auditPut(db, event),
      ]
      const counter = metricsTotalAdd(db, 'overall', 'all', {
        [`leads_${lead.status}`]: 1,
        ...(lead.status === 'held' && lead.holdReason === NO_RULE_MATCHED ? { leads_unrouted: 1 } : {}),
      })
      if (counter) items.push(counter)
      try {
        await transact(db, items)
        return 'created'
      } catch (err) {
        if (isConditionFailure(err)) return 'duplicate'
        throw err
      }
    },

    /** The campaign's next active (queued) leads after the chain's cursor, in queue order, with their cursors. */
    async nextActive(campaignId: string, after: string | null, limit: number): Promise<{ lead: Lead; cursor: string }[]> {
      const found: { lead: Lead; cursor: string }[] = []
      let start: Record<string, unknown> | undefined
      do {
        const out = await db.doc.send(
          new QueryCommand({
            TableName: db.table('leads'),
            IndexName: INDEX.leadsByCampaign,
            KeyConditionExpression: after ? 'gsi2pk = :pk AND gsi2sk > :after' : 'gsi2pk = :pk',
            FilterExpression: '#lead.#status = :active',
            ExpressionAttributeNames: { '#lead': 'lead', '#status': 'status' },
            ExpressionAttributeValues: { ':pk': keys.leadByCampaign(campaignId, '', '').gsi2pk, ':active': 'active', ...(after ? { ':after': after } : {}) },
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        )
        for (const item of out.Items ?? []) found.push({ lead: fromItem(item), cursor: String(item.gsi2sk) })
        start = out.LastEvaluatedKey
      } while (start && found.length < limit)
      return found.slice(0, limit)
    },

    /** Held leads routed to a campaign, oldest first (the order they will be sent in). */
    async heldOfCampaign(campaignId: string, limit: number): Promise<Lead[]> {
      const leads: Lead[] = []
      let start: Record<string, unknown> | undefined
      do {
        const out = await db.doc.send(
          new QueryCommand({
            TableName: db.table('leads'),
            IndexName: INDEX.leadsByCampaign,
            KeyConditionExpression: 'gsi2pk = :pk',
            FilterExpression: '#lead.#status = :held',
            ExpressionAttributeNames: { '#lead': 'lead', '#status': 'status' },
            ExpressionAttributeValues: { ':pk': keys.leadByCampaign(campaignId, '', '').gsi2pk, ':held': 'held' },
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        )
        leads.push(...(out.Items ?? []).map(fromItem))
        start = out.LastEvaluatedKey
      } while (start && leads.length < limit)
      return leads.slice(0, limit)
    },

    /** Held -> active (queued) through the gate: the lead, its counters and the audit event together. */
    async admit(lead: Lead, event: AuditEvent): Promise<'admitted' | 'changed'> {
      const active: Lead = { ...lead, status: 'active', holdReason: null }
      try {
        await transact(db, [
          {
            Put: {
              TableName: db.table('leads'),
              Item: toItem(active),
              ConditionExpression: '#lead.#status = :held',
              ExpressionAttributeNames: { '#lead': 'lead', '#status': 'status' },
              ExpressionAttributeValues: { ':held': 'held' },
            },
          },
          auditPut(db, event),
          metricsTotalAdd(db, 'overall', 'all', { leads_held: -1, leads_active: 1 })!,
        ])
        return 'admitted'
      } catch (err) {
        if (isConditionFailure(err)) return 'changed'
        throw err
      }
    },

    /** Active (queued, unsent) -> held with a reason, e.g. when its campaign is aborted; counted and audited. */
    async returnToHeld(lead: Lead, reason: string, event: AuditEvent): Promise<'held' | 'changed'> {
      const held: Lead = { ...lead, status: 'held', holdReason: reason }
      try {
        await transact(db, [
          {
            Put: {
              TableName: db.table('leads'),
              Item: toItem(held),
              ConditionExpression: '#lead.#status = :active',
              ExpressionAttributeNames: { '#lead': 'lead', '#status': 'status' },
              ExpressionAttributeValues: { ':active': 'active' },
            },
          },
          auditPut(db, event),
          metricsTotalAdd(db, 'overall', 'all', { leads_active: -1, leads_held: 1 })!,
        ])
        return 'held'
      } catch (err) {
        if (isConditionFailure(err)) return 'changed'
        throw err
      }
    },

    /** Records why a held lead stays held (only while it is still held), with its audit event. */
    async hold(lead: Lead, reason: string, event: AuditEvent): Promise<'held' | 'changed'> {
      try {
        await transact(db, [
          {
            Update: {
              TableName: db.table('leads'),
              Key: keys.lead(lead.id),
              UpdateExpression: 'SET #lead.#reason = :reason',
              ConditionExpression: '#lead.#status = :held',
              ExpressionAttributeNames: { '#lead': 'lead', '#status': 'status', '#reason': 'holdReason' },
              ExpressionAttributeValues: { ':held': 'held', ':reason': reason },
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

    async idForEmail(email: string): Promise<string | null> {
      const out = await db.doc.send(new GetCommand({ TableName: db.table('leads'), Key: keys.leadEmail(email) }))
      return out.Item ? String(out.Item.leadId) : null
    },

    /** The first lead routed to a campaign (a realistic sample for template previews), or null. */
    async firstOfCampaign(campaignId: string): Promise<Lead | null> {
      const out = await db.doc.send(
        new QueryCommand({
          TableName: db.table('leads'),
          IndexName: INDEX.leadsByCampaign,
          KeyConditionExpression: 'gsi2pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.leadByCampaign(campaignId, '', '').gsi2pk },
          Limit: 1,
        }),
      )
      return out.Items?.[0] ? fromItem(out.Items[0]) : null
    },

    /** Newest first within one status; optionally only those held for one reason. */
    async listByStatus(status: LeadStatus, limit: number, cursor?: string | null, holdReason?: string): Promise<Page<Lead>> {
      const start = z.record(z.string(), z.string()).safeParse(decodeCursor(cursor))
      const out = await db.doc.send(
        new QueryCommand({
          TableName: db.table('leads'),
          IndexName: INDEX.leadsByStatus,
          KeyConditionExpression: 'gsi1pk = :pk',
          ...(holdReason
            ? {
                FilterExpression: '#lead.#reason = :reason',
                ExpressionAttributeNames: { '#lead': 'lead', '#reason': 'holdReason' },
                ExpressionAttributeValues: { ':pk': keys.leadStatusPartition(status), ':reason': holdReason },
              }
            : { ExpressionAttributeValues: { ':pk': keys.leadStatusPartition(status) } }),
          ScanIndexForward: false,
          Limit: limit,
          ...(start.success ? { ExclusiveStartKey: start.data } : {}),
        }),
      )
      return { items: (out.Items ?? []).map(fromItem), nextCursor: out.LastEvaluatedKey ? encodeCursor(out.LastEvaluatedKey) : null }
    },
  }
}
export type DynamoLeads = ReturnType<typeof dynamoLeads>
