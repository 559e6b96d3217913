import { describe, expect, it } from 'vitest'
import type { IntakeLead } from '../../src/shared/domain/lead-intake'
import { NO_RULE_MATCHED } from '../../src/shared/domain/routing'
import { INGEST_BATCH, ingestLead, ingestMany } from '../../src/shared/services/intake'
import { directDeps } from '../support/world'

const actor = { type: 'user' as const, id: 'importer@drason.test' }

function input(email: string, persona = 'intern'): IntakeLead {
  return { email, fullName: 'Batch Test', firstName: 'Batch', firstNameConfidence: 0.9, firstNameReason: 'test', company: 'Acme', persona, leadScore: 10, enrichment: {} }
}

describe('ingestMany (imports write leads a batch per transaction)', () => {
  it('writes new leads in batches with one summed counter change and an audit event each', async () => {
    const deps = directDeps()
    const tag = `${Date.now()}`
    const inputs = Array.from({ length: INGEST_BATCH + 5 }, (_, i) => input(`many.${tag}.${i}@batch.example.com`))
    const before = await deps.metrics.totals('overall', 'all')
    const results = await ingestMany(deps, inputs, 'csv', actor)
    expect(results).toHaveLength(inputs.length)
    expect(results.every((r) => r.created && r.status === 'held' && r.reason === NO_RULE_MATCHED)).toBe(true)
    const after = await deps.metrics.totals('overall', 'all')
    expect(after.leads_held - before.leads_held).toBe(inputs.length)
    expect(after.leads_unrouted - before.leads_unrouted).toBe(inputs.length)
    for (const [i, r] of results.entries()) {
      expect(await deps.leads.idForEmail(inputs[i]!.email)).toBe(r.id)
      expect((await deps.audit.forEntity('lead', r.id, 1)).items[0]).toMatchObject({ action: 'ingested', actor })
    }
  })

  it('falls back to one by one when an address is already taken or repeats within the batch, answering in order', async () => {
    const deps = directDeps()
    const tag = `${Date.now()}`
    const existing = await ingestLead(deps, input(`taken.${tag}@batch.example.com`), 'manual', actor)
    const inputs = [input(`new1.${tag}@batch.example.com`), input(`taken.${tag}@batch.example.com`), input(`twice.${tag}@batch.example.com`), input(`twice.${tag}@batch.example.com`), input(`new2.${tag}@batch.example.com`)]
    const before = await deps.metrics.totals('overall', 'all')
    const results = await ingestMany(deps, inputs, 'csv', actor)
    expect(results.map((r) => r.created)).toEqual([true, false, true, false, true])
    expect(results[1]!.id).toBe(existing.id)
    expect(results[3]!.id).toBe(results[2]!.id)
    expect((await deps.metrics.totals('overall', 'all')).leads_held - before.leads_held).toBe(3)
  })
})
