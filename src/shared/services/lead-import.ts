import { stampAuditEvent, type Actor, type AuditEvent } from '../domain/audit'
import type { Campaign } from '../domain/entities'
import { guessMapping, validateMapping } from '../domain/column-mapping'
import { parseTable } from '../domain/import-table'
import { validateLead, type IntakeLead, type Problem } from '../domain/lead-intake'
import { SAMPLE_ROWS, chunkRows, isBlankRow, rowToRecord, sheetRow, type ColumnMapping, type ImportJob, type RowError } from '../domain/lead-import'
import { ingestMany, type IntakeDeps } from './intake'
import { recordAudit, type AuditDeps } from './audit-log'

export interface ImportStore {
  create(job: ImportJob, chunks: { startIndex: number; rows: string[][] }[], event: AuditEvent): Promise<void>
  get(id: string): Promise<ImportJob | null>
  start(id: string, mapping: ColumnMapping, campaignId: string | null, event: AuditEvent): Promise<'started' | 'not_mapping'>
  chunk(id: string, index: number): Promise<{ index: number; startIndex: number; rows: string[][]; done: boolean } | null>
  completeChunk(id: string, index: number, counts: { imported: number; existing: number; errors: number; blank: number }, errors: RowError[]): Promise<'completed' | 'already_done'>
  finish(id: string, totalRows: number, event: AuditEvent): Promise<boolean>
  errors(id: string): Promise<RowError[]>
}
/** Where chunk work is handed off (an SQS queue in AWS, the sandbox's queue locally). */
export interface ImportQueue {
  enqueue(message: { importId: string; chunk: number }): Promise<void>
}

export interface ImportDeps extends IntakeDeps {
  imports: ImportStore
  importQueue: ImportQueue
  campaigns: { list(): Promise<Pick<Campaign, 'id' | 'name' | 'status'>[]> }
}

/** Step 1: parse the file, store its rows in chunks and guess the column mapping. Nothing is imported yet. */
export async function createImport(deps: ImportDeps, actor: Actor, file: { name: string; bytes: Uint8Array }): Promise<{ ok: true; job: ImportJob } | { ok: false; reason: string }> {
  const table = parseTable(file.bytes, file.name)
  if (!table.ok) return { ok: false, reason: table.reason }
  if (table.rows.length === 0) return { ok: false, reason: 'The file has a header row but no data rows.' }
  const now = deps.clock.now()
  const chunks = chunkRows(table.rows)
  const job: ImportJob = {
    id: deps.ids.next(),
    fileName: file.name.slice(0, 200),
    kind: table.kind,
    headers: table.headers,
    sample: table.rows.slice(0, SAMPLE_ROWS),
    totalRows: table.rows.length,
    chunkCount: chunks.length,
    mapping: guessMapping(table.headers),
    campaignId: null,
    status: 'mapping',
    createdBy: actor.id,
    createdAt: now.toISOString(),
    counts: { done: 0, imported: 0, existing: 0, errors: 0, blank: 0 },
  }
  const event = stampAuditEvent(
    { actor, entityType: 'import', entityId: job.id, action: 'import_uploaded', sentence: `${actor.id} uploaded ${job.fileName} (${job.totalRows} rows, ${table.kind.toUpperCase()}).` },
    deps.ids.next(),
    now,
  )
  await deps.imports.create(job, chunks, event)
  return { ok: true, job }
}

/** Pure: the preview rows with the problems each would have under a mapping. */
export function previewRows(job: Pick<ImportJob, 'headers' | 'sample'>, mapping: ColumnMapping): { row: number; cells: string[]; problems: Problem[] }[] {
  return job.sample.map((cells, i) => {
    if (isBlankRow(cells)) return { row: sheetRow(i), cells, problems: [] }
    const checked = validateLead(rowToRecord(job.headers, cells, mapping), 'row')
    return { row: sheetRow(i), cells, problems: checked.ok ? [] : checked.problems }
  })
}

/** Step 2: confirm the mapping and routing, then hand every chunk to the queue. */
export async function startImport(deps: ImportDeps, actor: Actor, id: string, mapping: ColumnMapping, campaignId: string | null): Promise<{ ok: true } | { ok: false; status: 400 | 404 | 409; errors: string[] }> {
  const job = await deps.imports.get(id)
  if (!job) return { ok: false, status: 404, errors: ['No such import.'] }
  const problems = validateMapping(mapping)
  for (const index of Object.values(mapping)) {
    if (index !== null && (index < 0 || index >= job.headers.length)) problems.push('A mapped column does not exist in the file.')
  }
  if (problems.length) return { ok: false, status: 400, errors: problems }
  const target = campaignId ? (await deps.campaigns.list()).find((c) => c.id === campaignId) : null
  if (campaignId && !target) return { ok: false, status: 400, errors: ['Choose a campaign that exists.'] }
  // Nothing ever admits a lead into an aborted or completed campaign: its leads would wait for ever.
  if (target && (target.status === 'aborted' || target.status === 'completed')) {
    return { ok: false, status: 400, errors: [`Campaign "${target.name}" is ${target.status}: its leads would never be sent. Choose another campaign, or route by the rules.`] }
  }
  const event = stampAuditEvent(
    {
      actor,
      entityType: 'import',
      entityId: id,
      action: 'import_started',
      sentence: `${actor.id} started importing ${job.fileName} (${job.totalRows} rows), ${campaignId ? `assigning every lead to campaign ${campaignId}` : 'routing by the rules'}.`,
      details: { mapping: Object.fromEntries(Object.entries(mapping).map(([f, i]) => [f, i === null ? null : job.headers[i]])) },
    },
    deps.ids.next(),
    deps.clock.now(),
  )
  if ((await deps.imports.start(id, mapping, campaignId, event)) === 'not_mapping') {
    return { ok: false, status: 409, errors: ['This import has already started.'] }
  }
  for (let chunk = 0; chunk < job.chunkCount; chunk++) await deps.importQueue.enqueue({ importId: id, chunk })
  return { ok: true }
}

/**
 * Queues again every chunk of a started import that is not done: for a start whose enqueueing was cut
 * short (a queue error or a crash after the job had moved to `queued`), which would otherwise show "in
 * progress" for ever with rows never read. A chunk queued twice is processed once (it is marked done in
 * the write that counts it), so asking when nothing is stuck costs only the extra messages.
 */
export async function requeueImport(deps: ImportDeps & Pick<AuditDeps, 'audit'>, actor: Actor, id: string): Promise<{ ok: true; requeued: number } | { ok: false; status: 404 | 409; errors: string[] }> {
  const job = await deps.imports.get(id)
  if (!job) return { ok: false, status: 404, errors: ['No such import.'] }
  if (job.status !== 'queued' && job.status !== 'running') {
    return { ok: false, status: 409, errors: [job.status === 'mapping' ? 'This import has not started yet.' : 'This import has finished.'] }
  }
  const undone: number[] = []
  for (let chunk = 0; chunk < job.chunkCount; chunk++) if (!(await deps.imports.chunk(id, chunk))?.done) undone.push(chunk)
  await recordAudit(deps, {
    actor,
    entityType: 'import',
    entityId: id,
    action: 'import_requeued',
    sentence: `${actor.id} queued ${undone.length} unfinished part${undone.length === 1 ? '' : 's'} of ${job.fileName} again (${job.totalRows - job.counts.done} rows not done).`,
    details: { chunks: undone },
  })
  for (const chunk of undone) await deps.importQueue.enqueue({ importId: id, chunk })
  return { ok: true, requeued: undone.length }
}

/**
 * Step 3 (queue): one chunk. Rows already taken in by an interrupted earlier attempt come back as
 * existing leads (a lead's id is its address, so intake is idempotent); the chunk's counts are added
 * once, in the same write that marks it done.
 */
export async function processImportChunk(deps: ImportDeps, message: { importId: string; chunk: number }): Promise<'processed' | 'skipped'> {
  const job = await deps.imports.get(message.importId)
  if (!job || job.status === 'mapping') return 'skipped'
  const chunk = await deps.imports.chunk(message.importId, message.chunk)
  if (!chunk || chunk.done) return 'skipped'
  const actor: Actor = { type: 'user', id: job.createdBy }
  // One rule set for the whole chunk (read once, not once per row): its rows are routed alike.
  const rules = await deps.rules.get()
  const chunkDeps: ImportDeps = { ...deps, rules: { get: async () => rules } }
  const counts = { imported: 0, existing: 0, errors: 0, blank: 0 }
  const errors: RowError[] = []
  const valid: IntakeLead[] = []
  for (const [offset, cells] of chunk.rows.entries()) {
    const row = sheetRow(chunk.startIndex + offset)
    if (isBlankRow(cells)) {
      counts.blank++
      continue
    }
    const checked = validateLead(rowToRecord(job.headers, cells, job.mapping), 'row')
    if (!checked.ok) {
      counts.errors++
      for (const p of checked.problems) errors.push({ row, column: columnName(job, p.field), reason: p.problem })
      continue
    }
    valid.push(checked.lead)
  }
  // Stored addresses are found with one read; new ones are written a batch per transaction (ingestMany).
  for (const result of await ingestMany(chunkDeps, valid, job.kind, actor, { importId: job.id, ...(job.campaignId ? { campaignId: job.campaignId } : {}) })) {
    if (result.created) counts.imported++
    else counts.existing++
  }
  if ((await deps.imports.completeChunk(job.id, chunk.index, counts, errors)) === 'already_done') return 'skipped'
  const after = await deps.imports.get(job.id)
  if (after && after.counts.done >= after.totalRows) {
    await deps.imports.finish(
      job.id,
      job.totalRows,
      stampAuditEvent(
        {
          actor: { type: 'system', id: 'imports' },
          entityType: 'import',
          entityId: job.id,
          action: 'import_finished',
          sentence: `Finished importing ${job.fileName}: ${after.counts.imported} new leads, ${after.counts.existing} already known, ${after.counts.errors} rows with errors.`,
          details: { counts: after.counts },
        },
        deps.ids.next(),
        deps.clock.now(),
      ),
    )
  }
  return 'processed'
}

/** Errors name the file's own column header where the field was mapped from one. */
function columnName(job: ImportJob, field: string): string {
  const index = job.mapping[field as keyof ColumnMapping]
  if (typeof index === 'number' && job.headers[index]) return job.headers[index]!
  if (field === 'name') {
    const i = job.mapping.full_name ?? job.mapping.first_name
    if (typeof i === 'number' && job.headers[i]) return job.headers[i]!
  }
  return field
}
