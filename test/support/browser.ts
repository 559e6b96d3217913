import { chromium, type Browser, type Page } from 'playwright-core'
import { inject } from 'vitest'

/** Debian's chromium, headless, with the flags that keep it off a closed network. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  })
}

/** Signs in through the login page, as a person does (a visit to `/` is sent to it first). */
export async function signInAs(page: Page, user: { email: string; password: string }): Promise<void> {
  const base = inject('world').baseUrl
  await page.goto(`${base}/`)
  await page.waitForURL(/\/login/)
  await page.getByLabel('Email').fill(user.email)
  await page.getByLabel('Password').fill(user.password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL(`${base}/`)
}

/** Client-side errors and failed responses fail a journey, like console.error does in the other tests. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  page.on('response', (r) => {
    // The redirect to the login page before signing in is expected.
    if (r.status() >= 400 && !r.url().includes('/login')) errors.push(`${r.status()} ${r.url()}`)
  })
  page.on('console', (m) => {
    // The sandbox's live-reload socket is not part of the app.
    if (m.type() === 'error' && !m.text().includes('ws://')) errors.push(m.text())
  })
  return errors
}
