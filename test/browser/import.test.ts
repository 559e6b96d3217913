import { readFileSync } from 'node:fs'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from '../support/browser'
import { admin, directDeps, world } from '../support/world'

let browser: Browser
beforeAll(async () => {
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
})

describe('importing a file as a person does', () => {
  it('uploads a CSV with bad rows, maps the columns, sees the preview and progress finish, and downloads the error report', async () => {
    const tag = `${Date.now()}`
    const dir = mkdtempSync(join(tmpdir(), 'drason-import-'))
    const file = join(dir, 'prospects.csv')
    // Semicolons, as a European Excel saves CSV; a header the guesser cannot know ("Mail"); a formula in a bad row.
    writeFileSync(
      file,
      'Contact;Mail;Organisation;Persona;Score\n' +
        `Anita Rao;anita.${tag}@acme.example.com;Acme;cfo;88\n` +
        `=HYPERLINK("http://evil.example");not-an-email;Evil;cfo;10\n` +
        `Vikram Das;vikram.${tag}@zenith.example.com;;founder;70\n` +
        `Kavya Menon;kavya.${tag}@orbit.example.com;Orbit;founder;91\n`,
    )
    const page = await browser.newPage()
    await page.goto(`${world().baseUrl}/login`)
    await page.getByLabel('Email').fill(admin().email)
    await page.getByLabel('Password').fill(admin().password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.waitForURL(`${world().baseUrl}/`)

    await page.goto(`${world().baseUrl}/leads`)
    await page.getByRole('link', { name: 'Import a CSV or Excel file' }).click()
    await page.locator('input[type=file]').setInputFiles(file)
    await page.getByRole('button', { name: 'Upload' }).click()
    await page.waitForURL(/\/leads\/imports\//)

    // "Contact" is not a header the guesser takes for a name: the preview says so until a person maps it.
    expect(await page.getByTestId('preview-problems').first().textContent()).toContain('name is required')
    await page.getByLabel('Full name (or first name)').selectOption({ label: 'Contact' })
    await page.getByLabel('Email (required)').selectOption({ label: 'Mail' })
    await page.getByRole('button', { name: 'Update preview' }).click()
    await page.waitForURL(/map\.full_name=0/)
    // The URL changes before React renders the new preview: wait for its first row to lose its problem.
    await expect.poll(async () => (await page.getByTestId('preview-problems').allTextContents())[0], { timeout: 10_000 }).toBe('')
    const problems = await page.getByTestId('preview-problems').allTextContents()
    expect(problems[0]).toBe('')
    expect(problems[1]).toContain('email')
    expect(problems[2]).toContain('company')

    await page.getByRole('button', { name: /Import 4 rows/ }).click()
    await expect.poll(() => page.getByTestId('import-progress').textContent(), { timeout: 20_000 }).toBe('4 of 4 rows done · 2 with errors')
    expect(await page.getByTestId('import-counts').textContent()).toContain('2 new leads')
    // The progress survives a reload: it lives in the database.
    await page.reload()
    expect(await page.getByTestId('import-progress').textContent()).toBe('4 of 4 rows done · 2 with errors')

    const download = page.waitForEvent('download')
    await page.getByRole('link', { name: /Download the error report/ }).click()
    const report = readFileSync((await (await download).path())!, 'utf8')
    expect(report.startsWith('\ufeffrow,column,reason\r\n')).toBe(true)
    expect(report).toContain('3,Mail,')
    expect(report).toContain('4,Organisation,is required')

    const anita = await directDeps().leads.idForEmail(`anita.${tag}@acme.example.com`)
    expect(anita).not.toBeNull()
    await page.close()
  })
})
