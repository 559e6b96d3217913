import { GetCommand } from '@aws-sdk/lib-dynamodb'
import type { AuditEvent } from '../../domain/audit'
import type { AccountBrake } from '../../domain/entities'
import type { IntegrationState } from '../../services/smartlead-sender'
import { auditPut } from './audit-store.server'
import { isConditionFailure, transact, type Db } from './db.server'
import { keys } from './keys'

/** The account-wide brake: one item, changed only together with its audit event. */
export function dynamoAccount(db: Db) {
  const table = db.table('settings')
  const state = async (): Promise<AccountBrake | null> => {
    // Strongly consistent: a brake engaged a moment ago must stop the very next send.
    const out = await db.doc.send(new GetCommand({ TableName: table, Key: keys.accountBrake(), ConsistentRead: true }))
    return (out.Item?.brake as AccountBrake | undefined) ?? null
  }
  return {
    async brake(): Promise<AccountBrake | null> {
      const brake = await state()
      return brake?.engaged ? brake : null
    },
    state,
    /** `engaged` only if it was not engaged already (the first alarm wins; a repeat writes nothing). */
    async engage(brake: AccountBrake, event: AuditEvent): Promise<'engaged' | 'already_engaged'> {
      try {
        await transact(db, [
          {
            Put: {
              TableName: table,
              Item: { ...keys.accountBrake(), brake },
              ConditionExpression: 'attribute_not_exists(pk) OR brake.engaged = :false',
              ExpressionAttributeValues: { ':false': false },
            },
          },
          auditPut(db, event),
        ])
        return 'engaged'
      } catch (err) {
        if (isConditionFailure(err)) return 'already_engaged'
        throw err
      }
    },
    async release(brake: AccountBrake, event: AuditEvent): Promise<'released' | 'not_engaged'> {
      try {
        await transact(db, [
          {
            Put: {
              TableName: table,
              Item: { ...keys.accountBrake(), brake },
              ConditionExpression: 'brake.engaged = :true',
              ExpressionAttributeValues: { ':true': true },
            },
          },
          auditPut(db, event),
        ])
        return 'released'
      } catch (err) {
        if (isConditionFailure(err)) return 'not_engaged'
        throw err
      }
    },
  }
}

/** An integration's state (Smartlead: paused after a 401 until a person resumes it), with its audit event. */
export function dynamoIntegration(db: Db, name: string) {
  const table = db.table('settings')
  return {
    async get(): Promise<IntegrationState | null> {
      const out = await db.doc.send(new GetCommand({ TableName: table, Key: keys.integration(name), ConsistentRead: true }))
      return (out.Item?.state as IntegrationState | undefined) ?? null
    },
    async set(state: IntegrationState, event: AuditEvent): Promise<void> {
      await transact(db, [{ Put: { TableName: table, Item: { ...keys.integration(name), state } } }, auditPut(db, event)])
    },
  }
}
