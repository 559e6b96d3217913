import { afterAll, describe, expect, it } from 'vitest'
import { engageAccountBrake, releaseAccountBrake } from '../../src/shared/services/account-brake'
import { TEST_VIEWER, admin, directDeps, signIn, world } from '../support/world'

const deps = directDeps()
const TESTER = { type: 'user' as const, id: 'tester@drason.test' }

// Never leave the brake engaged for the files that run after this one.
afterAll(async () => {
  await releaseAccountBrake(deps, TESTER)
})

const page = async (path: string, cookie: string) => (await fetch(`${world().baseUrl}${path}`, { headers: { cookie } })).text()

/** The banner's text, React's text separators and tags removed; null when the page has none. */
function banner(html: string): string | null {
  const m = html.match(/data-testid="account-brake-banner"[^>]*>([\s\S]*?)<\/div>/)
  return m ? m[1]!.replace(/<!-- -->/g, '').replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim() : null
}

describe('the account-wide brake on every page', () => {
  it('shows one red line on every page but the Overview while sending is paused, and none once resumed', async () => {
    const cookie = await signIn(admin())
    expect(banner(await page('/campaigns', cookie))).toBeNull()

    expect(await engageAccountBrake(deps, { actor: TESTER, signal: 'test', sentence: 'Account bounce rate 4.20% over 7 days (pause at 4.00%).' })).toBe('engaged')
    for (const path of ['/campaigns', '/domains', '/leads', '/audit', '/campaigns/founders-india']) {
      expect(banner(await page(path, cookie)), path).toBe('All sending is paused: Account bounce rate 4.20% over 7 days (pause at 4.00%) — Overview to resume')
    }
    // The Overview shows the brake in full, with the resume button, instead of the line.
    const overview = await page('/', cookie)
    expect(banner(overview)).toBeNull()
    expect(overview).toContain('Resume all sending')

    // A viewer cannot resume: the line says who can.
    const viewer = await signIn(TEST_VIEWER)
    expect(banner(await page('/campaigns', viewer))).toContain('— Overview for details (an admin can resume)')

    expect(await releaseAccountBrake(deps, TESTER)).not.toBe('not_engaged')
    expect(banner(await page('/campaigns', cookie))).toBeNull()
  })
})
