import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, signInAs, watchErrors } from '../support/browser'
import { TEST_VIEWER, admin, directDeps, world } from '../support/world'

// A sandbox page render takes most of a second (a cold Lambda several); wait for navigation, not a timer.
const PAGE_LOAD = { timeout: 10_000 }

let browser: Browser

beforeAll(async () => {
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
})



describe('what a person does', () => {
  it('an admin signs in, sees real counts, walks every screen, filters the audit log and signs out', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    const errors = watchErrors(page)
    await signInAs(page, admin())

    // Other test files take leads in at the same time: compare with the count as it is now, each try.
    await expect
      .poll(async () => {
        const shown = await page.getByTestId('leads-held').textContent()
        const held = (await directDeps().metrics.totals('overall', 'all')).leads_held
        if (shown !== String(held)) await page.reload()
        return shown === String(held)
      }, PAGE_LOAD)
      .toBe(true)
    expect(await page.getByTestId('whoami').textContent()).toContain(admin().email)

    for (const [link, heading] of [
      ['Leads', 'Leads'],
      ['Routing rules', 'Routing rules'],
      ['Campaigns', 'Campaigns'],
      ['Domains & mailboxes', 'Domains & mailboxes'],
      ['Settings', 'Settings'],
      ['Audit log', 'Audit log'],
    ] as const) {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link, exact: true }).click()
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), PAGE_LOAD).toBe(heading)
    }

    await page.getByLabel('Entity').selectOption('domain')
    await page.getByRole('button', { name: 'Filter' }).click()
    await page.waitForURL(/entityType=domain/)
    // The URL changes as the navigation commits; React renders the filtered list a moment later.
    const sentences = () => page.getByTestId('audit-timeline').locator('li p').allTextContents()
    await expect.poll(async () => (await sentences()).length > 0 && (await sentences()).every((s) => /domain/i.test(s)), PAGE_LOAD).toBe(true)
    for (const s of await sentences()) expect(s).toMatch(/domain/i)

    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.waitForURL(/\/login/)
    expect(errors).toEqual([])
    await page.close()
  })

  it('an admin changes a threshold on the Settings form and sees a field error for a bad value', async () => {
    const page = await browser.newPage()
    const errors = watchErrors(page)
    await signInAs(page, admin())
    await page.goto(`${world().baseUrl}/settings`)
    const field = page.getByLabel('Warn a mailbox at this many hard bounces…')
    await field.fill('-4')
    await page.getByRole('button', { name: 'Save settings' }).click()
    await expect.poll(() => field.getAttribute('aria-invalid')).toBe('true')

    // A new value that still warns before the pause (5 hard bounces by default): a warning at or past it is refused.
    const before = (await directDeps().settingsStore.get()).settings.mailbox.warnHardBounces
    const target = before === 2 ? 1 : 2
    await field.fill(String(target))
    await page.getByRole('button', { name: 'Save settings' }).click()
    await expect.poll(async () => (await directDeps().settingsStore.get()).settings.mailbox.warnHardBounces).toBe(target)
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Settings saved')
    expect(errors).toEqual([])
    await page.close()
  })

  it('a viewer on a phone sees the settings but has nothing to change them with', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } })
    await signInAs(page, TEST_VIEWER)
    await page.goto(`${world().baseUrl}/settings`)
    expect(await page.getByText('You are a viewer').count()).toBe(1)
    expect(await page.getByRole('button', { name: 'Save settings' }).count()).toBe(0)
    expect(await page.getByLabel('Warn a mailbox at this many hard bounces…').isDisabled()).toBe(true)
    // The navigation stays usable on a narrow screen.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click()
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), PAGE_LOAD).toBe('Audit log')
    await page.close()
  })

  it('deleting a routing rule asks first: dismissed, the rule stays; confirmed, it goes', async () => {
    const deps = directDeps()
    const name = `Test: delete me ${Date.now()}`
    const { rules, version } = await deps.routing.get()
    const rule = { id: `rule-delete-${Date.now()}`, name, enabled: false, conditions: [{ field: 'persona' as const, op: 'equals' as const, value: 'nobody-at-all' }], campaignId: 'founders-india' }
    expect(await deps.routing.save([...rules, rule], version, { id: `setup-${rule.id}`, at: new Date().toISOString(), actor: { type: 'system', id: 'test' }, entityType: 'rule', entityId: rule.id, action: 'created', sentence: 'Set up by a test.' })).toBe('saved')

    const page = await browser.newPage()
    const errors = watchErrors(page)
    await signInAs(page, admin())
    await page.goto(`${world().baseUrl}/rules`)
    const asked: string[] = []
    page.once('dialog', (d) => void (asked.push(d.message()), d.dismiss()))
    await page.getByRole('button', { name: `Delete ${name}` }).click()
    expect(asked).toEqual([`Delete rule "${name}"? Leads it would have routed then fall to the next rule, or stay held.`])
    expect((await deps.routing.get()).rules.some((r) => r.id === rule.id)).toBe(true)

    page.once('dialog', (d) => void d.accept())
    await page.getByRole('button', { name: `Delete ${name}` }).click()
    await expect.poll(async () => (await deps.routing.get()).rules.some((r) => r.id === rule.id), PAGE_LOAD).toBe(false)
    expect(errors).toEqual([])
    await page.close()
  })
})
