import { BatchGetCommand } from '@aws-sdk/lib-dynamodb'
import type { AuditEvent } from '../../domain/audit'
import { auditPut } from './audit-store.server'
import { isConditionFailure, transact, type Db } from './db.server'
import { keys } from './keys'

/** The global suppression list: addresses and whole domains Drason never sends to. */
export function dynamoSuppression(db: Db) {
  return {
    async isSuppressed(email: string): Promise<boolean> {
      const domain = email.slice(email.lastIndexOf('@') + 1)
      const out = await db.doc.send(
        new BatchGetCommand({ RequestItems: { [db.table('suppression')]: { Keys: [keys.suppressedAddress(email), keys.suppressedDomain(domain)], ProjectionExpression: 'pk' } } }),
      )
      // An unanswered key could be a suppressed address: fail (and retry) rather than guess "not suppressed".
      if (Object.keys(out.UnprocessedKeys ?? {}).length > 0) throw new Error('suppression lookup was not fully answered; retry')
      return (out.Responses?.[db.table('suppression')] ?? []).length > 0
    },
    /** Adds an address once (a repeat is `exists` and writes nothing), with its audit event. */
    async add(email: string, reason: string, event: AuditEvent): Promise<'added' | 'exists'> {
      try {
        await transact(db, [
          { Put: { TableName: db.table('suppression'), Item: { ...keys.suppressedAddress(email), email, reason, at: event.at }, ConditionExpression: 'attribute_not_exists(pk)' } },
          auditPut(db, event),
        ])
        return 'added'
      } catch (err) {
        if (isConditionFailure(err)) return 'exists'
        throw err
      }
    },
  }
}
