import { describe, expect, it } from 'vitest'
import { setupEvent } from '../support/factories'
import { listed } from '../support/suppression'
import { TEST_VIEWER, admin, directDeps, get, postForm, signIn, world } from '../support/world'

describe('the suppression list page', () => {
  it('suppresses an address and a whole domain by hand, audited, and lists them newest first', async () => {
    const cookie = await signIn(admin())
    const deps = directDeps()
    const stamp = Date.now()
    const domain = `rival-${stamp}.example.org`
    const address = `priya.${stamp}@partner.example.com`
    expect(await deps.suppression.isSuppressed(`anyone@${domain}`)).toBe(false)

    const first = await postForm('/suppressions', { target: ` ${address.toUpperCase()} `, note: 'asked by phone' }, cookie)
    expect(first.status).toBe(200)
    expect(await first.text()).toContain(`Suppressed ${address}: no campaign will email it again.`)
    const second = await postForm('/suppressions', { target: `@${domain.toUpperCase()}` }, cookie)
    expect(second.status).toBe(200)

    expect(await deps.suppression.isSuppressed(address)).toBe(true)
    // A domain entry covers every address on it, which is what the gate and each pulse ask.
    expect(await deps.suppression.isSuppressed(`anyone@${domain}`)).toBe(true)
    expect(await deps.suppression.isSuppressed(`anyone@partner.example.com`)).toBe(false)

    const a = await listed(address)
    const d = await listed(domain)
    expect(a.entry).toMatchObject({ kind: 'address', reason: 'manual: asked by phone' })
    expect(d.entry).toMatchObject({ kind: 'domain', reason: 'manual' })
    expect(d.before.length).toBeLessThan(a.before.length)
    const [event] = (await deps.audit.forEntity('suppression', domain, 1)).items
    expect(event).toMatchObject({ action: 'suppressed', actor: { type: 'user', id: admin().email } })

    const page = await get('/suppressions', { headers: { cookie } })
    expect(await page.text()).toContain(domain)

    const again = await postForm('/suppressions', { target: domain }, cookie)
    expect(await again.text()).toContain(`${domain} was already on the suppression list; nothing changed.`)
    expect((await deps.audit.forEntity('suppression', domain, 5)).items).toHaveLength(1)

    // Anyone can ask whether one address is stopped, and why: itself, or through its domain.
    const check = async (value: string) => {
      const html = await (await get(`/suppressions?check=${encodeURIComponent(value)}`, { headers: { cookie: await signIn(TEST_VIEWER) } })).text()
      return /data-testid="suppression-check">(.*?)<\/div>/s.exec(html)?.[1]?.replace(/<!-- -->/g, '') ?? ''
    }
    expect(await check(address.toUpperCase())).toContain(`${address} is suppressed: manual: asked by phone, since `)
    expect(await check(`someone@${domain}`)).toContain(`Suppressed through its domain ${domain}: manual, since `)
    expect(await check(domain)).toContain(`${domain} is suppressed: manual`)
    expect(await check(`nobody.${stamp}@partner.example.com`)).toContain(`nobody.${stamp}@partner.example.com is not suppressed: campaigns may email it.`)
    expect(await check('not an address@@')).toMatch(/&quot;not an address@@&quot;: /)
  })

  it('pages the list newest first with an opaque cursor, each entry once', async () => {
    const deps = directDeps()
    for (const n of [1, 2, 3]) {
      const email = `paged.${n}.${Date.now()}@acme.example.com`
      await deps.suppression.add(email, 'unsubscribe', setupEvent('suppression', email))
    }
    const seen: string[] = []
    let previousAt = '9999'
    let cursor: string | null = null
    for (let pages = 0; pages < 3; pages++) {
      const page = await deps.suppression.list(2, cursor)
      expect(page.items.length).toBeLessThanOrEqual(2)
      for (const entry of page.items) {
        expect(entry.at <= previousAt).toBe(true)
        previousAt = entry.at
        seen.push(`${entry.kind}:${entry.value}`)
      }
      cursor = page.nextCursor
      if (!cursor) break
    }
    expect(new Set(seen).size).toBe(seen.length)
    // A cursor that is not one of ours starts from the newest instead of failing.
    expect((await deps.suppression.list(1, 'not-a-cursor')).items).toHaveLength(1)
  })

  it('takes an uploaded do-not-contact list: new entries added and audited, known ones kept, bad rows reported', async () => {
    const cookie = await signIn(admin())
    const deps = directDeps()
    const stamp = Date.now()
    const known = `known.${stamp}@acme.example.com`
    await deps.suppression.add(known, 'unsubscribe', setupEvent('suppression', known))
    const fresh = Array.from({ length: 120 }, (_, i) => `dnc.${i}.${stamp}@crm.example.com`)
    const rows = ['Name,Email', `Known,${known}`, ...fresh.map((e, i) => `Person ${i},${e}`), `Rival,@rival-${stamp}.example.org`, 'Broken,someone@', `Repeat,${fresh[0]!.toUpperCase()}`]
    const body = new FormData()
    const fileName = `crm-dnc-${stamp}.csv`
    body.append('file', new Blob([rows.join('\r\n')], { type: 'text/csv' }), fileName)
    const res = await fetch(`${world().baseUrl}/suppressions`, { method: 'POST', body, headers: { cookie }, redirect: 'manual' })
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('Added 121 entries; 1 already on the list, 1 repeated in the file; 1 could not be suppressed.')
    expect(html).toContain('Row 124 (someone@): the domain (after the @) is empty')

    expect(await deps.suppression.isSuppressed(fresh[119]!)).toBe(true)
    expect(await deps.suppression.isSuppressed(`x@rival-${stamp}.example.org`)).toBe(true)
    expect((await listed(fresh[0]!)).entry).toMatchObject({ reason: `manual: list ${fileName}` })
    expect((await listed(known)).entry).toMatchObject({ reason: 'unsubscribe' })
    const events = (await deps.audit.forEntity('suppression', fileName, 10)).items
    expect(events.map((e) => e.sentence).sort()).toEqual([
      // 99 rows a write: the first 99 hold the known address, so 98 are new; then the other 23.
      `${admin().email} put 23 entries from ${fileName} on the suppression list; Drason will never email them.`,
      `${admin().email} put 98 entries from ${fileName} on the suppression list; Drason will never email them.`,
    ].sort())
  })

  it('answers what is wrong with the field and stores nothing', async () => {
    const cookie = await signIn(admin())
    const bad = await postForm('/suppressions', { target: `someone@192.168.0.${Date.now() % 200}` }, cookie)
    expect(bad.status).toBe(400)
    expect(await bad.text()).toContain('Not suppressed: the domain is an IP address')
    const empty = await postForm('/suppressions', { target: '  ' }, cookie)
    expect(empty.status).toBe(400)
    expect(await empty.text()).toContain('Enter an address or a domain.')
  })

  it('lists suppressions the product makes itself (an unsubscribe here), and refuses changes from a viewer', async () => {
    const deps = directDeps()
    const email = `gone.${Date.now()}@acme.example.com`
    await deps.suppression.add(email, 'unsubscribe', setupEvent('suppression', email))
    expect((await listed(email)).entry).toMatchObject({ kind: 'address', reason: 'unsubscribe' })

    const cookie = await signIn(TEST_VIEWER)
    const viewerPage = await get('/suppressions', { headers: { cookie } })
    expect(viewerPage.status).toBe(200)
    expect(await viewerPage.text()).not.toContain('Suppress an address or a whole domain')
    const refused = await postForm('/suppressions', { target: 'viewer-try.example.org' }, cookie)
    expect(refused.status).toBe(403)
    expect(await deps.suppression.isSuppressed('x@viewer-try.example.org')).toBe(false)
  })
})
