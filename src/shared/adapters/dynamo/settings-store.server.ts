import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb'
import { settingsSchema, type Settings } from '../../domain/settings'
import type { AuditEvent } from '../../domain/audit'
import type { AccountBrake } from '../../domain/entities'
import { auditPut } from './audit-store.server'
import { isConditionFailure, transact, type Db, type TransactItem } from './db.server'
import { keys } from './keys'

/**
 * Settings are one versioned item. Reads fill in defaults for anything not stored yet (so new settings
 * arrive with their documented default); writes are conditional on the version read (two admins editing
 * at once cannot silently overwrite each other).
 */
function settingsOf(item: Record<string, unknown> | undefined): Settings {
  const parsed = settingsSchema.safeParse(item?.settings ?? {})
  // A stored value that no longer validates (an older schema) falls back to the defaults for safety.
  return parsed.success ? parsed.data : settingsSchema.parse({})
}

export function dynamoSettings(db: Db) {
  return {
    /** True the first time only: the demo seed runs once per database. */
    async claimSeedMarker(now: Date): Promise<boolean> {
      try {
        await db.doc.send(
          new PutCommand({ TableName: db.table('settings'), Item: { ...keys.seedMarker(), at: now.toISOString() }, ConditionExpression: 'attribute_not_exists(pk)' }),
        )
        return true
      } catch (err) {
        if (isConditionFailure(err)) return false
        throw err
      }
    },
    async get(): Promise<{ settings: Settings; version: number }> {
      const out = await db.doc.send(new GetCommand({ TableName: db.table('settings'), Key: keys.settings() }))
      return { settings: settingsOf(out.Item), version: Number(out.Item?.version ?? 0) }
    },
    /**
     * The settings and the account brake together (they share a partition): one strongly consistent Query,
     * one unit, where the two reads cost one and a half. Strong for the brake's sake: a brake engaged a
     * moment ago must stop the very next send (see account-store).
     */
    async withBrake(): Promise<{ settings: Settings; brake: AccountBrake | null }> {
      const out = await db.doc.send(
        new QueryCommand({ TableName: db.table('settings'), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.settings().pk }, ConsistentRead: true }),
      )
      const items = out.Items ?? []
      const brake = (items.find((i) => i.sk === keys.accountBrake().sk)?.brake as AccountBrake | undefined) ?? null
      return { settings: settingsOf(items.find((i) => i.sk === keys.settings().sk)), brake: brake?.engaged ? brake : null }
    },
    /** Replaces the settings if nobody saved since `expectedVersion`, with its audit event, atomically. */
    async save(settings: Settings, expectedVersion: number, event: AuditEvent): Promise<'saved' | 'conflict'> {
      const put: TransactItem = {
        Put: {
          TableName: db.table('settings'),
          Item: { ...keys.settings(), settings, version: expectedVersion + 1 },
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
export type DynamoSettings = ReturnType<typeof dynamoSettings>
