import { describe, expect, it } from 'vitest'
import { leadIdFor } from '../../src/shared/domain/lead-id'
import type { IntakeLead } from '../../src/shared/domain/lead-intake'
import { NO_RULE_MATCHED } from '../../src/shared/domain/routing'
import { IMPORT_BATCH, ingestLead, ingestMany } from '../../src/shared/services/intake'
import { directDeps } from '../support/world'

const actor = { type: 'user' as const, id: 'importer@drason.test' }

function input(email: string, persona = 'intern'): IntakeLead {
  return { email, fullName: 'Batch Test', firstName: 'Batch', firstNameConfidence: 0.9, firstNameReason: 'test', company: 'Acme', persona, leadScore: 10, enrichment: {} }
}

describe('ingestMany (imports write leads a batch per transaction)', () => {
  it('writes new leads in batches with one summed counter change and one import audit event per batch', async () => {
    const deps = directDeps()
    const tag = `${Date.now()}`
    const importId = `imp-batch-${tag}`
    const inputs = Array.from({ length: IMPORT_BATCH + 5 }, (_, i) => input(`many.${tag}.${i}@batch.example.com`))
    const before = await deps.metrics.totals('overall', 'all')
    const results = await ingestMany(deps, inputs, 'csv', actor, { importId })
    expect(results).toHaveLength(inputs.length)
    expect(results.every((r) => r.created && r.status === 'held' && r.reason === NO_RULE_MATCHED)).toBe(true)
    const after = await deps.metrics.totals('overall', 'all')
    expect(after.leads_held - before.leads_held).toBe(inputs.length)
    expect(after.leads_unrouted - before.leads_unrouted).toBe(inputs.length)
    for (const [i, r] of results.entries()) {
      expect(r.id).toBe(leadIdFor(inputs[i]!.email))
      expect(await deps.leads.idForEmail(inputs[i]!.email)).toBe(r.id)
      expect(await deps.leads.get(r.id)).toMatchObject({ email: inputs[i]!.email, source: 'csv', importId })
    }
    const events = (await deps.audit.forEntity('import', importId, 10)).items
    expect(events.map((e) => [e.action, e.actor])).toEqual([
      ['leads_imported', actor],
      ['leads_imported', actor],
    ])
    const named = events.flatMap((e) => (e.details!.leads as { id: string }[]).map((l) => l.id))
    expect(named.sort()).toEqual(results.map((r) => r.id).sort())
  })

  it('answers stored addresses and repeats within the batch as a single intake would, in order', async () => {
    const deps = directDeps()
    const tag = `${Date.now()}`
    const existing = await ingestLead(deps, input(`taken.${tag}@batch.example.com`), 'manual', actor)
    const inputs = [input(`new1.${tag}@batch.example.com`), input(`taken.${tag}@batch.example.com`), input(`twice.${tag}@batch.example.com`), input(`twice.${tag}@batch.example.com`), input(`new2.${tag}@batch.example.com`)]
    const before = await deps.metrics.totals('overall', 'all')
    const results = await ingestMany(deps, inputs, 'csv', actor, { importId: `imp-mixed-${tag}` })
    expect(results.map((r) => r.created)).toEqual([true, false, true, false, true])
    expect(results[1]!.id).toBe(existing.id)
    expect(results[3]!.id).toBe(results[2]!.id)
    expect((await deps.metrics.totals('overall', 'all')).leads_held - before.leads_held).toBe(3)
    // The stored lead is untouched: it keeps its source and has no import id.
    expect(await deps.leads.get(existing.id)).not.toHaveProperty('importId')
  })
})
