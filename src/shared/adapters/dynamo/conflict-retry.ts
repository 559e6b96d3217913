import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'

/**
 * Retrying writes that DynamoDB refused only because another transaction held one of their items.
 *
 * Every Drason transaction touches a shared counter item (decision 050, PRODUCT.md's "counters in the same
 * atomic write"): two Clay posts, a webhook and an import chunk, or a send's settle and a Delivery
 * event can reach DynamoDB in the same few milliseconds. AWS then cancels one of the transactions
 * (`TransactionCanceledException`, reason `TransactionConflict`) or refuses a single-item write on an
 * item a transaction holds (`TransactionConflictException`). Nothing was written in either case, so the
 * same request may be sent again; the SDK's own retry does not cover these two (it retries throttling,
 * timeouts and 5xx only), and without this a burst of webhooks answered 500 (Clay leaves such a row
 * errored: a lost lead) and a send's settle after SES had taken the email left it `unknown`.
 * DynamoDB Local runs transactions one at a time, so the conflict never happens there: the unit test
 * drives the SDK with DynamoDB's real error bodies (decision 002).
 */

/** True when DynamoDB refused the request only for a conflicting transaction: nothing was written. */
export function isTransactionConflict(err: unknown): boolean {
  const name = (err as { name?: string } | null)?.name
  if (name === 'TransactionConflictException') return true
  if (name !== 'TransactionCanceledException') return false
  const reasons = (err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []
  // A condition that failed alongside a conflict is an answer, not a race: the caller must see it.
  return reasons.some((r) => r.Code === 'TransactionConflict') && reasons.every((r) => r.Code === 'TransactionConflict' || r.Code === 'None' || r.Code === undefined)
}

export interface ConflictRetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number
  /** Full jitter: the wait before retry k (1-based) is uniform in [0, min(capMs, baseMs * 2^(k-1))). */
  baseMs: number
  capMs: number
}

/**
 * Six attempts over at most ~0.8 s in all: a conflict lasts as long as the other transaction (tens of
 * milliseconds), and a webhook must still answer well inside Clay's timeout.
 */
export const CONFLICT_RETRY: ConflictRetryPolicy = { attempts: 6, baseMs: 20, capMs: 320 }

export interface RetryTools {
  random: () => number
  sleep: (ms: number) => Promise<void>
}

export const realTools: RetryTools = {
  random: Math.random,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
}

/** Runs `attempt` until it succeeds, fails for another reason, or the policy's attempts are used up. */
export async function retryConflicts<T>(attempt: () => Promise<T>, policy: ConflictRetryPolicy = CONFLICT_RETRY, tools: RetryTools = realTools): Promise<T> {
  for (let k = 1; ; k++) {
    try {
      return await attempt()
    } catch (err) {
      if (k >= policy.attempts || !isTransactionConflict(err)) throw err
      await tools.sleep(tools.random() * Math.min(policy.capMs, policy.baseMs * 2 ** (k - 1)))
    }
  }
}

/**
 * The same as SDK middleware, added once to the client every store shares (`createDb`). It sits at the
 * `initialize` step, outside serialisation and the SDK's own retries, so each attempt is a whole request
 * serialised afresh (a transaction gets a new idempotency token: the refused one wrote nothing).
 */
export function addConflictRetry(client: DynamoDBClient, policy: ConflictRetryPolicy = CONFLICT_RETRY, tools: RetryTools = realTools): void {
  client.middlewareStack.add((next) => (args) => retryConflicts(() => next(args), policy, tools), {
    step: 'initialize',
    name: 'drasonConflictRetry',
  })
}
