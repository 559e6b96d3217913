import { DeleteCommand, GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb'
import type { Role, User } from '../../domain/entities'
import { isConditionFailure, type Db, type TransactItem } from './db.server'
import { keys } from './keys'

function toUser(item: Record<string, unknown>): User {
  return {
    email: String(item.email),
    role: item.role === 'admin' ? 'admin' : 'viewer',
    passwordHash: String(item.passwordHash),
    createdAt: String(item.createdAt),
  }
}

export function dynamoUsers(db: Db) {
  return {
    async get(email: string): Promise<User | null> {
      const out = await db.doc.send(new GetCommand({ TableName: db.table('users'), Key: keys.user(email) }))
      return out.Item ? toUser(out.Item) : null
    },
    /** Creates a user only if the address is free (first-admin bootstrap races are harmless). */
    createItem(user: User): TransactItem {
      return {
        Put: {
          TableName: db.table('users'),
          Item: { ...keys.user(user.email), ...user },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      }
    },
    async create(user: User): Promise<void> {
      await db.doc.send(
        new PutCommand({ TableName: db.table('users'), Item: { ...keys.user(user.email), ...user }, ConditionExpression: 'attribute_not_exists(pk)' }),
      )
    },
    /**
     * The users table holds a handful of people (plus short-lived login counters that expire), so a
     * filtered scan is the simplest correct listing; it is never used for counts or on hot paths.
     */
    async list(): Promise<Pick<User, 'email' | 'role' | 'createdAt'>[]> {
      const users: Pick<User, 'email' | 'role' | 'createdAt'>[] = []
      let start: Record<string, unknown> | undefined
      do {
        const out = await db.doc.send(
          new ScanCommand({
            TableName: db.table('users'),
            FilterExpression: 'sk = :sk',
            ExpressionAttributeValues: { ':sk': keys.userSortKey() },
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        )
        for (const item of out.Items ?? []) {
          const u = toUser(item)
          users.push({ email: u.email, role: u.role, createdAt: u.createdAt })
        }
        start = out.LastEvaluatedKey
      } while (start)
      return users.sort((a, b) => a.email.localeCompare(b.email))
    },
    async addFailure(key: string, windowId: string, expiresAt: Date): Promise<number> {
      const out = await db.doc.send(
        new UpdateCommand({
          TableName: db.table('users'),
          Key: keys.loginFailures(key, windowId),
          UpdateExpression: 'ADD #count :one SET expiresAt = :exp',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: { ':one': 1, ':exp': Math.ceil(expiresAt.getTime() / 1000) },
          ReturnValues: 'UPDATED_NEW',
        }),
      )
      return Number(out.Attributes?.count ?? 1)
    },
    async releaseFailure(key: string, windowId: string): Promise<void> {
      try {
        await db.doc.send(
          new UpdateCommand({
            TableName: db.table('users'),
            Key: keys.loginFailures(key, windowId),
            UpdateExpression: 'ADD #count :minus',
            // Only a count this attempt added to: an expired (TTL-deleted) one is not brought back at -1.
            ConditionExpression: 'attribute_exists(#count)',
            ExpressionAttributeNames: { '#count': 'count' },
            ExpressionAttributeValues: { ':minus': -1 },
          }),
        )
      } catch (err) {
        if (!isConditionFailure(err)) throw err
      }
    },
  }
}
export type DynamoUsers = ReturnType<typeof dynamoUsers>

export interface StoredSession {
  email: string
  role: Role
  expiresAt: Date
}

/** Sessions are stored under the SHA-256 of their id: a leaked table does not yield usable cookies. */
export function dynamoSessions(db: Db) {
  return {
    async create(idHash: string, session: StoredSession): Promise<void> {
      await db.doc.send(
        new PutCommand({
          TableName: db.table('sessions'),
          Item: { ...keys.session(idHash), email: session.email, role: session.role, expiresAt: Math.floor(session.expiresAt.getTime() / 1000) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      )
    },
    async get(idHash: string): Promise<StoredSession | null> {
      const out = await db.doc.send(new GetCommand({ TableName: db.table('sessions'), Key: keys.session(idHash) }))
      if (!out.Item) return null
      return {
        email: String(out.Item.email),
        role: out.Item.role === 'admin' ? 'admin' : 'viewer',
        expiresAt: new Date(Number(out.Item.expiresAt) * 1000),
      }
    },
    async delete(idHash: string): Promise<void> {
      await db.doc.send(new DeleteCommand({ TableName: db.table('sessions'), Key: keys.session(idHash) }))
    },
  }
}
export type DynamoSessions = ReturnType<typeof dynamoSessions>
