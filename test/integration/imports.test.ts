import { describe, expect, it } from 'vitest'
import { validateLead } from '../../src/shared/domain/lead-intake'
import { MAX_UPLOAD_BYTES, rowToRecord } from '../../src/shared/domain/lead-import'
import { ingestLead } from '../../src/shared/services/intake'
import { createImport, processImportChunk, startImport } from '../../src/shared/services/lead-import'
import { admin, apiHeaders, directDeps, get, signIn } from '../support/world'

const unique = () => `${Date.now()}${Math.floor(Math.random() * 1e6)}`

function csvFile(tag: string): string {
  // A BOM, CRLF line ends, a quoted field with a comma and a newline, three bad rows and a blank row.
  return (
    '\ufeffFull Name,Email Address,Company Name,Persona,Lead Score,City\r\n' +
    `Priya Sharma,priya.${tag}@acme.example.com,"Acme, Inc.",cfo,80,Pune\r\n` +
    `"Rahul\nIyer",rahul.${tag}@zenith.example.com,Zenith,founder,75,Chennai\r\n` +
    `No Email,,Nowhere Ltd,cto,60,Delhi\r\n` +
    `Bad Address,not-an-address,Acme,cto,60,Delhi\r\n` +
    `No Company,nocompany.${tag}@acme.example.com,,cto,60,Delhi\r\n` +
    `,,,,,\r\n` +
    `Meera Nair,MEERA.${tag}@Orbit.example.com,Orbit Health,vp sales,,Kochi\r\n`
  )
}

async function waitForImport(id: string) {
  for (let i = 0; i < 60; i++) {
    const res = await (await get(`/api/imports/${id}`, { headers: apiHeaders() })).json()
    if (res.status === 'done') return res
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`import ${id} did not finish`)
}

describe('importing leads through the API', () => {
  it('imports a CSV in the background, reports each bad row, and a re-upload creates nothing new', async () => {
    const tag = unique()
    const post = () => get('/api/imports?filename=leads.csv', { method: 'POST', headers: { ...apiHeaders(), 'content-type': 'text/csv' }, body: csvFile(tag) })
    const res = await post()
    expect(res.status).toBe(202)
    const { id, totalRows } = await res.json()
    expect(totalRows).toBe(7)
    const done = await waitForImport(id)
    expect(done.counts).toEqual({ done: 7, imported: 3, existing: 0, errors: 3, blank: 1 })
    expect(done.errors).toEqual([
      { row: 4, column: 'Email Address', reason: 'the email address is empty' },
      { row: 5, column: 'Email Address', reason: expect.any(String) },
      { row: 6, column: 'Company Name', reason: 'is required' },
    ])
    const priyaId = await directDeps().leads.idForEmail(`priya.${tag}@acme.example.com`)
    const priya = await directDeps().leads.get(priyaId!)
    expect(priya).toMatchObject({ company: 'Acme, Inc.', source: 'csv', campaignId: 'finance-leaders', enrichment: { City: 'Pune' } })
    const meera = await directDeps().leads.get((await directDeps().leads.idForEmail(`meera.${tag}@orbit.example.com`))!)
    expect(meera).toMatchObject({ leadScore: null, holdReason: 'no routing rule matched' })

    const again = await post()
    const second = await waitForImport((await again.json()).id)
    expect(second.counts).toEqual({ done: 7, imported: 0, existing: 3, errors: 3, blank: 1 })
  })

  it('lists recent imports on the upload page, newest first, so one left at its column mapping can be found again', async () => {
    const deps = directDeps()
    const file = (name: string) => ({ name, bytes: new TextEncoder().encode(csvFile(unique())) })
    const older = await createImport(deps, { type: 'user', id: admin().email }, file(`older-${unique()}.csv`))
    // Listed by creation time to the millisecond: let one pass so the order is the test's, not the ids'.
    await new Promise((resolve) => setTimeout(resolve, 5))
    const newer = await createImport(deps, { type: 'user', id: admin().email }, file(`newer-${unique()}.csv`))
    if (!older.ok || !newer.ok) throw new Error('the test files should import')
    expect((await deps.imports.recent(2)).map((j) => j.id)).toEqual([newer.job.id, older.job.id])

    const html = await (await get('/leads/import', { headers: { cookie: await signIn(admin()) } })).text()
    const row = new RegExp(`data-testid="recent-import-${newer.job.id}">.*?href="/leads/imports/${newer.job.id}"[^>]*>${newer.job.fileName}</a>.*?waiting for its column mapping`, 's')
    expect(html).toMatch(row)
    expect(html.indexOf(`recent-import-${newer.job.id}`)).toBeLessThan(html.indexOf(`recent-import-${older.job.id}`))
  })

  it('refuses a file over the upload limit on the Leads page too, with a clear message, and creates no import', async () => {
    const cookie = await signIn(admin())
    const before = (await directDeps().imports.recent(1))[0]?.id
    // Far over (refused from its declared length), and just over (its part runs past the limit as it is read).
    for (const size of [MAX_UPLOAD_BYTES + 200 * 1024, MAX_UPLOAD_BYTES + 1]) {
      const form = new FormData()
      form.append('file', new Blob([new Uint8Array(size)], { type: 'text/csv' }), 'huge.csv')
      const res = await get('/leads/import', { method: 'POST', headers: { cookie }, body: form })
      expect(res.status, `${size} bytes`).toBe(413)
      expect(await res.text()).toContain('The file is larger than 4 MB, the most one upload can carry.')
    }
    expect((await directDeps().imports.recent(1))[0]?.id).toBe(before)
  })

  it('assigns every lead to one campaign when asked', async () => {
    const tag = unique()
    const res = await get('/api/imports?filename=leads.csv&campaign=founders-india', { method: 'POST', headers: { ...apiHeaders(), 'content-type': 'text/csv' }, body: csvFile(tag) })
    const done = await waitForImport((await res.json()).id)
    expect(done.counts.imported).toBe(3)
    const meera = await directDeps().leads.get((await directDeps().leads.idForEmail(`meera.${tag}@orbit.example.com`))!)
    expect(meera).toMatchObject({ campaignId: 'founders-india', holdReason: 'awaiting gate' })
  })

  it('refuses a file without the required columns, saying which', async () => {
    const res = await get('/api/imports?filename=bad.csv', { method: 'POST', headers: { ...apiHeaders(), 'content-type': 'text/csv' }, body: 'Name,Phone\r\nPriya,123\r\n' })
    expect(res.status).toBe(400)
    expect((await res.json()).error).toMatch(/email/i)
  })

  it('refuses a file over the upload limit before doing any work', async () => {
    const res = await get('/api/imports?filename=huge.csv', { method: 'POST', headers: { ...apiHeaders(), 'content-type': 'text/csv' }, body: 'a'.repeat(4.2 * 1024 * 1024) })
    expect(res.status).toBe(413)
    expect((await res.json()).error).toContain('4 MB')
  })
})

describe('an import interrupted mid-chunk', () => {
  it('resumes without losing or doubling a row', async () => {
    const queued: { importId: string; chunk: number }[] = []
    const deps = directDeps({ importQueue: { enqueue: async (m) => void queued.push(m) } })
    const actor = { type: 'user' as const, id: 'tester@drason.test' }
    const tag = unique()
    const created = await createImport(deps, actor, { name: 'crash.csv', bytes: new TextEncoder().encode(csvFile(tag)) })
    if (!created.ok) throw new Error(created.reason)
    const job = created.job
    expect((await startImport(deps, actor, job.id, job.mapping, null)).ok).toBe(true)
    expect(queued).toEqual([{ importId: job.id, chunk: 0 }])

    // The first attempt took in two rows, then the process died before marking the chunk done.
    const chunk = (await deps.imports.chunk(job.id, 0))!
    for (const cells of chunk.rows.slice(0, 2)) {
      const checked = validateLead(rowToRecord(job.headers, cells, job.mapping), 'row')
      if (checked.ok) await ingestLead(deps, checked.lead, 'csv', actor)
    }
    const leadsBefore = (await deps.metrics.totals('overall', 'all')).leads_held

    // The message is delivered again, twice.
    expect(await processImportChunk(deps, queued[0]!)).toBe('processed')
    expect(await processImportChunk(deps, queued[0]!)).toBe('skipped')

    const after = (await deps.imports.get(job.id))!
    expect(after.status).toBe('done')
    expect(after.counts).toEqual({ done: 7, imported: 1, existing: 2, errors: 3, blank: 1 })
    expect((await deps.metrics.totals('overall', 'all')).leads_held).toBe(leadsBefore + 1)
    expect(await deps.imports.errors(job.id)).toHaveLength(3)
  })
})
