import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  classifyBounce,
  DEFAULT_SMARTLEAD_POLICY,
  gateCheckDue,
  leadInputProblem,
  mapAddLeadsResponse,
  parseSmartleadWebhook,
  readSmartleadError,
  smartleadAckSchema,
  smartleadAddLeadsResponseSchema,
  smartleadCampaignSchema,
  smartleadEmailAccountsSchema,
  smartleadGate,
  smartleadPolicySchema,
  smartleadStatusCommandSchema,
  type SmartleadAddLeadsResponse,
  type SmartleadEmailAccount,
  type SmartleadLeadInput,
} from './smartlead'
import { fixturePath } from '../../../test/support/contracts'

const FIXTURES = fixturePath('smartlead')
const fixture = (name: string): unknown => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'))
/** Error fixtures wrap the body: `{ _http: { status, headers }, body }`. */
const errorBody = (name: string) => (fixture(name) as { body: unknown }).body

// Every fixture the tables below use; the last test checks that none in the folder is left out.
const USED = new Set<string>()
const use = (name: string) => (USED.add(name), name)

const addLeads = (name: string) => smartleadAddLeadsResponseSchema.parse(fixture(name))

describe('Smartlead answers (every response fixture)', () => {
  const NONE: SmartleadAddLeadsResponse = {
    ok: true,
    uploadCount: 0,
    added: 0,
    alreadyInCampaign: 0,
    duplicateInRequest: 0,
    invalidCount: 0,
    invalidEmails: [],
    blocked: 0,
    bounced: 0,
    unsubscribedEmails: [],
    leadLimitExhausted: false,
    importStopped: 0,
  }
  it.each([
    [use('add-leads.response.ok.json'), { uploadCount: 2, added: 2 }],
    [
      use('add-leads.response.mixed.json'),
      {
        uploadCount: 5,
        added: 1,
        blocked: 1,
        duplicateInRequest: 1,
        invalidCount: 1,
        invalidEmails: ['not-an-email@'],
        alreadyInCampaign: 1,
        unsubscribedEmails: ['optout@initech.example.com'],
      },
    ],
    [use('add-leads.response.limit-exhausted.json'), { uploadCount: 100, added: 37, leadLimitExhausted: true, importStopped: 63 }],
  ])('%s → the add-leads counts', (name, expected) => {
    expect(addLeads(name)).toEqual({ ...NONE, ...expected })
  })

  it(`${use('campaign.get.response.json')} → id as text, status, daily lead cap`, () => {
    expect(smartleadCampaignSchema.parse(fixture('campaign.get.response.json'))).toEqual({ id: '1234567', name: 'Q3 Founders Outreach', status: 'ACTIVE', maxLeadsPerDay: 50 })
  })

  it(`${use('campaign.email-accounts.response.json')} → the fields the gate reads, and no password`, () => {
    const accounts = smartleadEmailAccountsSchema.parse(fixture('campaign.email-accounts.response.json'))
    expect(accounts).toEqual([
      {
        id: '440011',
        fromEmail: 'alex@outreach-mail.example.com',
        fromName: 'Alex Rivera',
        dailyLimit: 40,
        sentToday: 12,
        smtpOk: true,
        imapOk: true,
        smtpError: null,
        imapError: null,
        warmupStatus: 'ACTIVE',
      },
      {
        id: '440012',
        fromEmail: 'alex@outreach-mail2.example.com',
        fromName: 'Alex Rivera',
        dailyLimit: 30,
        sentToday: 30,
        smtpOk: false,
        imapOk: true,
        smtpError: '535 5.7.8 Username and Password not accepted',
        imapError: null,
        warmupStatus: 'PAUSED',
      },
    ])
    expect(JSON.stringify(accounts)).not.toContain('password')
  })

  it.each([
    [use('campaign.status.response.json'), { ok: true, message: null }],
    [use('lead.pause-resume.response.json'), { ok: true, message: 'Lead paused successfully' }],
  ])('%s → an acknowledgement', (name, expected) => {
    expect(smartleadAckSchema.parse(fixture(name))).toEqual(expected)
  })

  it.each([
    [use('error.401.invalid-api-key.json'), { code: null, message: 'Invalid API Key', retryAfterSeconds: null }],
    [use('error.429.rate-limit.json'), { code: 'RATE_LIMIT_EXCEEDED', message: 'Too many requests. Please retry after 30 seconds.', retryAfterSeconds: 30 }],
  ])('%s → the error body', (name, expected) => {
    expect(readSmartleadError(errorBody(name))).toEqual(expected)
  })
})

describe('what Drason sends (every request fixture)', () => {
  it(`${use('add-leads.request.json')}: every lead passes the local checks`, () => {
    const body = fixture('add-leads.request.json') as { lead_list: SmartleadLeadInput[]; settings: Record<string, boolean> }
    expect(body.lead_list.map(leadInputProblem)).toEqual([null, null])
  })

  it.each([
    [use('campaign.status.request.pause.json'), 'PAUSED'],
    [use('campaign.status.request.resume.json'), 'START'],
    [use('campaign.status.request.stop.json'), 'STOPPED'],
  ])('%s is a status command (%s)', (name, status) => {
    expect(smartleadStatusCommandSchema.parse((fixture(name) as { status: unknown }).status)).toBe(status)
  })

  it(`${use('lead.resume.request.json')}: resume at once`, () => {
    expect(fixture('lead.resume.request.json')).toEqual({ resume_lead_with_delay_days: 0 })
  })
})

describe('tolerant parsing (where the contract’s sources disagree)', () => {
  it.each([
    ['the 2026 OpenAPI shape', { inserted_count: 3, duplicate_count: 1, blocked_count: 2 }, { added: 3, duplicateInRequest: 1, blocked: 2, ok: true }],
    ['an empty object', {}, { ok: true, added: 0, invalidEmails: [] }],
    ['counts as strings, nulls and negatives', { total_leads: '4', block_count: null, bounce_count: -1 }, { added: 4, blocked: 0, bounced: 0 }],
    ['unsubscribed leads as objects', { unsubscribed_leads: [{ email: 'a@x.example.com' }, 7, 'b@x.example.com'] }, { unsubscribedEmails: ['a@x.example.com', 'b@x.example.com'] }],
    ['an invalid count larger than its list', { invalid_email_count: 3, invalid_emails: ['a@'] }, { invalidCount: 3, invalidEmails: ['a@'] }],
    ['ok: false', { ok: false }, { ok: false }],
    ['a {data: …} wrapper', { data: { ok: true, total_leads: 2 } }, { added: 2 }],
  ])('add leads: %s', (_label, body, expected) => {
    expect(smartleadAddLeadsResponseSchema.parse(body)).toMatchObject(expected)
  })

  it.each([
    ['a {data: …} wrapper', { data: { id: 9, status: 'paused', name: 'X' } }, { id: '9', status: 'PAUSED', name: 'X', maxLeadsPerDay: null }],
    ['a string id and no name', { id: '12', status: 'ACTIVE' }, { id: '12', name: '', status: 'ACTIVE' }],
    ['a status the contract does not list', { id: 1, status: 'archived' }, { status: 'ARCHIVED' }],
    ['track settings and schedule as strings', { id: 1, status: 'ACTIVE', track_settings: 'DONT_TRACK_EMAIL_OPEN', scheduler_cron_value: '0 9 * * 1-5' }, { status: 'ACTIVE' }],
  ])('campaign: %s', (_label, body, expected) => {
    expect(smartleadCampaignSchema.parse(body)).toMatchObject(expected)
  })

  it.each([
    ['no id', { status: 'ACTIVE' }],
    ['no status', { id: 1 }],
    ['an array', [{ id: 1, status: 'ACTIVE' }]],
  ])('campaign: refuses %s', (_label, body) => {
    expect(smartleadCampaignSchema.safeParse(body).success).toBe(false)
  })

  it('email accounts: a {data: […]} wrapper, missing counts and string flags', () => {
    const accounts = smartleadEmailAccountsSchema.parse({ data: [{ id: 1, username: 'u@x.example.com', is_smtp_success: 'true', warmup_details: 'n/a' }] })
    expect(accounts).toEqual([
      { id: '1', fromEmail: 'u@x.example.com', fromName: '', dailyLimit: null, sentToday: null, smtpOk: true, imapOk: false, smtpError: null, imapError: null, warmupStatus: null },
    ])
  })

  it.each([
    ['a bare message', { message: 'done' }, { ok: true, message: 'done' }],
    ['ok: false', { ok: false, message: 'Campaign not found' }, { ok: false, message: 'Campaign not found' }],
  ])('acknowledgement: %s', (_label, body, expected) => {
    expect(smartleadAckSchema.parse(body)).toEqual(expected)
  })

  it.each([
    ['a string error', { error: 'Bad Request' }, { code: null, message: 'Bad Request', retryAfterSeconds: null }],
    ['not an object', 'Internal Server Error', { code: null, message: null, retryAfterSeconds: null }],
    ['null', null, { code: null, message: null, retryAfterSeconds: null }],
  ])('error body: %s', (_label, body, expected) => {
    expect(readSmartleadError(body)).toEqual(expected)
  })
})

describe('leadInputProblem', () => {
  const many = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`f${i}`, 'x']))
  it.each([
    [{ email: 'a@x.example.com' }, null],
    [{ email: '  ' }, 'The lead has no email address.'],
    [{ email: 'a@x.example.com', custom_fields: many }, 'Smartlead takes at most 20 custom fields; the lead has 21.'],
    [{ email: 'a@x.example.com', custom_fields: { Title: 'CFO', Age: 42 as unknown as string } }, 'Smartlead takes only text in custom fields (Age is not).'],
  ])('%o → %s', (lead, problem) => {
    expect(leadInputProblem(lead)).toBe(problem)
  })
})

describe('smartleadGate', () => {
  const accounts = smartleadEmailAccountsSchema.parse(fixture('campaign.email-accounts.response.json'))
  const [healthy, broken] = accounts as [SmartleadEmailAccount, SmartleadEmailAccount]
  const acc = (patch: Partial<SmartleadEmailAccount>): SmartleadEmailAccount => ({ ...healthy, ...patch })

  it('allows an ACTIVE campaign with one account that can send, and names it with its room', () => {
    expect(smartleadGate({ status: 'ACTIVE' }, accounts)).toEqual({ allow: true, accountIds: ['440011'], room: 28 })
  })

  it.each([
    ['PAUSED', 'The Smartlead campaign is PAUSED, not ACTIVE.'],
    ['DRAFTED', 'The Smartlead campaign is DRAFTED, not ACTIVE.'],
    ['STOPPED', 'The Smartlead campaign is STOPPED, not ACTIVE.'],
    ['COMPLETED', 'The Smartlead campaign is COMPLETED, not ACTIVE.'],
    ['', 'The Smartlead campaign is without a status, not ACTIVE.'],
  ])('holds a %s campaign', (status, message) => {
    expect(smartleadGate({ status }, accounts)).toEqual({ allow: false, reasons: [{ code: 'smartlead_campaign_not_active', message, status }] })
  })

  it('holds a campaign without email accounts, and reports the status too', () => {
    const decision = smartleadGate({ status: 'PAUSED' }, [])
    expect(decision.allow).toBe(false)
    if (!decision.allow) expect(decision.reasons.map((r) => r.code)).toEqual(['smartlead_campaign_not_active', 'smartlead_no_email_accounts'])
  })

  it.each([
    // accounts, expected message, each account's blocks
    [[broken], "None of the Smartlead campaign's 1 email account can send (1 with failing SMTP, 1 at its daily limit).", [['smtp_failing', 'at_daily_limit']]],
    [[acc({ sentToday: 40 })], "None of the Smartlead campaign's 1 email account can send (1 at its daily limit).", [['at_daily_limit']]],
    [[acc({ sentToday: 55 })], "None of the Smartlead campaign's 1 email account can send (1 at its daily limit).", [['at_daily_limit']]],
    [[acc({ dailyLimit: 0, sentToday: 0 })], "None of the Smartlead campaign's 1 email account can send (1 at its daily limit).", [['at_daily_limit']]],
    [[acc({ dailyLimit: null })], "None of the Smartlead campaign's 1 email account can send (1 with no daily limit reported).", [['daily_limit_unknown']]],
    [[acc({ sentToday: null })], "None of the Smartlead campaign's 1 email account can send (1 with no count of today's sends).", [['sent_today_unknown']]],
    [
      [broken, acc({ id: '3', smtpOk: false, smtpError: null })],
      "None of the Smartlead campaign's 2 email accounts can send (2 with failing SMTP, 1 at its daily limit).",
      [['smtp_failing', 'at_daily_limit'], ['smtp_failing']],
    ],
  ])('holds when no account can send: %#', (list, message, whys) => {
    const decision = smartleadGate({ status: 'ACTIVE' }, list)
    expect(decision.allow).toBe(false)
    if (decision.allow) return
    expect(decision.reasons).toHaveLength(1)
    const reason = decision.reasons[0]!
    expect(reason).toMatchObject({ code: 'smartlead_no_account_available', message })
    if (reason.code === 'smartlead_no_account_available') expect(reason.blocked.map((b) => b.why)).toEqual(whys)
  })

  it('says what a person would need to know about each blocked account', () => {
    const decision = smartleadGate({ status: 'ACTIVE' }, [broken])
    expect(!decision.allow && decision.reasons[0]).toMatchObject({
      blocked: [{ accountId: '440012', email: 'alex@outreach-mail2.example.com', detail: 'SMTP fails: 535 5.7.8 Username and Password not accepted; 30 of 30 sent today' }],
    })
  })

  it('reports every failing condition at once', () => {
    const decision = smartleadGate({ status: 'PAUSED' }, [broken])
    expect(!decision.allow && decision.reasons.map((r) => r.code)).toEqual(['smartlead_campaign_not_active', 'smartlead_no_account_available'])
  })

  it.each([
    // policy patch, account patch, allowed?
    [{ requireImap: true }, { imapOk: false, imapError: 'login failed' }, false],
    [{ requireImap: false }, { imapOk: false }, true],
    [{ assumeRoomWhenSentTodayUnknown: true }, { sentToday: null }, true],
    [{ assumeRoomWhenSentTodayUnknown: false }, { sentToday: null }, false],
  ])('policy %o with account %o → allow %s', (policy, patch, allow) => {
    expect(smartleadGate({ status: 'ACTIVE' }, [acc(patch)], { ...DEFAULT_SMARTLEAD_POLICY, ...policy }).allow).toBe(allow)
  })

  it('sums the room of every account that can send', () => {
    expect(smartleadGate({ status: 'ACTIVE' }, [healthy, acc({ id: '2', dailyLimit: 50, sentToday: 45 }), broken])).toEqual({ allow: true, accountIds: ['440011', '2'], room: 33 })
  })
})

describe('gateCheckDue (the cached campaign and accounts read)', () => {
  const T = 1_700_000_000_000
  it.each([
    ['never read', null, T, true],
    ['just read', { checkedAt: T, batchesSince: 0 }, T, false],
    ['59 s ago, 24 batches since', { checkedAt: T - 59_000, batchesSince: 24 }, T, false],
    ['60 s ago', { checkedAt: T - 60_000, batchesSince: 0 }, T, true],
    ['25 batches since', { checkedAt: T, batchesSince: 25 }, T, true],
  ])('%s → %s', (_label, last, now, due) => {
    expect(gateCheckDue(last, now)).toBe(due)
  })

  it('follows the policy', () => {
    expect(gateCheckDue({ checkedAt: T, batchesSince: 1 }, T, { gateCheckMaxAgeSeconds: 600, gateCheckEveryBatches: 1 })).toBe(true)
    expect(gateCheckDue({ checkedAt: T - 1, batchesSince: 0 }, T, { gateCheckMaxAgeSeconds: 0, gateCheckEveryBatches: 100 })).toBe(true)
  })
})

describe('mapAddLeadsResponse', () => {
  const emails = (...list: string[]) => list.map((email) => ({ email }))
  const requestEmails = (fixture('add-leads.request.json') as { lead_list: { email: string }[] }).lead_list

  it('add-leads.response.ok.json: both leads of add-leads.request.json were added', () => {
    const m = mapAddLeadsResponse(requestEmails, addLeads('add-leads.response.ok.json'))
    expect(m).toEqual({
      leads: [
        { email: 'jane.doe@acme-corp.example.com', status: 'in_campaign', code: 'added', reason: 'Added to the Smartlead campaign.' },
        { email: 'raj.patel@globex.example.com', status: 'in_campaign', code: 'added', reason: 'Added to the Smartlead campaign.' },
      ],
      counts: { added: 2 },
      leadLimitExhausted: false,
      discrepancy: null,
    })
  })

  it('add-leads.response.mixed.json: names the invalid and unsubscribed addresses; the rest cannot be told apart', () => {
    const pushed = emails('a@acme.example.com', 'NOT-AN-EMAIL@', 'b@acme.example.com', 'optout@initech.example.com', 'a@acme.example.com', 'c@acme.example.com')
    const m = mapAddLeadsResponse(pushed, addLeads('add-leads.response.mixed.json'))
    expect(m.leads.map((l) => [l.email, l.status, l.code])).toEqual([
      ['a@acme.example.com', 'unconfirmed', 'unconfirmed'],
      ['NOT-AN-EMAIL@', 'rejected', 'invalid'],
      ['b@acme.example.com', 'unconfirmed', 'unconfirmed'],
      ['optout@initech.example.com', 'rejected', 'unsubscribed'],
      ['a@acme.example.com', 'rejected', 'duplicate_in_request'],
      ['c@acme.example.com', 'unconfirmed', 'unconfirmed'],
    ])
    expect(m.leads[0]!.reason).toBe(
      "Smartlead's answer does not say which of these 3 leads it took (it reported 1 added, 1 already in the campaign, 1 blocked). Push the lead again or look it up in Smartlead.",
    )
    expect(m.leads[1]!.reason).toBe('Not added: Smartlead says the address is not a valid email address.')
    expect(m.leads[3]!.reason).toBe("Not added: the address is on Smartlead's unsubscribe list.")
    expect(m.counts).toEqual({ unconfirmed: 3, invalid: 1, unsubscribed: 1, duplicate_in_request: 1 })
    // The duplicate Smartlead counted is the repeat found locally; the three counts cover the three others.
    expect(m.discrepancy).toBeNull()
  })

  it('add-leads.response.limit-exhausted.json: 37 of 100 added, but not which, and the limit is flagged', () => {
    const pushed = emails(...Array.from({ length: 100 }, (_, i) => `lead${i}@example.com`))
    const m = mapAddLeadsResponse(pushed, addLeads('add-leads.response.limit-exhausted.json'))
    expect(m.leadLimitExhausted).toBe(true)
    expect(m.counts).toEqual({ unconfirmed: 100 })
    expect(m.leads[0]!.reason).toContain("37 added, 63 not imported (the plan's lead limit is reached)")
    expect(m.discrepancy).toBeNull()
  })

  const base = addLeads('add-leads.response.ok.json')
  it.each([
    // what Smartlead said, pushed count, the one code every remaining lead gets
    ['all new', { added: 3 }, 3, 'added', 'in_campaign'],
    ['all already there', { added: 0, alreadyInCampaign: 3 }, 3, 'already_in_campaign', 'in_campaign'],
    ['all blocked', { added: 0, blocked: 2 }, 2, 'blocked', 'rejected'],
    ['all on a bounce list', { added: 0, bounced: 1 }, 1, 'bounced', 'rejected'],
    ['all duplicates of something else', { added: 0, duplicateInRequest: 2 }, 2, 'duplicate', 'rejected'],
    ['all over the lead limit', { added: 0, importStopped: 4, leadLimitExhausted: true }, 4, 'lead_limit', 'rejected'],
    ['one lead, one count', { added: 0, alreadyInCampaign: 1 }, 1, 'already_in_campaign', 'in_campaign'],
    ['two counts', { added: 1, alreadyInCampaign: 1 }, 2, 'unconfirmed', 'unconfirmed'],
    ['a count that does not match', { added: 2 }, 3, 'unconfirmed', 'unconfirmed'],
    ['nothing reported', { added: 0 }, 2, 'unconfirmed', 'unconfirmed'],
  ])('%s', (_label, patch, n, code, status) => {
    const pushed = emails(...Array.from({ length: n }, (_, i) => `p${i}@example.com`))
    const m = mapAddLeadsResponse(pushed, { ...base, ...patch })
    expect(new Set(m.leads.map((l) => `${l.status}/${l.code}`))).toEqual(new Set([`${status}/${code}`]))
  })

  it('explains a lead over the plan limit and one already in the campaign', () => {
    const [limit] = mapAddLeadsResponse(emails('x@example.com'), { ...base, added: 0, importStopped: 1 }).leads
    expect(limit!.reason).toBe("Not added: the Smartlead plan's lead limit is reached. Raise the limit in Smartlead, then push again.")
    const [already] = mapAddLeadsResponse(emails('x@example.com'), { ...base, added: 0, alreadyInCampaign: 1 }).leads
    expect(already!.reason).toBe('Already in the Smartlead campaign; Smartlead updated its details (if it was paused there, it stays paused).')
  })

  it('matches addresses whatever their case and surrounding spaces', () => {
    const m = mapAddLeadsResponse(emails(' Jane@Acme.example.com ', 'ok@example.com'), { ...base, added: 1, invalidEmails: ['jane@acme.example.com'], invalidCount: 1 })
    expect(m.leads.map((l) => l.code)).toEqual(['invalid', 'added'])
  })

  it.each([
    ['counts that cover more leads than remain', { added: 3 }, ['a@example.com'], 'its counts cover 3 leads, but 1 were not named by address'],
    ['an address that was not pushed', { added: 1, unsubscribedEmails: ['ghost@example.com'] }, ['a@example.com'], 'it named 1 address that were not pushed'],
    ['an invalid count larger than its list', { added: 1, invalidCount: 2, invalidEmails: [] }, ['a@example.com'], 'it counted 2 invalid but listed 0'],
  ])('reports a discrepancy: %s', (_label, patch, list, text) => {
    expect(mapAddLeadsResponse(emails(...list), { ...base, ...patch }).discrepancy).toContain(text)
  })

  it('maps nothing pushed to nothing', () => {
    expect(mapAddLeadsResponse([], { ...base, added: 0 })).toEqual({ leads: [], counts: {}, leadLimitExhausted: false, discrepancy: null })
  })
})

describe('parseSmartleadWebhook (every webhook fixture)', () => {
  const SECRET = '8f2c1e7a-4b5d-4f9e-a1c3-6d7e8f9a0b1c'
  const common = { campaignId: '1234567', mailbox: 'alex@outreach-mail.example.com' }
  it.each([
    [
      use('webhook.email_sent.json'),
      {
        type: 'sent',
        eventType: 'EMAIL_SENT',
        key: 'EMAIL_SENT:6f1d2c3b-aaaa-4bbb-8ccc-0d1e2f3a4b5c',
        leadEmail: 'jane.doe@acme-corp.example.com',
        smartleadLeadId: '2209876543',
        at: '2025-03-10T14:00:05.123+00:00',
        sequenceNumber: 1,
        messageId: '<a1b2c3d4-0001@outreach-mail.example.com>',
      },
    ],
    [
      use('webhook.email_bounce.json'),
      {
        type: 'bounce',
        eventType: 'EMAIL_BOUNCE',
        key: 'EMAIL_BOUNCE:7a2e3d4c-bbbb-4ccc-8ddd-1e2f3a4b5c6d',
        leadEmail: 'raj.patel@globex.example.com',
        smartleadLeadId: '2209876544',
        messageId: '<a1b2c3d4-0002@outreach-mail.example.com>',
        bounceKind: 'hard',
        smtpStatus: '5.1.1',
        bounceText:
          'Delivery has failed to these recipients or groups: raj.patel@globex.example.com\n550 5.1.1 The email account that you tried to reach does not exist.',
      },
    ],
    [
      use('webhook.email_reply.json'),
      {
        type: 'reply',
        eventType: 'EMAIL_REPLY',
        key: 'EMAIL_REPLY:6f1d2c3b-aaaa-4bbb-8ccc-0d1e2f3a4b5c:<CAF=abc123reply@mail.acme-corp.example.com>',
        leadEmail: 'jane.doe@acme-corp.example.com',
        messageId: '<a1b2c3d4-0001@outreach-mail.example.com>',
        replyMessageId: '<CAF=abc123reply@mail.acme-corp.example.com>',
        replyText: 'Sounds interesting - can you send times for Thursday?',
        replyCategory: null,
        at: '2025-03-11T09:02:10.000+00:00',
      },
    ],
    [
      use('webhook.lead_unsubscribed.json'),
      {
        type: 'unsubscribed',
        eventType: 'LEAD_UNSUBSCRIBED',
        key: 'LEAD_UNSUBSCRIBED:1234567:raj.patel@globex.example.com',
        leadEmail: 'raj.patel@globex.example.com',
        smartleadLeadId: null,
        sequenceNumber: 2,
        at: '2025-03-12T08:30:00.000Z',
      },
    ],
    [use('webhook.email_open.json'), { type: 'ignored', eventType: 'EMAIL_OPEN', key: 'EMAIL_OPEN:6f1d2c3b-aaaa-4bbb-8ccc-0d1e2f3a4b5c:2025-03-10T15:12:44.501+00:00' }],
    [use('webhook.email_link_click.json'), { type: 'ignored', eventType: 'EMAIL_LINK_CLICK', key: 'EMAIL_LINK_CLICK:6f1d2c3b-aaaa-4bbb-8ccc-0d1e2f3a4b5c:2025-03-10T15:13:02.000+00:00' }],
    [
      use('webhook.lead_category_updated.json'),
      { type: 'ignored', eventType: 'LEAD_CATEGORY_UPDATED', key: 'LEAD_CATEGORY_UPDATED:1234567:jane.doe@acme-corp.example.com:1:2025-03-11T09:05:00.000Z', smartleadLeadId: '2209876543' },
    ],
    [
      use('webhook.manual_step_reached.json'),
      { type: 'ignored', eventType: 'MANUAL_STEP_REACHED', key: 'MANUAL_STEP_REACHED:1234567:jane.doe@acme-corp.example.com:2', leadEmail: 'jane.doe@acme-corp.example.com', mailbox: null },
    ],
  ])('%s', (name, expected) => {
    const parsed = parseSmartleadWebhook(fixture(name))
    expect(parsed.ok).toBe(true)
    if (!parsed.ok) return
    expect(parsed.secretKey).toBe(SECRET)
    expect(parsed.event).toMatchObject({ ...common, ...expected })
    // The stored body keeps everything but the secret.
    expect(JSON.stringify(parsed.event)).not.toContain(SECRET)
    expect(parsed.event.raw).toEqual(Object.fromEntries(Object.entries(fixture(name) as object).filter(([k]) => k !== 'secret_key')))
  })

  it('gives a redelivery the same key, whatever order its fields come in', () => {
    for (const name of readdirSync(FIXTURES).filter((f) => f.startsWith('webhook.'))) {
      const body = fixture(name) as Record<string, unknown>
      const reordered = Object.fromEntries(Object.entries(body).reverse())
      const a = parseSmartleadWebhook(body)
      const b = parseSmartleadWebhook(reordered)
      expect(a.ok && b.ok && a.event.key === b.event.key, name).toBe(true)
    }
  })

  it('gives the eight fixtures eight different keys (sent, open, click and reply share a stats_id)', () => {
    const keys = readdirSync(FIXTURES)
      .filter((f) => f.startsWith('webhook.'))
      .map((name) => {
        const p = parseSmartleadWebhook(fixture(name))
        return p.ok ? p.event.key : name
      })
    expect(new Set(keys).size).toBe(8)
  })

  it('tells two replies to one message apart, and two opens', () => {
    const reply = fixture('webhook.email_reply.json') as Record<string, unknown>
    const second = { ...reply, reply_message: { ...(reply.reply_message as object), message_id: '<second@mail.acme-corp.example.com>' }, message_id: '<second@mail.acme-corp.example.com>' }
    const k = (b: unknown) => {
      const p = parseSmartleadWebhook(b)
      return p.ok ? p.event.key : null
    }
    expect(k(reply)).not.toBe(k(second))
    const open = fixture('webhook.email_open.json') as Record<string, unknown>
    expect(k(open)).not.toBe(k({ ...open, time_opened: '2025-03-10T16:00:00.000+00:00', event_timestamp: '2025-03-10T16:00:00.000+00:00' }))
  })

  it('keys an unsubscribe by campaign and lead, with or without the deprecated field names', () => {
    const unsub = fixture('webhook.lead_unsubscribed.json') as Record<string, unknown>
    const { to_email: _t, ...deprecatedOnly } = unsub
    const a = parseSmartleadWebhook(unsub)
    const b = parseSmartleadWebhook({ ...deprecatedOnly, event_timestamp: '2025-03-13T00:00:00.000Z' })
    expect(a.ok && b.ok && [a.event.key, b.event.leadEmail]).toEqual([b.ok && b.event.key, 'raj.patel@globex.example.com'])
  })

  it('falls back to a hash of the body (without the secret) when nothing else identifies the event', () => {
    const p1 = parseSmartleadWebhook({ event_type: 'CAMPAIGN_STATUS_CHANGED', secret_key: 'a', status: 'PAUSED' })
    const p2 = parseSmartleadWebhook({ status: 'PAUSED', secret_key: 'b', event_type: 'CAMPAIGN_STATUS_CHANGED' })
    const p3 = parseSmartleadWebhook({ event_type: 'CAMPAIGN_STATUS_CHANGED', status: 'ACTIVE' })
    expect(p1.ok && p1.event).toMatchObject({ type: 'ignored', campaignId: null, leadEmail: null, at: null })
    const keys = [p1, p2, p3].map((p) => (p.ok ? p.event.key : ''))
    expect(keys[0]).toMatch(/^CAMPAIGN_STATUS_CHANGED:body:[0-9a-z]+$/)
    expect(keys[0]).toBe(keys[1])
    expect(keys[0]).not.toBe(keys[2])
    expect(p3.ok && p3.secretKey).toBeNull()
  })

  it('reads numbers as strings, an event type in any case, and a FIRST_EMAIL_SENT as ignored (EMAIL_SENT also comes)', () => {
    const sent = fixture('webhook.email_sent.json') as Record<string, unknown>
    const p = parseSmartleadWebhook({ ...sent, event_type: 'email_sent', campaign_id: '1234567', sl_email_lead_id: 2209876543 })
    expect(p.ok && p.event).toMatchObject({ type: 'sent', eventType: 'EMAIL_SENT', campaignId: '1234567', smartleadLeadId: '2209876543' })
    const first = parseSmartleadWebhook({ ...sent, event_type: 'FIRST_EMAIL_SENT' })
    expect(first.ok && first.event.type).toBe('ignored')
  })

  it.each([
    ['an array', [1], 'the body is not a JSON object'],
    ['a string', 'EMAIL_SENT', 'the body is not a JSON object'],
    ['null', null, 'the body is not a JSON object'],
    ['no event type', { stats_id: 'x' }, 'the body has no event_type'],
    ['an empty event type', { event_type: ' ' }, 'the body has no event_type'],
  ])('refuses %s', (_label, body, reason) => {
    expect(parseSmartleadWebhook(body)).toEqual({ ok: false, reason })
  })

  it('keeps fields of the wrong type out rather than failing the event', () => {
    const p = parseSmartleadWebhook({ event_type: 'EMAIL_BOUNCE', stats_id: 's1', campaign_id: { x: 1 }, sent_message: 'nope', is_sender_originated_bounce: 'true', to_email: 5 })
    expect(p.ok && p.event).toMatchObject({ type: 'bounce', campaignId: null, leadEmail: null, messageId: null, bounceKind: 'sender', key: 'EMAIL_BOUNCE:s1' })
  })
})

describe('classifyBounce', () => {
  it.each([
    [false, '550 5.1.1 The email account that you tried to reach does not exist.', 'hard', '5.1.1'],
    [false, '452 4.2.2 The email account that you tried to reach is over quota.', 'soft', '4.2.2'],
    [false, '4.4.1 timeout, then 5.4.4 unrouteable', 'hard', '5.4.4'],
    [false, 'Delivery failed', 'hard', null],
    [false, null, 'hard', null],
    [true, '535 5.7.8 Username and Password not accepted', 'sender', '5.7.8'],
    [true, null, 'sender', null],
  ])('sender-originated %s, %s → %s', (sender, text, kind, smtpStatus) => {
    expect(classifyBounce(sender, text)).toEqual({ kind, smtpStatus })
  })
})

describe('policy', () => {
  it('has documented defaults and refuses a batch over 100', () => {
    expect(DEFAULT_SMARTLEAD_POLICY).toEqual({
      requestsPerMinute: 60,
      batchSize: 100,
      gateCheckMaxAgeSeconds: 60,
      gateCheckEveryBatches: 25,
      requireImap: false,
      assumeRoomWhenSentTodayUnknown: false,
    })
    expect(smartleadPolicySchema.safeParse({ batchSize: 101 }).success).toBe(false)
    expect(smartleadPolicySchema.parse({ requestsPerMinute: 120 }).requestsPerMinute).toBe(120)
  })
})

describe('fixtures', () => {
  it('every file in fixtures/smartlead is used by a table above', () => {
    expect(readdirSync(FIXTURES).filter((f) => !USED.has(f))).toEqual([])
  })
})
