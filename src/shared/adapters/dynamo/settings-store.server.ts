import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb'
import { settingsSchema, type Settings } from '../../domain/settings'
import type { AuditEvent } from '../../domain/audit'
import { auditPut } from './audit-store.server'
import { isConditionFailure, transact, type Db, type TransactItem } from './db.server'
import { keys } from './keys'

/**
 * Settings are one versioned item. Reads fill in defaults for anything not stored yet (so new settings
 * arrive with their documented default); writes are conditional on the version read (two admins editing
 * at once cannot silently overwrite each other).
 */
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
      const stored = out.Item?.settings ?? {}
      const parsed = settingsSchema.safeParse(stored)
      // A stored value that no longer validates (an older schema) falls back to the defaults for safety.
      return { settings: parsed.success ? parsed.data : settingsSchema.parse({}), version: Number(out.Item?.version ?? 0) }
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
