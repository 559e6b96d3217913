import { BatchGetCommand } from '@aws-sdk/lib-dynamodb'
import type { Db } from './db.server'
import { keys } from './keys'

/** The global suppression list: addresses and whole domains Drason never sends to. */
export function dynamoSuppression(db: Db) {
  return {
    async isSuppressed(email: string): Promise<boolean> {
      const domain = email.slice(email.lastIndexOf('@') + 1)
      const out = await db.doc.send(
        new BatchGetCommand({ RequestItems: { [db.table('suppression')]: { Keys: [keys.suppressedAddress(email), keys.suppressedDomain(domain)], ProjectionExpression: 'pk' } } }),
      )
      return (out.Responses?.[db.table('suppression')] ?? []).length > 0
    },
  }
}
