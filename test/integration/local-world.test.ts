import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2'
import { describe, expect, it } from 'vitest'
import type { Lead } from '../../src/shared/domain/entities'
import { admin, directDeps, get, signIn, world } from '../support/world'

function statFrom(html: string, testId: string): number {
  const m = new RegExp(`data-testid="${testId}"[^>]*>([^<]*)<`).exec(html)
  if (!m) throw new Error(`no ${testId} on the page`)
  return Number(m[1])
}

describe('the local world', () => {
  it('runs a local SES v2 API that captures mail and shows it in its viewer', async () => {
    const ses = new SESv2Client({ endpoint: world().sesUrl, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } })
    const subject = `Local SES check ${Date.now()}`
    const out = await ses.send(
      new SendEmailCommand({
        FromEmailAddress: 'anita@mail.example.com',
        Destination: { ToAddresses: ['jane@acme.example.com'] },
        Content: { Simple: { Subject: { Data: subject }, Body: { Text: { Data: 'Hello' } } } },
      }),
    )
    expect(out.MessageId).toBeTruthy()
    const store = (await (await fetch(`${world().sesUrl}/store`)).json()) as { emails: { subject: string }[] }
    expect(store.emails.map((e) => e.subject)).toContain(subject)
    expect((await fetch(world().sesUrl)).status).toBe(200)
    ses.destroy()
  })

  it('runs a MyEmailVerifier-compatible server with answers chosen by address', async () => {
    const key = world().env.MEV_API_KEY!
    // The fake keeps the contract's 30 requests a minute for the whole world, and the send-loop tests
    // before this one may have used the minute up: a 429 is waited out (the window is a minute at most).
    const ask = async (email: string): Promise<unknown> => {
      for (;;) {
        const res = await fetch(`${world().verifierUrl}/api/validate_single.php?apikey=${key}&email=${encodeURIComponent(email)}`)
        if (res.status !== 429) return res.json()
        await new Promise((resolve) => setTimeout(resolve, 2_000))
      }
    }
    expect(await ask('someone@invalid.test')).toMatchObject({ Status: 'Invalid', Address: 'someone@invalid.test' })
    expect(await ask('jane@acme.example.com')).toMatchObject({ Status: 'Valid', Diagnosis: 'Mailbox Exists and Active' })
  }, 90_000)

  it('seeds a demo workspace the pages show', async () => {
    const cookie = await signIn(admin())
    const domains = await (await get('/domains', { headers: { cookie } })).text()
    expect(domains).toContain('mail.example.com')
    expect(domains).toContain('anita@mail.example.com')
    const rules = await (await get('/rules', { headers: { cookie } })).text()
    expect(rules).toContain('Founders and CTOs, score 70+')
    const campaigns = await (await get('/campaigns', { headers: { cookie } })).text()
    expect(campaigns).toContain('Finance leaders')
  })

  it('shows Overview counts from the metrics table, and they move with a counted change', async () => {
    const cookie = await signIn(admin())
    const deps = directDeps()
    const totals = await deps.metrics.totals('overall', 'all')
    const before = await (await get('/', { headers: { cookie } })).text()
    expect(statFrom(before, 'leads-held')).toBe(totals.leads_held)
    expect(totals.leads_held).toBeGreaterThanOrEqual(300)

    const id = `overview-${Date.now()}`
    const lead: Lead = {
      id,
      email: `${id}@example.com`,
      fullName: 'Overview Check',
      firstName: 'Overview',
      firstNameConfidence: 1,
      company: 'Check Co',
      persona: 'cto',
      leadScore: 10,
      source: 'manual',
      enrichment: {},
      status: 'held',
      healthState: 'healthy',
      campaignId: null,
      holdReason: 'no routing rule matched',
      createdAt: new Date().toISOString(),
    }
    await deps.leads.insert(lead, { id: `evt-${id}`, at: new Date().toISOString(), actor: { type: 'system', id: 'test' }, entityType: 'lead', entityId: id, action: 'ingested', sentence: 'Test lead.' })
    const after = await (await get('/', { headers: { cookie } })).text()
    expect(statFrom(after, 'leads-held')).toBe(totals.leads_held + 1)
  })
})
