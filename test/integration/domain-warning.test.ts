import { describe, expect, it } from 'vitest'
import type { Domain } from '../../src/shared/domain/entities'
import { setupEvent } from '../support/factories'
import { unique } from '../support/feedback-world'
import { admin, directDeps, postForm, signIn, world } from '../support/world'

const deps = directDeps()
const page = async (path: string, cookie: string) => (await fetch(`${world().baseUrl}${path}`, { headers: { cookie } })).text()

async function domainIn(status: Domain['status'], pauseReason: string): Promise<Domain> {
  const id = unique()
  const domain: Domain = { id: `dw-${id}`, name: `warn-${id}.example.com`, status, pauseReason }
  await deps.senders.insertDomain(domain, setupEvent('domain', domain.id))
  return domain
}

describe('a domain in warning on Domains & mailboxes', () => {
  it('is offered "Clear warning", not "Resume", and the confirmation does not call it paused', async () => {
    const cookie = await signIn(admin())
    const warned = await domainIn('warning', '1 of 3 mailboxes is unhealthy (33%).')
    const paused = await domainIn('paused', '2 of 3 mailboxes are unhealthy (67%).')

    const list = await page('/domains', cookie)
    expect(list).toContain(`aria-label="Clear the warning on ${warned.name}"`)
    expect(list).not.toContain(`aria-label="Resume ${warned.name}"`)
    expect(list).toContain(`aria-label="Resume ${paused.name}"`)

    const step = await page(`/domains?resume=${encodeURIComponent(`domain:${warned.id}`)}`, cookie)
    expect(step).toContain(`Clear the warning on domain ${warned.name}?`)
    expect(step).toMatch(/It is in warning \(it still sends\)(<!-- -->)?: (<!-- -->)?1 of 3 mailboxes is unhealthy/)
    expect(step).not.toContain('It was paused')
    expect(step).not.toContain('the campaigns its pause stopped resume')

    // A paused domain keeps the resume wording.
    const pausedStep = await page(`/domains?resume=${encodeURIComponent(`domain:${paused.id}`)}`, cookie)
    expect(pausedStep).toContain(`Resume domain ${paused.name}?`)
    expect(pausedStep).toMatch(/It was paused(<!-- -->)?: (<!-- -->)?2 of 3 mailboxes are unhealthy/)

    const done = await postForm('/domains', { intent: 'resume-domain', id: warned.id }, cookie)
    expect(done.status).toBe(200)
    expect(await done.text()).toContain(`Cleared the warning on domain ${warned.name}: it is healthy again`)
    expect((await deps.senders.getDomain(warned.id))!.value.status).toBe('healthy')
    // The audit log says what was done: a warning cleared, not a pause undone.
    expect((await deps.audit.forEntity('domain', warned.id, 1)).items[0]?.sentence).toBe(`${admin().email} cleared the warning on domain ${warned.name} (1 of 3 mailboxes is unhealthy (33%)).`)

    // Leave no paused domain behind for the files that follow (the Overview counts them).
    const resumed = await postForm('/domains', { intent: 'resume-domain', id: paused.id }, cookie)
    expect(await resumed.text()).toContain(`Resumed domain ${paused.name}: it is healthy again`)
  })
})
