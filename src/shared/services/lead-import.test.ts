import { describe, expect, it } from 'vitest'
import type { RoutingRule } from '../domain/entities'
import { validateLead } from '../domain/lead-intake'
import { CHUNK_ROWS, rowToRecord, type ColumnMapping } from '../domain/lead-import'
import { fixedClock, memoryAuditLog, memoryCampaigns, memoryImportQueue, memoryImports, memoryLeads, memoryRules, sequentialIds } from '../../../test/support/memory'
import { ingestLead, ingestMany } from './intake'
import { createImport, previewRows, processImportChunk, requeueImport, startImport } from './lead-import'

const admin = { type: 'user', id: 'admin@drason.test' } as const
const NOW = '2026-11-21T09:00:00.000Z'
const HEADER = 'Full Name,Email Address,Company Name,Persona,Lead Score,City'

const rules: RoutingRule[] = [{ id: 'cfo', name: 'Finance leaders', enabled: true, conditions: [{ field: 'persona', op: 'equals', value: 'cfo' }], campaignId: 'finance' }]

const csv = (...lines: string[]) => new TextEncoder().encode(lines.join('\r\n') + '\r\n')

/** Three good rows. */
const goodLines = ['Priya Sharma,priya@acme.in,"Acme, Inc.",cfo,85,Pune', 'Arjun Rao,arjun@beta.in,Beta,cto,,', 'Meera Iyer,meera@gamma.in,Gamma,,,Chennai']

/** The mapping guessHeaders makes of HEADER. */
const GUESSED: ColumnMapping = { email: 1, full_name: 0, first_name: null, last_name: null, company: 2, persona: 3, lead_score: 4 }

function world() {
  const leads = memoryLeads()
  const imports = memoryImports()
  const importQueue = memoryImportQueue()
  const deps = {
    leads,
    rules: memoryRules(rules, 1),
    clock: fixedClock(NOW),
    ids: sequentialIds('id'),
    imports,
    importQueue,
    campaigns: memoryCampaigns(['finance', 'founders']),
  }
  return { leads, imports, importQueue, deps }
}

type World = ReturnType<typeof world>

async function uploaded(w: World, bytes: Uint8Array, name = 'leads.csv') {
  const created = await createImport(w.deps, admin, { name, bytes })
  if (!created.ok) throw new Error(created.reason)
  return created.job
}

async function started(w: World, bytes: Uint8Array, campaignId: string | null = null) {
  const job = await uploaded(w, bytes)
  expect(await startImport(w.deps, admin, job.id, job.mapping, campaignId)).toEqual({ ok: true })
  return job
}

async function processAll(w: World) {
  const results = []
  for (const message of w.importQueue.messages) results.push(await processImportChunk(w.deps, message))
  return results
}

describe('createImport', () => {
  it('stores the rows in chunks with the guessed mapping, and audits the upload; nothing is imported yet', async () => {
    const w = world()
    const created = await createImport(w.deps, admin, { name: 'leads.csv', bytes: csv(HEADER, ...goodLines) })
    expect(created).toEqual({
      ok: true,
      job: {
        id: 'id-1',
        fileName: 'leads.csv',
        kind: 'csv',
        headers: ['Full Name', 'Email Address', 'Company Name', 'Persona', 'Lead Score', 'City'],
        sample: [
          ['Priya Sharma', 'priya@acme.in', 'Acme, Inc.', 'cfo', '85', 'Pune'],
          ['Arjun Rao', 'arjun@beta.in', 'Beta', 'cto', '', ''],
          ['Meera Iyer', 'meera@gamma.in', 'Gamma', '', '', 'Chennai'],
        ],
        totalRows: 3,
        chunkCount: 1,
        mapping: GUESSED,
        campaignId: null,
        status: 'mapping',
        createdBy: 'admin@drason.test',
        createdAt: NOW,
        counts: { done: 0, imported: 0, existing: 0, errors: 0, blank: 0 },
      },
    })
    expect(await w.imports.chunk('id-1', 0)).toMatchObject({ index: 0, startIndex: 0, done: false, rows: [expect.any(Array), expect.any(Array), expect.any(Array)] })
    expect(w.imports.events).toEqual([
      { id: 'id-2', at: NOW, actor: admin, entityType: 'import', entityId: 'id-1', action: 'import_uploaded', sentence: 'admin@drason.test uploaded leads.csv (3 rows, CSV).' },
    ])
    expect(w.leads.leads.size).toBe(0)
    expect(w.importQueue.messages).toEqual([])
  })

  it('stores a large file in several chunks and keeps only the first rows as the sample', async () => {
    const w = world()
    const lines = Array.from({ length: CHUNK_ROWS + 20 }, (_, i) => `Person ${i},p${i}@acme.in,Acme,,,`)
    const job = await uploaded(w, csv(HEADER, ...lines))
    expect(job).toMatchObject({ totalRows: CHUNK_ROWS + 20, chunkCount: 2 })
    expect(job.sample).toHaveLength(10)
    expect(await w.imports.chunk(job.id, 1)).toMatchObject({ startIndex: CHUNK_ROWS, rows: expect.any(Array) })
    expect((await w.imports.chunk(job.id, 1))!.rows).toHaveLength(20)
  })

  it('keeps at most 200 characters of the file name', async () => {
    const w = world()
    const job = await uploaded(w, csv(HEADER, goodLines[0]!), `${'n'.repeat(300)}.csv`)
    expect(job.fileName).toBe('n'.repeat(200))
  })

  it.each([
    ['an empty file', new Uint8Array(), 'The file is empty.'],
    ['a file that is not UTF-8', Uint8Array.from([0x4e, 0x61, 0x6d, 0x65, 0x0a, 0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72, 0x0a]), /not UTF-8/],
    ['a header-only file', csv(HEADER), 'The file has a header row but no data rows.'],
    ['a header followed only by blank lines', csv(HEADER, '', ',,,,,'), 'The file has a header row but no data rows.'],
  ])('refuses %s and stores nothing', async (_label, bytes, reason) => {
    const w = world()
    const created = await createImport(w.deps, admin, { name: 'leads.csv', bytes })
    expect(created.ok).toBe(false)
    expect(!created.ok && created.reason).toMatch(reason)
    expect(w.imports.jobs.size).toBe(0)
    expect(w.imports.events).toEqual([])
  })
})

describe('previewRows', () => {
  const headers = HEADER.split(',')

  it('shows each sample row with its spreadsheet row number and the problems it would have', () => {
    const sample = [
      ['Priya Sharma', 'priya@acme.in', 'Acme', 'cfo', '85', 'Pune'],
      ['', 'not-an-address', '', '', 'high', ''],
      [],
      ['  ', '', ''],
      ['Meera Iyer', 'meera@gamma.in', 'Gamma'],
    ]
    expect(previewRows({ headers, sample }, GUESSED)).toEqual([
      { row: 2, cells: sample[0], problems: [] },
      {
        row: 3,
        cells: sample[1],
        problems: [
          { field: 'email', problem: 'the address has no @' },
          { field: 'name', problem: 'is required (a full name, or a first name)' },
          { field: 'company', problem: 'is required' },
          { field: 'lead_score', problem: 'must be a whole number' },
        ],
      },
      { row: 4, cells: [], problems: [] },
      { row: 5, cells: ['  ', '', ''], problems: [] },
      { row: 6, cells: sample[4], problems: [] },
    ])
  })

  it('re-checks under another mapping', () => {
    const sample = [['Priya Sharma', 'priya@acme.in', 'Acme', 'cfo', '85', 'Pune']]
    // The city column chosen as the company by mistake still passes; no email column fails every row.
    expect(previewRows({ headers, sample }, { ...GUESSED, company: 5 })[0]!.problems).toEqual([])
    expect(previewRows({ headers, sample }, { ...GUESSED, email: null })[0]!.problems).toEqual([{ field: 'email', problem: 'the email address is missing' }])
  })
})

describe('startImport', () => {
  it('records the mapping and routing, audits the start, and enqueues one message per chunk', async () => {
    const w = world()
    const lines = Array.from({ length: 2 * CHUNK_ROWS + 1 }, (_, i) => `Person ${i},p${i}@acme.in,Acme,,,`)
    const job = await uploaded(w, csv(HEADER, ...lines))
    expect(await startImport(w.deps, admin, job.id, job.mapping, 'founders')).toEqual({ ok: true })
    expect(w.importQueue.messages).toEqual([
      { importId: job.id, chunk: 0 },
      { importId: job.id, chunk: 1 },
      { importId: job.id, chunk: 2 },
    ])
    expect(await w.imports.get(job.id)).toMatchObject({ status: 'queued', mapping: GUESSED, campaignId: 'founders' })
    expect(w.imports.events.at(-1)).toEqual({
      id: 'id-3',
      at: NOW,
      actor: admin,
      entityType: 'import',
      entityId: job.id,
      action: 'import_started',
      sentence: 'admin@drason.test started importing leads.csv (1001 rows), assigning every lead to campaign founders.',
      details: { mapping: { email: 'Email Address', full_name: 'Full Name', first_name: null, last_name: null, company: 'Company Name', persona: 'Persona', lead_score: 'Lead Score' } },
    })
  })

  it('says it routes by the rules when no campaign is chosen', async () => {
    const w = world()
    await started(w, csv(HEADER, ...goodLines))
    expect(w.imports.events.at(-1)!.sentence).toBe('admin@drason.test started importing leads.csv (3 rows), routing by the rules.')
  })

  it.each([
    ['no email column', { ...GUESSED, email: null }, ['Choose the column that holds the email address.']],
    ['no name column', { ...GUESSED, full_name: null }, ['Choose the column that holds the full name, or the one with the first name.']],
    ['no email or company column', { ...GUESSED, email: null, company: null }, ['Choose the column that holds the email address.', 'Choose the column that holds the company.']],
    ['a column past the end of the file', { ...GUESSED, persona: 6 }, ['A mapped column does not exist in the file.']],
    ['one column for two fields', { ...GUESSED, persona: 2 }, ['Column 3 is chosen for company and persona; each column can feed one field only.']],
  ] as [string, ColumnMapping, string[]][])('refuses a mapping with %s, listing the problems, and enqueues nothing', async (_label, mapping, errors) => {
    const w = world()
    const job = await uploaded(w, csv(HEADER, ...goodLines))
    expect(await startImport(w.deps, admin, job.id, mapping, null)).toEqual({ ok: false, status: 400, errors })
    expect((await w.imports.get(job.id))!.status).toBe('mapping')
    expect(w.importQueue.messages).toEqual([])
  })

  it('refuses an unknown campaign', async () => {
    const w = world()
    const job = await uploaded(w, csv(HEADER, ...goodLines))
    expect(await startImport(w.deps, admin, job.id, job.mapping, 'nope')).toEqual({ ok: false, status: 400, errors: ['Choose a campaign that exists.'] })
    expect((await w.imports.get(job.id))!.status).toBe('mapping')
    expect(w.importQueue.messages).toEqual([])
  })

  it('refuses an aborted or completed campaign as the target', async () => {
    const w = world()
    w.deps.campaigns.campaigns.find((c) => c.id === 'finance')!.status = 'aborted'
    const job = await uploaded(w, csv(HEADER, ...goodLines))
    const name = w.deps.campaigns.campaigns.find((c) => c.id === 'finance')!.name
    expect(await startImport(w.deps, admin, job.id, job.mapping, 'finance')).toEqual({
      ok: false,
      status: 400,
      errors: [`Campaign "${name}" is aborted: its leads would never be sent. Choose another campaign, or route by the rules.`],
    })
    expect(w.importQueue.messages).toEqual([])
    expect((await w.imports.get(job.id))!.status).toBe('mapping')
  })

  it('refuses an unknown import with 404', async () => {
    const w = world()
    expect(await startImport(w.deps, admin, 'nope', GUESSED, null)).toEqual({ ok: false, status: 404, errors: ['No such import.'] })
  })

  it('refuses a second start with 409, enqueueing and auditing nothing more', async () => {
    const w = world()
    const job = await started(w, csv(HEADER, ...goodLines))
    const events = w.imports.events.length
    expect(await startImport(w.deps, admin, job.id, job.mapping, 'finance')).toEqual({ ok: false, status: 409, errors: ['This import has already started.'] })
    expect(w.importQueue.messages).toHaveLength(1)
    expect(w.imports.events).toHaveLength(events)
    expect((await w.imports.get(job.id))!.campaignId).toBeNull()
  })
})

describe('requeueImport', () => {
  /** Four chunks' worth of good rows (CHUNK_ROWS each, the last one short). */
  const manyLines = Array.from({ length: 3 * CHUNK_ROWS + 7 }, (_, i) => `Person ${i},p${i}@many.example,Many Co,cfo,80,Pune`)

  it('queues again the chunks a cut-short start never queued, so every row is read once and the job finishes', async () => {
    const w = world()
    const audit = memoryAuditLog()
    const deps = { ...w.deps, audit }
    const job = await uploaded(w, csv(HEADER, ...manyLines))
    expect(job.chunkCount).toBe(4)
    // The queue fails on the second message: the job has moved to queued, one chunk is on its way.
    const enqueue = w.importQueue.enqueue
    let calls = 0
    w.importQueue.enqueue = async (m) => {
      if (++calls === 2) throw new Error('SQS is unavailable')
      return enqueue(m)
    }
    await expect(startImport(deps, admin, job.id, job.mapping, null)).rejects.toThrow('SQS is unavailable')
    w.importQueue.enqueue = enqueue
    expect(w.importQueue.messages.map((m) => m.chunk)).toEqual([0])
    await processAll(w)
    expect((await w.imports.get(job.id))!).toMatchObject({ status: 'running', counts: { done: CHUNK_ROWS } })
    // A second start is still refused; asking for the unfinished rows is what brings them back.
    expect(await startImport(deps, admin, job.id, job.mapping, null)).toMatchObject({ ok: false, status: 409 })

    expect(await requeueImport(deps, admin, job.id)).toEqual({ ok: true, requeued: 3 })
    expect(w.importQueue.messages.map((m) => m.chunk)).toEqual([0, 1, 2, 3])
    expect(audit.events.map((e) => [e.action, e.sentence])).toEqual([['import_requeued', `${admin.id} queued 3 unfinished parts of leads.csv again (${2 * CHUNK_ROWS + 7} rows not done).`]])
    const results = await processAll(w)
    expect(results).toEqual(['skipped', 'processed', 'processed', 'processed'])
    expect((await w.imports.get(job.id))!).toMatchObject({ status: 'done', counts: { done: manyLines.length, imported: manyLines.length } })
    expect(await requeueImport(deps, admin, job.id)).toEqual({ ok: false, status: 409, errors: ['This import has finished.'] })
  })

  it('refuses an import that has not started, or does not exist', async () => {
    const w = world()
    const deps = { ...w.deps, audit: memoryAuditLog() }
    const job = await uploaded(w, csv(HEADER, ...goodLines))
    expect(await requeueImport(deps, admin, job.id)).toEqual({ ok: false, status: 409, errors: ['This import has not started yet.'] })
    expect(await requeueImport(deps, admin, 'nope')).toEqual({ ok: false, status: 404, errors: ['No such import.'] })
    expect(w.importQueue.messages).toEqual([])
  })
})

describe('processImportChunk', () => {
  it('takes every good row in through intake, routed by the rules, and finishes the job', async () => {
    const w = world()
    const job = await started(w, csv(HEADER, ...goodLines))
    expect(await processAll(w)).toEqual(['processed'])
    const byEmail = (email: string) => [...w.leads.leads.values()].find((l) => l.email === email)
    expect(byEmail('priya@acme.in')).toMatchObject({ fullName: 'Priya Sharma', company: 'Acme, Inc.', source: 'csv', leadScore: 85, campaignId: 'finance', enrichment: { City: 'Pune' } })
    expect(byEmail('arjun@beta.in')).toMatchObject({ persona: 'cto', leadScore: null, campaignId: null, holdReason: 'no routing rule matched', enrichment: {} })
    expect(byEmail('meera@gamma.in')).toMatchObject({ persona: '', enrichment: { City: 'Chennai' } })
    // One audit event on the import records the batch, attributed to the person who uploaded the file;
    // each lead keeps the import's id (decision 050).
    expect(w.leads.events.map((e) => [e.action, e.entityType, e.entityId, e.actor])).toEqual([['leads_imported', 'import', job.id, admin]])
    expect(w.leads.events[0]!.details!.leads).toEqual([...w.leads.leads.values()].map((l) => ({ id: l.id, email: l.email, campaignId: l.campaignId, holdReason: l.holdReason })))
    expect([...w.leads.leads.values()].map((l) => l.importId)).toEqual([job.id, job.id, job.id])
    expect(await w.imports.get(job.id)).toMatchObject({ status: 'done', counts: { done: 3, imported: 3, existing: 0, errors: 0, blank: 0 } })
  })

  it('assigns every lead to the chosen campaign instead of routing', async () => {
    const w = world()
    await started(w, csv(HEADER, ...goodLines), 'founders')
    await processAll(w)
    expect([...w.leads.leads.values()].map((l) => l.campaignId)).toEqual(['founders', 'founders', 'founders'])
  })

  it('counts imported, existing, errors and blank rows; errors name the file header and the spreadsheet row', async () => {
    const w = world()
    // Arjun is known already (an earlier upload or Clay).
    await ingestLead(w.deps, validOne('Arjun Rao', 'arjun@beta.in', 'Beta'), 'clay', { type: 'integration', id: 'clay' })
    const job = await started(
      w,
      csv(
        HEADER,
        goodLines[0]!, // row 2: new
        ',,,,,', // row 3: blank
        'Arjun Rao,ARJUN@beta.in,Beta,,,', // row 4: existing (same address in another case)
        'Nobody,not-an-address,,,high,', // row 5: three problems
        'Sam Lee,sam@delta.in,Delta,,,', // row 6: new
      ),
    )
    expect(await processAll(w)).toEqual(['processed'])
    const after = await w.imports.get(job.id)
    expect(after).toMatchObject({ status: 'done', counts: { done: 5, imported: 2, existing: 1, errors: 1, blank: 1 } })
    expect(await w.imports.errors(job.id)).toEqual([
      { row: 5, column: 'Email Address', reason: 'the address has no @' },
      { row: 5, column: 'Company Name', reason: 'is required' },
      { row: 5, column: 'Lead Score', reason: 'must be a whole number' },
    ])
  })

  it('names the name column in a missing-name error, and an extra column by its header', async () => {
    const w = world()
    const job = await started(w, csv('First Name,Email,Company,Notes', `,a@b.in,Acme,${'x'.repeat(1001)}`))
    expect(job.mapping).toMatchObject({ first_name: 0, email: 1, company: 2 })
    await processAll(w)
    expect(await w.imports.errors(job.id)).toEqual([
      { row: 2, column: 'First Name', reason: 'is required (a full name, or a first name)' },
      { row: 2, column: 'Notes', reason: 'is longer than 1000 characters' },
    ])
  })

  it('skips a redelivered message and counts nothing twice', async () => {
    const w = world()
    const job = await started(w, csv(HEADER, ...goodLines))
    const message = w.importQueue.messages[0]!
    expect(await processImportChunk(w.deps, message)).toBe('processed')
    const leadWrites = w.leads.writes
    const events = w.imports.events.length
    expect(await processImportChunk(w.deps, message)).toBe('skipped')
    expect(await w.imports.get(job.id)).toMatchObject({ status: 'done', counts: { done: 3, imported: 3, existing: 0, errors: 0, blank: 0 } })
    expect(w.leads.writes).toBe(leadWrites)
    expect(w.imports.events).toHaveLength(events)
  })

  it('counts once when the same chunk is processed twice at the same time', async () => {
    const w = world()
    const job = await started(w, csv(HEADER, ...goodLines))
    const message = w.importQueue.messages[0]!
    // Both read the chunk as not done; only one of the conditional completions lands.
    const results = await Promise.all([processImportChunk(w.deps, message), processImportChunk(w.deps, message)])
    expect(results.sort()).toEqual(['processed', 'skipped'])
    // Which attempt created the leads and which found them existing depends on the interleaving; each row counts once.
    const { counts } = (await w.imports.get(job.id))!
    expect(counts).toMatchObject({ done: 3, errors: 0, blank: 0 })
    expect(counts.imported + counts.existing).toBe(3)
    expect(w.leads.leads.size).toBe(3)
    expect(w.imports.events.filter((e) => e.action === 'import_finished')).toHaveLength(1)
  })

  const validRows = (job: { headers: string[]; mapping: ColumnMapping }, rows: string[][]) =>
    rows.map((cells) => {
      const checked = validateLead(rowToRecord(job.headers, cells, job.mapping), 'row')
      if (!checked.ok) throw new Error('row should be valid')
      return checked.lead
    })

  it('after a crash mid-chunk, finds the rows taken in before as existing: nothing lost, nothing doubled', async () => {
    const w = world()
    const job = await started(w, csv(HEADER, ...goodLines))
    // Someone took in two of the rows one by one, then the attempt died before marking the chunk done.
    const chunk = (await w.imports.chunk(job.id, 0))!
    for (const lead of validRows(job, chunk.rows.slice(0, 2))) await ingestLead(w.deps, lead, 'csv', admin)
    expect(await processAll(w)).toEqual(['processed'])
    expect(await w.imports.get(job.id)).toMatchObject({ status: 'done', counts: { done: 3, imported: 1, existing: 2, errors: 0, blank: 0 } })
    expect(w.leads.leads.size).toBe(3)
  })

  it('after a crash between two batches of a chunk, writes only the rest; every lead is named by exactly one import event', async () => {
    const w = world()
    const job = await started(w, csv(HEADER, ...goodLines))
    // The first attempt wrote its first batch (two rows, as ingestMany writes them), then died.
    const chunk = (await w.imports.chunk(job.id, 0))!
    await ingestMany(w.deps, validRows(job, chunk.rows.slice(0, 2)), 'csv', admin, { importId: job.id })
    expect(await processAll(w)).toEqual(['processed'])
    expect(await w.imports.get(job.id)).toMatchObject({ status: 'done', counts: { done: 3, imported: 1, existing: 2, errors: 0, blank: 0 } })
    expect(w.leads.leads.size).toBe(3)
    expect(w.leads.batches).toEqual([2, 1])
    const named = w.leads.events.filter((e) => e.action === 'leads_imported').flatMap((e) => (e.details!.leads as { id: string }[]).map((l) => l.id))
    expect(named.sort()).toEqual([...w.leads.leads.keys()].sort())
  })

  it('finishes the job with the last chunk only, whatever order the chunks come in', async () => {
    const w = world()
    const lines = Array.from({ length: CHUNK_ROWS + 2 }, (_, i) => `Person ${i},p${i}@acme.in,Acme,,,`)
    lines[CHUNK_ROWS] = 'Broken,nope,Acme,,,'
    const job = await started(w, csv(HEADER, ...lines))
    const finishes: string[] = []
    const finish = w.imports.finish
    w.deps.imports = {
      ...w.imports,
      finish: (...args: Parameters<typeof finish>) => {
        finishes.push(args[0])
        return finish(...args)
      },
    }
    const [first, second] = w.importQueue.messages
    expect(await processImportChunk(w.deps, second!)).toBe('processed')
    expect(await w.imports.get(job.id)).toMatchObject({ status: 'running', counts: { done: 2, imported: 1, errors: 1 } })
    expect(w.imports.events.map((e) => e.action)).toEqual(['import_uploaded', 'import_started'])
    expect(finishes).toEqual([])

    expect(await processImportChunk(w.deps, first!)).toBe('processed')
    const counts = { done: CHUNK_ROWS + 2, imported: CHUNK_ROWS + 1, existing: 0, errors: 1, blank: 0 }
    expect(await w.imports.get(job.id)).toMatchObject({ status: 'done', counts })
    expect(finishes).toEqual([job.id])
    expect(w.imports.events.at(-1)).toEqual({
      id: expect.any(String),
      at: NOW,
      actor: { type: 'system', id: 'imports' },
      entityType: 'import',
      entityId: job.id,
      action: 'import_finished',
      sentence: `Finished importing leads.csv: ${CHUNK_ROWS + 1} new leads, 0 already known, 1 rows with errors.`,
      details: { counts },
    })
    // The broken row is the file's row 2 + CHUNK_ROWS: the second chunk keeps its place in the file.
    expect(await w.imports.errors(job.id)).toEqual([{ row: CHUNK_ROWS + 2, column: 'Email Address', reason: 'the address has no @' }])
  })

  it('skips a job still in mapping (not started), taking nothing in', async () => {
    const w = world()
    const job = await uploaded(w, csv(HEADER, ...goodLines))
    expect(await processImportChunk(w.deps, { importId: job.id, chunk: 0 })).toBe('skipped')
    expect(w.leads.leads.size).toBe(0)
    expect((await w.imports.get(job.id))!.counts.done).toBe(0)
    expect((await w.imports.chunk(job.id, 0))!.done).toBe(false)
  })

  it.each([
    ['an unknown import', { importId: 'nope', chunk: 0 }],
    ['an unknown chunk', { importId: 'id-1', chunk: 9 }],
  ])('skips %s', async (_label, message) => {
    const w = world()
    await started(w, csv(HEADER, ...goodLines))
    expect(await processImportChunk(w.deps, message)).toBe('skipped')
    expect(w.leads.leads.size).toBe(0)
  })
})

/** A validated row-profile lead, for leads that exist before an import. */
function validOne(fullName: string, email: string, company: string) {
  const checked = validateLead({ full_name: fullName, email, company }, 'row')
  if (!checked.ok) throw new Error(JSON.stringify(checked.problems))
  return checked.lead
}
