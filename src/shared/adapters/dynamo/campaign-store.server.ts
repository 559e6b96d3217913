import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb'
import type { AuditEvent } from '../../domain/audit'
import type { Campaign, Domain, Mailbox, RoutingRule } from '../../domain/entities'
import { auditPut } from './audit-store.server'
import { isConditionFailure, transact, type Db, type TransactItem } from './db.server'
import { INDEX, keys } from './keys'
import { metricsTotalAdd } from './metrics-store.server'

/** Query every item of one index partition (small sets: campaigns, domains, mailboxes of a domain). */
async function queryAll(db: Db, table: 'campaigns' | 'domains' | 'mailboxes', index: string, pk: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = []
  let start: Record<string, unknown> | undefined
  do {
    const out = await db.doc.send(
      new QueryCommand({
        TableName: db.table(table),
        IndexName: index,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    )
    items.push(...(out.Items ?? []))
    start = out.LastEvaluatedKey
  } while (start)
  return items
}

function insertWithAudit(db: Db, put: TransactItem, event: AuditEvent, counter: TransactItem | null) {
  return transact(db, [put, auditPut(db, event), ...(counter ? [counter] : [])])
}

export function dynamoCampaigns(db: Db) {
  return {
    async insert(campaign: Campaign, event: AuditEvent): Promise<void> {
      const put: TransactItem = {
        Put: {
          TableName: db.table('campaigns'),
          Item: { ...keys.campaign(campaign.id), ...keys.campaignList(campaign.name, campaign.id), campaign },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      }
      await insertWithAudit(db, put, event, campaign.status === 'paused' ? metricsTotalAdd(db, 'overall', 'all', { campaigns_paused: 1 }) : null)
    },
    async list(): Promise<Campaign[]> {
      const items = await queryAll(db, 'campaigns', INDEX.campaignsByList, keys.campaignListPartition())
      return items.map((i) => i.campaign as Campaign)
    },
  }
}

export function dynamoSenders(db: Db) {
  return {
    async insertDomain(domain: Domain, event: AuditEvent): Promise<void> {
      const put: TransactItem = {
        Put: {
          TableName: db.table('domains'),
          Item: { ...keys.domain(domain.id), ...keys.domainList(domain.name), domain },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      }
      await insertWithAudit(db, put, event, domain.status === 'paused' ? metricsTotalAdd(db, 'overall', 'all', { domains_paused: 1 }) : null)
    },
    async insertMailbox(mailbox: Mailbox, event: AuditEvent): Promise<void> {
      const put: TransactItem = {
        Put: {
          TableName: db.table('mailboxes'),
          Item: { ...keys.mailbox(mailbox.id), ...keys.mailboxByDomain(mailbox.domainId, mailbox.address), mailbox },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      }
      await insertWithAudit(db, put, event, mailbox.status === 'paused' ? metricsTotalAdd(db, 'overall', 'all', { mailboxes_paused: 1 }) : null)
    },
    async domains(): Promise<Domain[]> {
      return (await queryAll(db, 'domains', INDEX.domainsByList, keys.domainListPartition())).map((i) => i.domain as Domain)
    },
    async mailboxesOf(domainId: string): Promise<Mailbox[]> {
      return (await queryAll(db, 'mailboxes', INDEX.mailboxesByDomain, keys.mailboxDomainPartition(domainId))).map((i) => i.mailbox as Mailbox)
    },
  }
}

export function dynamoRouting(db: Db) {
  return {
    async get(): Promise<{ rules: RoutingRule[]; version: number }> {
      const out = await db.doc.send(new GetCommand({ TableName: db.table('routing'), Key: keys.ruleset() }))
      return { rules: (out.Item?.rules as RoutingRule[] | undefined) ?? [], version: Number(out.Item?.version ?? 0) }
    },
    /** The whole ordered set in one conditional write: a reorder is atomic and concurrent edits conflict. */
    async save(rules: RoutingRule[], expectedVersion: number, event: AuditEvent): Promise<'saved' | 'conflict'> {
      const put: TransactItem = {
        Put: {
          TableName: db.table('routing'),
          Item: { ...keys.ruleset(), rules, version: expectedVersion + 1 },
          ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :v',
          ...(expectedVersion === 0 ? {} : { ExpressionAttributeValues: { ':v': expectedVersion } }),
        },
      }
      try {
        await transact(db, [put, auditPut(db, event)])
        return 'saved'
      } catch (err) {
        if (isConditionFailure(err)) return 'conflict'
        throw err
      }
    },
  }
}
