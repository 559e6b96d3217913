import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { engageAccountBrake, releaseAccountBrake } from '../../src/shared/services/account-brake'
import { controlCampaign } from '../../src/shared/services/campaign-controls'
import { launchChromium, signInAs, watchErrors } from '../support/browser'
import { hardBounces, pausedMailbox, senders, useDefaultHealthPolicy } from '../support/feedback-world'
import { TEST_VIEWER, admin, directDeps, postForm, signIn, world } from '../support/world'

const deps = directDeps()
const TESTER = { type: 'user' as const, id: 'tester@drason.test' }

let browser: Browser
let restorePolicy: () => Promise<void>

// The account brake stays out of the way while bounces are scripted (see feedback.test.ts); this file
// engages it on purpose only in the test of the Overview's banner.
beforeAll(async () => {
  restorePolicy = await useDefaultHealthPolicy(deps, { pauseBounceRate: 1, pauseComplaintsSmallVolume: 1_000_000, pauseComplaintRate: 1 })
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
  await restorePolicy()
  // The scripted bounces are acknowledged, as a person releasing the brake would, and the brake is left released.
  await engageAccountBrake(deps, { actor: TESTER, signal: 'test', sentence: 'Health screen tests scripted bounces.' })
  await releaseAccountBrake(deps, TESTER)
})





/** Follows a link of the main navigation and waits for that page's heading. */
async function nav(page: Page, name: string) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click()
  // Each sandbox request starts its function afresh (about a second), so allow a few.
  await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), { timeout: 10_000 }).toBe(name)
}

describe('health screens', () => {
  it('an admin sees a mailbox paused with its reason, resumes it past the warning, and finds the resume in the Overview and the audit log', async () => {
    const { box } = await pausedMailbox(deps)
    const reason = `Paused mailbox ${box.address}: 5 hard bounces in its last 5 sends (threshold 5).`
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    const errors = watchErrors(page)
    await signInAs(page, admin())

    await nav(page, 'Domains & mailboxes')
    const row = page.getByTestId(`mailbox-${box.id}`)
    expect(await row.textContent()).toContain(reason)
    expect(await row.getByText('paused', { exact: true }).count()).toBe(2)
    // Its counters: 5 hard bounces in the policy's window of 100 sends, 5 sends today against its cap of 500.
    expect(await row.textContent()).toContain('5 in last 100 sends')
    expect(await row.textContent()).toContain('5 / 500')

    // Resume: a confirmation step that says what will happen, and warns that the cause is still there.
    await row.getByRole('link', { name: `Resume ${box.address}` }).click()
    await page.waitForURL(/\?resume=mailbox/)
    const step = page.getByTestId('confirm-step')
    expect(await step.getByRole('heading').textContent()).toBe(`Resume mailbox ${box.address}?`)
    expect(await step.textContent()).toContain(reason)
    expect(await step.getByTestId('resume-warning').textContent()).toContain('The cause is still present: 5 hard bounces in its last 5 sends (threshold 5)')
    await step.getByRole('button', { name: `Confirm: resume ${box.address}` }).click()

    // The flash says what was done, with the warning; the mailbox is active and healthy, the step gone.
    const flash = page.getByTestId('flash')
    await expect.poll(() => flash.textContent(), { timeout: 10_000 }).toContain(`Resumed mailbox ${box.address}: it is active and healthy again`)
    expect(await flash.getByTestId('resume-warning').textContent()).toContain('The cause is still present')
    // The flash shows while the page's data is still reloading: wait for the step to go with it.
    await expect.poll(() => page.getByTestId('confirm-step').count(), { timeout: 10_000 }).toBe(0)
    expect(new URL(page.url()).search).toBe('')
    expect(await row.getByText('active', { exact: true }).count()).toBe(1)
    expect(await row.getByText('healthy', { exact: true }).count()).toBe(1)
    expect(await row.textContent()).not.toContain(reason)
    expect(await row.getByRole('link', { name: `Resume ${box.address}` }).count()).toBe(0)
    expect((await deps.senders.getMailbox(box.id))!.value).toMatchObject({ status: 'active', healthState: 'healthy', pauseReason: null })

    // The Overview draws its 14-day chart as an inline SVG image, with the display-only open rate.
    await nav(page, 'Overview')
    const chart = page.getByRole('img', { name: /Sends, hard bounces and complaints per day/ })
    expect(await chart.count()).toBe(1)
    expect(await chart.evaluate((el) => el.tagName.toLowerCase())).toBe('svg')
    expect(await chart.locator('[data-series="sends"]').count()).toBe(14)
    expect(await page.getByText('display only — opens are unreliable (privacy proxies)').count()).toBe(1)
    expect(await page.getByTestId('verification-rate').count()).toBe(1)

    // The audit log, filtered by entity, id and action, finds the resume in words.
    await nav(page, 'Audit log')
    await page.getByLabel('Entity').selectOption('mailbox')
    await page.getByLabel('Id', { exact: true }).fill(box.id)
    await page.getByLabel('Action').fill('resumed')
    await page.getByRole('button', { name: 'Filter' }).click()
    await page.waitForURL(/action=resumed/)
    // The URL changes before React renders the filtered list: wait for the list itself.
    const timeline = page.getByTestId('audit-timeline').locator('li p')
    await expect.poll(() => timeline.count(), { timeout: 10_000 }).toBe(1)
    const sentences = await timeline.allTextContents()
    expect(sentences).toHaveLength(1)
    expect(sentences[0]).toContain(`${admin().email} resumed mailbox ${box.address}`)
    expect(sentences[0]).toContain('Warning shown: The cause is still present')

    expect(errors).toEqual([])
    await page.close()
  })

  it('the Overview shows the engaged account brake in red, and an admin resumes all sending after confirming', async () => {
    await engageAccountBrake(deps, { actor: TESTER, signal: 'test', sentence: 'Paused all sending: a browser test engaged the brake.' })
    const brake = (await deps.account.brake())!
    const page = await browser.newPage()
    const errors = watchErrors(page)
    await signInAs(page, admin())

    const banner = page.getByRole('alert', { name: 'All sending is paused' })
    expect(await banner.textContent()).toContain(brake.sentence)
    await banner.getByRole('link', { name: 'Resume all sending' }).click()
    await page.waitForURL(/\?release=1/)
    await page.getByTestId('confirm-step').getByRole('button', { name: 'Confirm: resume all sending' }).click()
    await expect.poll(() => page.getByTestId('flash').textContent(), { timeout: 10_000 }).toContain('All sending resumed')
    // The flash shows while the page's data is still reloading: wait for the step to go with it.
    await expect.poll(() => page.getByTestId('confirm-step').count(), { timeout: 10_000 }).toBe(0)
    expect(await deps.account.brake()).toBeNull()
    expect(await page.getByRole('alert', { name: 'All sending is paused' }).count()).toBe(0)
    const [event] = (await deps.audit.forEntity('account', 'all', 1)).items
    expect(event).toMatchObject({ action: 'sending_resumed', actor: { type: 'user', id: admin().email } })

    expect(errors).toEqual([])
    await page.close()
  })

  it('an admin resumes a paused domain and a paused campaign, each past a warning that its mailboxes are still paused', async () => {
    // Both of the campaign's mailboxes pause: 2 of 2 is over half the domain, so the domain pauses, and its campaign with it.
    const { boxes, campaign, domain } = await senders(deps, 2, 2)
    for (const box of boxes) await hardBounces(deps, campaign, box, 5)
    expect((await deps.senders.getDomain(domain.id))!.value.status).toBe('paused')
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    const errors = watchErrors(page)
    await signInAs(page, admin())

    await nav(page, 'Domains & mailboxes')
    const card = page.getByTestId(`domain-${domain.id}`)
    expect(await card.textContent()).toContain('2 mailboxes, 2 paused')
    await card.getByRole('link', { name: `Resume ${domain.name}` }).click()
    await page.waitForURL(/\?resume=domain/)
    const step = page.getByTestId('confirm-step')
    expect(await step.getByTestId('resume-warning').textContent()).toContain(`2 mailboxes of ${domain.name} are still paused`)
    await step.getByRole('button', { name: `Confirm: resume ${domain.name}` }).click()
    await expect.poll(() => page.getByTestId('flash').textContent(), { timeout: 10_000 }).toContain(`Resumed domain ${domain.name}`)
    await expect.poll(() => page.getByTestId('confirm-step').count(), { timeout: 10_000 }).toBe(0)
    expect(await card.getByText('healthy', { exact: true }).count()).toBe(1)
    // The domain's pause had paused the campaign: resuming the domain let it carry on.
    expect((await deps.campaigns.get(campaign.id))!.value.status).toBe('active')

    // A person pauses it; the campaign page shows why, and resuming warns of its degraded mailboxes.
    expect(await controlCampaign(deps, TESTER, campaign.id, 'pause')).toMatchObject({ ok: true })
    await page.goto(`${world().baseUrl}/campaigns/${encodeURIComponent(campaign.id)}`)
    expect(await page.getByTestId('pause-reason').textContent()).toBe(`Paused: paused by ${TESTER.id}`)
    await page.getByRole('group', { name: 'Campaign controls' }).getByRole('link', { name: 'Resume' }).click()
    await page.waitForURL(/\?resume=1/)
    expect(await page.getByTestId('confirm-step').getByTestId('resume-warning').textContent()).toContain('The cause is still present: 2 of its 2 mailboxes are still degraded')
    await page.getByRole('button', { name: 'Confirm: resume the campaign' }).click()
    await expect.poll(() => page.getByTestId('flash').textContent(), { timeout: 10_000 }).toContain('Campaign resumed')
    await expect.poll(() => page.getByTestId('confirm-step').count(), { timeout: 10_000 }).toBe(0)
    expect(await page.getByTestId('flash').getByTestId('resume-warning').textContent()).toContain('still degraded')
    expect(await page.getByTestId('pause-reason').count()).toBe(0)
    expect((await deps.campaigns.get(campaign.id))!.value.status).toBe('active')

    expect(errors).toEqual([])
    await page.close()
  })

  it('a viewer sees the pause and its reason but no resume, and a resume posted anyway is refused', async () => {
    const { box } = await pausedMailbox(deps)
    const page = await browser.newPage()
    const errors = watchErrors(page)
    await signInAs(page, TEST_VIEWER)
    // Even the confirmation step's address shows nothing to confirm.
    await page.goto(`${world().baseUrl}/domains?resume=${encodeURIComponent(`mailbox:${box.id}`)}`)
    const row = page.getByTestId(`mailbox-${box.id}`)
    expect(await row.textContent()).toContain(`Paused mailbox ${box.address}`)
    expect(await page.getByRole('link', { name: /^Resume / }).count()).toBe(0)
    expect(await page.getByTestId('confirm-step').count()).toBe(0)
    expect(errors).toEqual([])
    await page.close()

    const refused = await postForm('/domains', { intent: 'resume-mailbox', id: box.id }, await signIn(TEST_VIEWER))
    expect(refused.status).toBe(403)
    expect((await deps.senders.getMailbox(box.id))!.value.status).toBe('paused')
  })
})
