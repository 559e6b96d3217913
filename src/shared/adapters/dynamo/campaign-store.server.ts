import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb'
import type { AuditEvent } from '../../domain/audit'
import type { Campaign, Domain, Mailbox, RoutingRule } from '../../domain/entities'
import type { TotalCounter } from '../../domain/metrics'
import { auditPut } from './audit-store.server'
import { batchGetAll, isConditionFailure, queryAll, transact, type Db, type TableName, type TransactItem } from './db.server'
import { INDEX, keys } from './keys'
import type { ChainView, PreVerification } from '../../services/pulse'
import { metricsTotalAdd } from './metrics-store.server'

/** Every item of one index partition (small sets: campaigns, domains, mailboxes of a domain). */
function queryPartition(db: Db, table: 'campaigns' | 'domains' | 'mailboxes', index: string, pk: string): Promise<Record<string, unknown>[]> {
  return queryAll(db, { TableName: db.table(table), IndexName: index, KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': pk } })
}

export type SaveResult = 'saved' | 'conflict'

/**
 * Writes an entity with its audit event (and a counter change) in one transaction, conditional on the
 * version read: version 0 means "must not exist yet". Two people editing the same thing cannot
 * silently overwrite each other; the one who loses gets `conflict`.
 */
async function versionedPut(
  db: Db,
  table: TableName,
  item: Record<string, unknown>,
  expectedVersion: number,
  event: AuditEvent,
  counter: TransactItem | null = null,
): Promise<SaveResult> {
  const put: TransactItem = {
    Put: {
      TableName: db.table(table),
      Item: { ...item, version: expectedVersion + 1 },
      ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :v',
      ...(expectedVersion === 0 ? {} : { ExpressionAttributeValues: { ':v': expectedVersion } }),
    },
  }
  try {
    await transact(db, [put, auditPut(db, event), ...(counter ? [counter] : [])])
    return 'saved'
  } catch (err) {
    if (isConditionFailure(err)) return 'conflict'
    throw err
  }
}

async function getVersioned<T>(db: Db, table: TableName, key: Record<string, string>, field: string): Promise<{ value: T; version: number } | null> {
  const out = await db.doc.send(new GetCommand({ TableName: db.table(table), Key: key, ConsistentRead: true }))
  return out.Item ? { value: out.Item[field] as T, version: Number(out.Item.version ?? 1) } : null
}

function chainOf(item: Record<string, unknown> | undefined): ChainView & { pulseToken: string | null; movedAt: string | null } {
  const text = (v: unknown) => (typeof v === 'string' ? v : null)
  return {
    chainId: text(item?.chainId),
    running: item?.running === true,
    cursor: text(item?.cursor),
    cursorQueuedAt: keys.queuedAtOfCursor(text(item?.cursor)),
    lastMailboxId: text(item?.lastMailboxId),
    waitingFor: text(item?.waitingFor),
    pulseToken: text(item?.pulseToken),
    // A new chain has not moved yet: its start stands for its last move.
    movedAt: text(item?.movedAt) ?? text(item?.startedAt),
    preverified: (item?.preverified as PreVerification | undefined) ?? null,
    ...(typeof item?.rejectedInRow === 'number' ? { rejectedInRow: item.rejectedInRow } : {}),
    ...(typeof item?.notBefore === 'string' ? { notBefore: item.notBefore } : {}),
  }
}

/** +1/-1 on a "paused" counter when an entity enters or leaves the paused state. */
function pausedDelta(db: Db, counter: TotalCounter, before: boolean, after: boolean): TransactItem | null {
  if (before === after) return null
  return metricsTotalAdd(db, 'overall', 'all', { [counter]: after ? 1 : -1 })
}

export function dynamoCampaigns(db: Db) {
  const itemOf = (c: Campaign) => ({ ...keys.campaign(c.id), ...keys.campaignList(c.name, c.id), campaign: c })
  /** Create (expectedVersion 0) or replace a campaign; `previous` keeps the paused counter right. */
  const save = (campaign: Campaign, expectedVersion: number, event: AuditEvent, previous: Campaign | null): Promise<SaveResult> =>
    versionedPut(db, 'campaigns', itemOf(campaign), expectedVersion, event, pausedDelta(db, 'campaigns_paused', previous?.status === 'paused', campaign.status === 'paused'))
  /**
   * Changes a campaign's status and its pulse chain together. `startChain` claims the chain only if no
   * chain is running (two Start clicks at once: exactly one wins); `stopChain` marks it stopped so any
   * pulse still in the queue ends at its first check.
   */
  const transition = async (
    campaign: Campaign,
    expectedVersion: number,
    event: AuditEvent,
    previous: Campaign,
    chain: { startChain: string } | { stopChain: true },
  ): Promise<SaveResult> => {
    const chainItem: TransactItem =
      'startChain' in chain
        ? {
            Update: {
              TableName: db.table('campaigns'),
              Key: keys.campaignChain(campaign.id),
              // A new chain's first pulse carries no token; the chain id stands for it until the first move.
              // It counts SES rejections in a row afresh: a person resumed after looking at why it paused.
              UpdateExpression: 'SET running = :true, chainId = :chain, startedAt = :at, movedAt = :at REMOVE pulseToken, rejectedInRow',
              ConditionExpression: 'attribute_not_exists(running) OR running = :false',
              ExpressionAttributeValues: { ':true': true, ':false': false, ':chain': chain.startChain, ':at': event.at },
            },
          }
        : {
            Update: {
              TableName: db.table('campaigns'),
              Key: keys.campaignChain(campaign.id),
              UpdateExpression: 'SET running = :false, stoppedAt = :at',
              ExpressionAttributeValues: { ':false': false, ':at': event.at },
            },
          }
    const put: TransactItem = {
      Put: {
        TableName: db.table('campaigns'),
        Item: { ...itemOf(campaign), version: expectedVersion + 1 },
        ConditionExpression: 'version = :v',
        ExpressionAttributeValues: { ':v': expectedVersion },
      },
    }
    const counter = pausedDelta(db, 'campaigns_paused', previous.status === 'paused', campaign.status === 'paused')
    try {
      await transact(db, [put, chainItem, auditPut(db, event), ...(counter ? [counter] : [])])
      return 'saved'
    } catch (err) {
      if (isConditionFailure(err)) return 'conflict'
      throw err
    }
  }
  return {
    transition,
    /** The campaign's pulse chain: which chain id is current, whether it runs, where its cursor is. */
    async chain(id: string): Promise<ChainView & { pulseToken: string | null; movedAt: string | null }> {
      const out = await db.doc.send(new GetCommand({ TableName: db.table('campaigns'), Key: keys.campaignChain(id), ConsistentRead: true }))
      return chainOf(out.Item)
    },
    /**
     * The campaign and its chain together, for the send loop: both items share the campaign's partition,
     * so one strongly consistent Query reads them for one unit (two GetItems cost two).
     */
    async withChain(id: string): Promise<{ campaign: { value: Campaign; version: number } | null; chain: ChainView & { pulseToken: string | null; movedAt: string | null } }> {
      const out = await db.doc.send(
        new QueryCommand({
          TableName: db.table('campaigns'),
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.campaign(id).pk },
          ConsistentRead: true,
        }),
      )
      const items = out.Items ?? []
      const campaignItem = items.find((i) => i.sk === keys.campaign(id).sk)
      return {
        campaign: campaignItem ? { value: campaignItem.campaign as Campaign, version: Number(campaignItem.version ?? 1) } : null,
        chain: chainOf(items.find((i) => i.sk === keys.campaignChain(id).sk)),
      }
    },
    async insert(campaign: Campaign, event: AuditEvent): Promise<void> {
      if ((await save(campaign, 0, event, null)) === 'conflict') throw new Error(`campaign ${campaign.id} exists already`)
    },
    save,
    get: (id: string) => getVersioned<Campaign>(db, 'campaigns', keys.campaign(id), 'campaign'),
    async list(): Promise<Campaign[]> {
      const items = await queryPartition(db, 'campaigns', INDEX.campaignsByList, keys.campaignListPartition())
      return items.map((i) => i.campaign as Campaign)
    },
  }
}

export function dynamoSenders(db: Db) {
  const domainItem = (d: Domain) => ({ ...keys.domain(d.id), ...keys.domainList(d.name), domain: d })
  const mailboxItem = (m: Mailbox) => ({ ...keys.mailbox(m.id), ...keys.mailboxByDomain(m.domainId, m.address), mailbox: m })
  const saveDomain = (domain: Domain, expectedVersion: number, event: AuditEvent, previous: Domain | null): Promise<SaveResult> =>
    versionedPut(db, 'domains', domainItem(domain), expectedVersion, event, pausedDelta(db, 'domains_paused', previous?.status === 'paused', domain.status === 'paused'))
  const saveMailbox = (mailbox: Mailbox, expectedVersion: number, event: AuditEvent, previous: Mailbox | null): Promise<SaveResult> =>
    versionedPut(db, 'mailboxes', mailboxItem(mailbox), expectedVersion, event, pausedDelta(db, 'mailboxes_paused', previous?.status === 'paused', mailbox.status === 'paused'))
  return {
    async insertDomain(domain: Domain, event: AuditEvent): Promise<void> {
      if ((await saveDomain(domain, 0, event, null)) === 'conflict') throw new Error(`domain ${domain.id} exists already`)
    },
    async insertMailbox(mailbox: Mailbox, event: AuditEvent): Promise<void> {
      if ((await saveMailbox(mailbox, 0, event, null)) === 'conflict') throw new Error(`mailbox ${mailbox.id} exists already`)
    },
    saveDomain,
    saveMailbox,
    getDomain: (id: string) => getVersioned<Domain>(db, 'domains', keys.domain(id), 'domain'),
    getMailbox: (id: string) => getVersioned<Mailbox>(db, 'mailboxes', keys.mailbox(id), 'mailbox'),
    /**
     * Several mailboxes in one BatchGetItem, eventually consistent (the send loop's pool): as fresh as the
     * domain statuses beside them, which come from an index and are always eventually consistent. A
     * mailbox paused within the last second may still look active: the same as a send made just before.
     */
    async mailboxesById(ids: string[]): Promise<Mailbox[]> {
      const found = new Map((await batchGetAll(db, 'mailboxes', [...new Set(ids)].map((id) => keys.mailbox(id)))).map((i) => [(i.mailbox as Mailbox).id, i.mailbox as Mailbox]))
      return ids.flatMap((id) => (found.has(id) ? [found.get(id)!] : []))
    },
    async domains(): Promise<Domain[]> {
      return (await queryPartition(db, 'domains', INDEX.domainsByList, keys.domainListPartition())).map((i) => i.domain as Domain)
    },
    async mailboxesOf(domainId: string): Promise<Mailbox[]> {
      return (await queryPartition(db, 'mailboxes', INDEX.mailboxesByDomain, keys.mailboxDomainPartition(domainId))).map((i) => i.mailbox as Mailbox)
    },
  }
}

/**
 * How long intake may route by a rule set it has already read (decision 050). A webhook lead otherwise
 * pays a read of the rule set every time (a third of its DynamoDB time). One second bounds the staleness
 * to about the time a person takes to go from saving rules to sending a lead, and a save in the same
 * process clears the copy at once.
 */
export const RECENT_RULES_MS = 1000

/**
 * The ordered rule set. `get` always reads it (the rules page and its optimistic-concurrency version need
 * the stored value); `recent` is for routing, and may answer a copy read less than `maxAgeMs` ago by this
 * process. `now` is a monotonic clock in milliseconds (tests pass their own).
 */
export function dynamoRouting(db: Db, options: { maxAgeMs?: number; now?: () => number } = {}) {
  const maxAgeMs = options.maxAgeMs ?? RECENT_RULES_MS
  const now = options.now ?? (() => performance.now())
  let copy: { readAt: number; value: Promise<{ rules: RoutingRule[]; version: number }> } | null = null
  const get = async (): Promise<{ rules: RoutingRule[]; version: number }> => {
    const out = await db.doc.send(new GetCommand({ TableName: db.table('routing'), Key: keys.ruleset() }))
    return { rules: (out.Item?.rules as RoutingRule[] | undefined) ?? [], version: Number(out.Item?.version ?? 0) }
  }
  return {
    get,
    /** The rule set as read at most `maxAgeMs` ago (one read shared by the requests that arrive meanwhile). */
    recent(): Promise<{ rules: RoutingRule[]; version: number }> {
      const at = now()
      if (copy && at - copy.readAt < maxAgeMs) return copy.value
      const value = get()
      const mine = { readAt: at, value }
      copy = mine
      // A failed read is not kept: the next call reads again.
      value.catch(() => {
        if (copy === mine) copy = null
      })
      return value
    },
    /** The whole ordered set in one conditional write: a reorder is atomic and concurrent edits conflict. */
    async save(rules: RoutingRule[], expectedVersion: number, event: AuditEvent): Promise<SaveResult> {
      // Whatever the outcome, this process's copy may now be old: the next routing reads the stored set.
      copy = null
      const result = await versionedPut(db, 'routing', { ...keys.ruleset(), rules }, expectedVersion, event)
      copy = null
      return result
    },
  }
}
