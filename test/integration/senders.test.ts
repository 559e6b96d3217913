import { describe, expect, it } from 'vitest'
import { TEST_VIEWER, admin, directDeps, postForm, signIn } from '../support/world'

describe('domains and mailboxes through the page', () => {
  it('adds a domain and a mailbox on it, audited, and refuses a mailbox on another domain', async () => {
    const cookie = await signIn(admin())
    const name = `d${Date.now()}.example.org`
    expect((await postForm('/domains', { intent: 'add-domain', name: ` ${name.toUpperCase()} ` }, cookie)).status).toBe(200)
    expect((await directDeps().senders.getDomain(name))?.value).toMatchObject({ name, status: 'healthy' })
    const dup = await postForm('/domains', { intent: 'add-domain', name }, cookie)
    expect(dup.status).toBe(409)
    expect(await dup.text()).toContain('already a sending domain')

    const wrong = await postForm('/domains', { intent: 'add-mailbox', domainId: name, address: 'meera@elsewhere.example.com', fromName: 'Meera', dailyCap: '30' }, cookie)
    expect(wrong.status).toBe(400)
    expect(await wrong.text()).toContain(`The address must be on ${name}.`)

    const ok = await postForm('/domains', { intent: 'add-mailbox', domainId: name, address: `Meera@${name}`, fromName: 'Meera Nair', dailyCap: '30' }, cookie)
    expect(ok.status).toBe(200)
    const mailbox = await directDeps().senders.getMailbox(`meera@${name}`)
    expect(mailbox).toMatchObject({ version: 1, value: { fromName: 'Meera Nair', dailyCap: 30, domainId: name, status: 'active' } })
    const [event] = (await directDeps().audit.forEntity('mailbox', `meera@${name}`, 1)).items
    expect(event).toMatchObject({ action: 'created', actor: { id: admin().email } })
  })

  it('edits a mailbox with a version check and refuses silly caps', async () => {
    const cookie = await signIn(admin())
    const id = 'vikram@outreach.example.net'
    const { version, value } = (await directDeps().senders.getMailbox(id))!
    const silly = await postForm('/domains', { intent: 'edit-mailbox', id, version: String(version), fromName: value.fromName, dailyCap: '5000' }, cookie)
    expect(silly.status).toBe(400)
    expect(await silly.text()).toContain('At most 500.')
    expect((await postForm('/domains', { intent: 'edit-mailbox', id, version: String(version), fromName: 'Vikram R.', dailyCap: String(value.dailyCap + 5) }, cookie)).status).toBe(200)
    const after = (await directDeps().senders.getMailbox(id))!
    expect(after).toMatchObject({ version: version + 1, value: { fromName: 'Vikram R.', dailyCap: value.dailyCap + 5 } })
    const stale = await postForm('/domains', { intent: 'edit-mailbox', id, version: String(version), fromName: 'Someone', dailyCap: '10' }, cookie)
    expect(stale.status).toBe(409)
    expect((await directDeps().senders.getMailbox(id))!.value.fromName).toBe('Vikram R.')
    const [event] = (await directDeps().audit.forEntity('mailbox', id, 1)).items
    expect(event?.sentence).toContain('fromName from Vikram Rao to Vikram R.')
  })

  it('refuses changes from a viewer', async () => {
    const cookie = await signIn(TEST_VIEWER)
    expect((await postForm('/domains', { intent: 'add-domain', name: 'viewer.example.org' }, cookie)).status).toBe(403)
    expect(await directDeps().senders.getDomain('viewer.example.org')).toBeNull()
  })
})
