import { afterAll, describe, expect, it } from 'vitest'
import { createSesSender } from '../../src/shared/adapters/ses-sender.server'
import { world } from '../support/world'

type StoredEmail = {
  messageId: string
  from: string
  subject: string
  destination: { to: string[] }
  body: { text?: string; html?: string }
  headers?: { name: string; value: string }[]
}

/**
 * The adapter against the local SES v2 API (aws-ses-v2-local) the world runs. That server keeps Simple
 * content's custom headers (`headers` in `/store`), so the unsubscribe headers are checked end to end. It
 * does not keep EmailTags or the configuration set; the unit tests check those on the wire.
 */
describe('SES sender against the local SES', () => {
  const sender = createSesSender({
    endpoint: world().sesUrl,
    region: 'us-east-1',
    configurationSet: world().env.SES_CONFIGURATION_SET ?? 'drason',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  })
  afterAll(() => sender.destroy())

  it('sends: a MessageId comes back and the mail is in the store with its subject and unsubscribe headers', async () => {
    const subject = `Quick question ${Date.now()}`
    const outcome = await sender.send({
      from: { name: 'Anita "AR" Rao', address: 'anita@mail.example.com' },
      to: 'jane@acme.example.com',
      subject,
      text: 'Hi Jane,\n\nQuick question.\n\nAnita',
      html: '<p>Hi Jane,</p><p>Quick question.</p>',
      tags: { lead: 'lead-1', campaign: 'camp-1', mailbox: 'mb-1', send: 'send-1' },
      unsubscribeUrl: `${world().baseUrl}/u/abc123`,
    })
    if (outcome.kind !== 'sent') throw new Error(`expected sent, got ${JSON.stringify(outcome)}`)
    expect(outcome.messageId).toBeTruthy()

    const store = (await (await fetch(`${world().sesUrl}/store`)).json()) as { emails: StoredEmail[] }
    const mail = store.emails.find((e) => e.messageId === outcome.messageId)
    expect(mail).toMatchObject({
      subject,
      from: '"Anita \\"AR\\" Rao" <anita@mail.example.com>',
      destination: { to: ['jane@acme.example.com'] },
      body: { text: 'Hi Jane,\n\nQuick question.\n\nAnita', html: '<p>Hi Jane,</p><p>Quick question.</p>' },
    })
    expect(mail!.headers).toEqual([
      { name: 'List-Unsubscribe', value: `<${world().baseUrl}/u/abc123>` },
      { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
    ])
  })
})
