import { describe, expect, it } from 'vitest'
import { leadIdFor } from '../../src/shared/domain/lead-id'
import { NO_RULE_MATCHED } from '../../src/shared/domain/routing'
import { setupEvent, testLead } from '../support/factories'
import { TEST_VIEWER, directDeps, get, signIn } from '../support/world'

describe('listing held leads by reason (the Leads page filter)', () => {
  it('fills a page with a rare reason found behind many newer held leads, and continues after the last one shown', async () => {
    const { leads } = directDeps()
    const stamp = `${Date.now()}`
    const base = Date.now()
    const at = (ms: number) => new Date(base + ms).toISOString()
    // Three unrouted leads, then 260 newer ones held for another reason: the unrouted ones sit past the
    // first 200 leads of the held listing, beyond what one filtered read returns.
    const unrouted = [0, 1, 2].map((i) => testLead(`listing-unrouted-${stamp}-${i}`, { holdReason: NO_RULE_MATCHED, createdAt: at(10 + i) }))
    const awaiting = Array.from({ length: 260 }, (_, i) => testLead(`listing-awaiting-${stamp}-${i}`, { holdReason: 'awaiting gate', createdAt: at(1_000 + i) }))
    expect(await leads.insertMany(unrouted, [])).toBe('created')
    for (let i = 0; i < awaiting.length; i += 90) expect(await leads.insertMany(awaiting.slice(i, i + 90), [])).toBe('created')

    const first = await leads.listByStatus('held', 2, null, NO_RULE_MATCHED)
    expect(first.items.map((l) => l.id)).toEqual([unrouted[2]!.id, unrouted[1]!.id])
    expect(first.nextCursor).not.toBeNull()
    const second = await leads.listByStatus('held', 2, first.nextCursor, NO_RULE_MATCHED)
    expect(second.items[0]?.id).toBe(unrouted[0]!.id)
    expect(second.items.every((l) => l.holdReason === NO_RULE_MATCHED)).toBe(true)

    // Unfiltered, a page is exactly the newest `limit` leads of the status.
    const newest = await leads.listByStatus('held', 50, null)
    expect(newest.items.map((l) => l.id)).toEqual(awaiting.slice(-50).reverse().map((l) => l.id))
    expect(newest.nextCursor).not.toBeNull()
  })

  it('finds one lead by its address, spelled any way intake accepts, and says so when there is none', async () => {
    const email = `find.${Date.now()}@acme.example.com`
    const id = leadIdFor(email)
    expect(await directDeps().leads.insert(testLead(id, { email }), setupEvent('lead', id))).toBe('created')
    const cookie = await signIn(TEST_VIEWER)
    const found = await get(`/leads?find=${encodeURIComponent(`  <${email.toUpperCase()}> `)}`, { headers: { cookie } })
    expect(found.status).toBe(302)
    expect(found.headers.get('location')).toBe(`/leads/${id}`)
    const none = await (await get(`/leads?find=${encodeURIComponent(`nobody.${Date.now()}@acme.example.com`)}`, { headers: { cookie } })).text()
    expect(none).toContain('No lead has that address.')
    const bad = await (await get('/leads?find=not-an-address', { headers: { cookie } })).text()
    expect(bad).toContain('not-an-address: That is not an address:')
  })
})
