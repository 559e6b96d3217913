/**
 * The fewest write units any design can spend on one sent email while keeping PRODUCT.md's rules, priced
 * with bench/capacity.ts's model from the sizes this run measured (decision 060). It answers one
 * question: is the "≤ 8 write units" reachable without changing the product? Each row is a write
 * the brief asks for, priced at its cheapest:
 *
 * - the claim: "claim the send (conditional write)" before SES, so it cannot share the later transaction;
 * - "record MessageId, audit and metrics atomically": one TransactWriteItems, every item of which AWS
 *   bills twice. In it the audit event (append-only, so a new item, carrying the variant sent and the
 *   verifier's answer), the counters, and the lead's send state (the lead leaves its campaign's queue, and
 *   the lead counters the Overview shows count that change, so it is in the same atomic write). The send
 *   record's own move to `sent` is left out: the floor lets the audit event stand for it;
 * - one index entry for the audit event (the log is read as a timeline and by entity: one order is the
 *   table's, the other needs an index) and one for the lead leaving the queue's index;
 * - the queue position, "persisted so a restart resumes exactly where it stopped": one small write.
 *
 * Counters are priced two ways: every scope in one item (the least any design could write), and one item
 * per scope the brief lists (campaign, mailbox, domain, overall, each by day) plus the lead counters.
 */
import type { UnitRow } from './capacity'

export interface FloorRow {
  what: string
  /** Bytes of the item this run wrote for it (null for a fixed-size entry priced at its minimum). */
  bytes: number | null
  oneCounter: number
  perScope: number
}

export interface WriteFloor {
  rows: FloorRow[]
  /** Every scope's counters in one item. */
  oneCounter: number
  /** A counter item per scope PRODUCT.md names, and the lead counters. */
  perScope: number
}

const KB = 1024
/** Write units of an item of `bytes`, outside a transaction. */
const units = (bytes: number) => Math.max(1, Math.ceil(bytes / KB))
/** The same inside a transaction: AWS bills each item twice (prepare and commit). */
const inTransaction = (bytes: number) => 2 * units(bytes)

/** Scopes PRODUCT.md lists for counters, each by day: campaign, mailbox, domain, overall. */
const SCOPES = 4

/** The average size of the items written by `op` (a Put or an Update inside a transaction, or a PutItem) to `targetPrefix`. */
function sizeOf(rows: UnitRow[], op: string, targetPrefix: string): number {
  const ops = op.endsWith(': Put') ? [op, op.replace(/: Put$/, ': Update')] : [op]
  const row = rows.find((r) => ops.includes(r.op) && r.target.startsWith(targetPrefix) && r.items > 0)
  if (!row) throw new Error(`the run wrote no ${ops.join(' or ')} ${targetPrefix}…: nothing to price the floor from`)
  return row.bytes / row.items
}

/** The floor, from the unit rows of a run of sends (bench/send-loop.ts measureUnits). */
export function writeFloor(rows: UnitRow[]): WriteFloor {
  const claim = sizeOf(rows, 'PutItem', 'sendclaims SEND')
  const event = sizeOf(rows, 'TransactWriteItems: Put', 'audit ')
  const lead = sizeOf(rows, 'TransactWriteItems: Put', 'leads LEAD')
  const counter = sizeOf(rows, 'TransactWriteItems: Update', 'metrics METRICS/campaign')
  const leadCounters = sizeOf(rows, 'TransactWriteItems: Update', 'metrics METRICS/TOTAL')
  const out: FloorRow[] = [
    { what: 'claim before SES (conditional put)', bytes: claim, oneCounter: units(claim), perScope: units(claim) },
    { what: 'audit event, in the atomic write', bytes: event, oneCounter: inTransaction(event), perScope: inTransaction(event) },
    { what: `counters, in the atomic write (one item / ${SCOPES} scopes)`, bytes: counter, oneCounter: inTransaction(counter), perScope: SCOPES * inTransaction(counter) },
    { what: 'lead counters, in the atomic write (in the one item / their own)', bytes: leadCounters, oneCounter: 0, perScope: inTransaction(leadCounters) },
    { what: "lead's send state, in the atomic write", bytes: lead, oneCounter: inTransaction(lead), perScope: inTransaction(lead) },
    { what: "audit event's timeline index entry", bytes: null, oneCounter: 1, perScope: 1 },
    { what: "lead leaving the queue's index", bytes: null, oneCounter: 1, perScope: 1 },
    { what: 'queue position', bytes: null, oneCounter: 1, perScope: 1 },
  ]
  return { rows: out, oneCounter: out.reduce((t, r) => t + r.oneCounter, 0), perScope: out.reduce((t, r) => t + r.perScope, 0) }
}
