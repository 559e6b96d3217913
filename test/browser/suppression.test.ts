import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, signInAs, watchErrors } from '../support/browser'
import { admin, directDeps } from '../support/world'

let browser: Browser
beforeAll(async () => {
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
})

describe('the suppression list in a browser', () => {
  it('an admin suppresses a whole domain from the page (an empty field is refused in place), then uploads a list', async () => {
    const domain = `rival-${Date.now()}.example.org`
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    const errors = watchErrors(page)
    await signInAs(page, admin())
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Suppression list', exact: true }).click()
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), { timeout: 10_000 }).toBe('Suppression list')

    // Nothing typed: the form says so without a round trip.
    await page.getByRole('button', { name: 'Suppress' }).click()
    await expect.poll(() => page.getByText('Enter an address or a domain.').count()).toBe(1)

    await page.getByLabel('Address or domain', { exact: true }).fill(`@${domain.toUpperCase()}`)
    await page.getByLabel('Note (optional)').fill('competitor')
    await page.getByRole('button', { name: 'Suppress' }).click()
    await expect.poll(() => page.getByTestId('flash').textContent(), { timeout: 10_000 }).toBe(`Suppressed every address on ${domain}: no campaign will email it again.`)
    const row = page.getByTestId(`suppressed-${domain}`)
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain('manual: competitor')
    expect(await row.textContent()).toContain('domain')
    expect(await directDeps().suppression.isSuppressed(`anyone@${domain}`)).toBe(true)

    // A do-not-contact list from elsewhere, uploaded as a file.
    const listed = `dnc.${Date.now()}@crm.example.com`
    await page.locator('input[type=file][name=file]').setInputFiles({ name: 'dnc.csv', mimeType: 'text/csv', buffer: Buffer.from(`Email\n${listed}\n${domain}\nnot valid\n`) })
    await page.getByRole('button', { name: 'Upload list' }).click()
    await expect.poll(() => page.getByTestId('upload-outcome').textContent(), { timeout: 10_000 }).toContain('Added 1 entry; 1 already on the list; 1 could not be suppressed.')
    expect(await page.getByTestId('upload-outcome').textContent()).toContain('Row 4 (not valid): the domain contains a space or line break')
    expect(await directDeps().suppression.isSuppressed(listed)).toBe(true)
    expect(errors).toEqual([])
    await page.close()
  })
})
