import { stampAuditEvent, type AuditEvent, type NewAuditEvent } from '../domain/audit'
import type { Campaign, Domain, Lead, Mailbox, RoutingRule } from '../domain/entities'
import { leadIdFor } from '../domain/lead-id'
import { pickOne, seededRandom } from '../domain/random'
import { route } from '../domain/routing'
import type { Clock, IdSource } from './ports'

/** What the demo seed writes through; each write carries its audit event (and counters) atomically. */
export interface SeedStores {
  claimSeed(): Promise<boolean>
  insertDomain(domain: Domain, event: AuditEvent): Promise<void>
  insertMailbox(mailbox: Mailbox, event: AuditEvent): Promise<void>
  insertCampaign(campaign: Campaign, event: AuditEvent): Promise<void>
  saveRules(rules: RoutingRule[], expectedVersion: number, event: AuditEvent): Promise<'saved' | 'conflict'>
  insertLead(lead: Lead, event: AuditEvent): Promise<'created' | 'duplicate'>
}

export interface SeedDeps {
  stores: SeedStores
  clock: Clock
  ids: IdSource
}

const FIRST = ['Anita', 'Rahul', 'Priya', 'Vikram', 'Sneha', 'Arjun', 'Kavya', 'Rohan', 'Meera', 'Aditya', 'Divya', 'Karthik', 'Lakshmi', 'Nikhil', 'Pooja', 'Sanjay']
const LAST = ['Sharma', 'Iyer', 'Reddy', 'Patel', 'Nair', 'Gupta', 'Menon', 'Rao', 'Kulkarni', 'Singh', 'Das', 'Bose']
const COMPANIES = ['Acme Fintech', 'Zenith Logistics', 'Orbit Health', 'Lotus Retail', 'Peak Analytics', 'Indus Cloud', 'Monsoon Foods', 'Saffron Labs']
const PERSONAS = ['founder', 'cto', 'cfo', 'vp sales', 'head of hr']

export interface SeedSummary {
  seeded: boolean
  leads: number
}

/**
 * A demo workspace so a newcomer sees a living app: 3 domains, 6 mailboxes, 3 campaigns (one through Smartlead), 3 rules and
 * `leadCount` leads, each with its audit history. Deterministic (seeded), and runs once per database.
 */
export async function seedDemo(deps: SeedDeps, leadCount = 300): Promise<SeedSummary> {
  if (!(await deps.stores.claimSeed())) return { seeded: false, leads: 0 }
  const random = seededRandom(20261121)
  const now = deps.clock.now()
  const actor = { type: 'system' as const, id: 'demo-seed' }
  const event = (e: Omit<NewAuditEvent, 'actor'>) => stampAuditEvent({ ...e, actor }, deps.ids.next(), deps.clock.now())

  const domains: Domain[] = [
    { id: 'mail.example.com', name: 'mail.example.com', status: 'healthy', pauseReason: null },
    { id: 'outreach.example.net', name: 'outreach.example.net', status: 'healthy', pauseReason: null },
    // The Smartlead demo campaign's email accounts send from here (see the local fake Smartlead).
    { id: 'outreach.drason-demo.test', name: 'outreach.drason-demo.test', status: 'healthy', pauseReason: null },
  ]
  for (const d of domains) {
    await deps.stores.insertDomain(d, event({ entityType: 'domain', entityId: d.id, action: 'created', sentence: `Added sending domain ${d.name}.` }))
  }
  const mailboxes: Mailbox[] = [
    ['anita@mail.example.com', 'Anita Sharma', 'mail.example.com'],
    ['rahul@mail.example.com', 'Rahul Iyer', 'mail.example.com'],
    ['priya@outreach.example.net', 'Priya Nair', 'outreach.example.net'],
    ['vikram@outreach.example.net', 'Vikram Rao', 'outreach.example.net'],
    // Smartlead's email accounts, mirrored so its webhooks' bounces count against the right mailbox.
    ['maya@outreach.drason-demo.test', 'Maya Iyer', 'outreach.drason-demo.test'],
    ['arjun@outreach.drason-demo.test', 'Arjun Rao', 'outreach.drason-demo.test'],
  ].map(([address, fromName, domainId]) => ({
    id: address!,
    address: address!,
    fromName: fromName!,
    domainId: domainId!,
    status: 'active',
    healthState: 'healthy',
    // 40 a day per mailbox: a conservative pace for mailboxes that are not freshly warmed.
    dailyCap: 40,
    pauseReason: null,
    lastActivityAt: null,
  }))
  for (const m of mailboxes) {
    await deps.stores.insertMailbox(m, event({ entityType: 'mailbox', entityId: m.id, action: 'created', sentence: `Added mailbox ${m.address} (${m.fromName}) on ${m.domainId}.` }))
  }
  const window = { days: [1, 2, 3, 4, 5], startHour: 9, endHour: 17, timeZone: 'Asia/Kolkata' }
  // The first demo campaign may send any day and hour, so Start visibly sends whenever someone tries it.
  const demoWindow = { days: [1, 2, 3, 4, 5, 6, 7], startHour: 0, endHour: 24, timeZone: 'Asia/Kolkata' }
  // The product default: mean 2 minutes, clamped to 1-3 minutes.
  const delay = { meanSeconds: 120, sdSeconds: 30, minSeconds: 60, maxSeconds: 180 }
  const campaigns: Campaign[] = [
    {
      id: 'founders-india',
      name: 'Founders — India SaaS',
      sender: { kind: 'ses' },
      status: 'draft',
      subjectTemplate: '{Quick question|A thought} for {{Company}}',
      bodyTemplate: '{Hi|Hello} {{FirstName|there}},\n\nI noticed {{Company}} is growing fast. {Worth a chat?|Open to a short call?}\n\nAnita',
      htmlTemplate: null,
      extraVariables: [],
      mailboxIds: ['anita@mail.example.com', 'rahul@mail.example.com'],
      dailyCap: 80,
      delay,
      window: demoWindow,
      pauseReason: null,
      createdAt: now.toISOString(),
    },
    {
      id: 'finance-leaders',
      name: 'Finance leaders',
      sender: { kind: 'ses' },
      status: 'draft',
      subjectTemplate: '{Closing the books|Month-end} at {{Company}}',
      bodyTemplate: '{Hi|Hello} {{FirstName|there}},\n\nHow long does month-end take at {{Company}}?\n\nPriya',
      htmlTemplate: null,
      extraVariables: [],
      mailboxIds: ['priya@outreach.example.net', 'vikram@outreach.example.net'],
      dailyCap: 60,
      delay,
      window,
      pauseReason: null,
      createdAt: now.toISOString(),
    },
    {
      // Sender mode `smartlead`: Drason gates and pushes leads; Smartlead campaign 3001 sends them.
      id: 'agencies-smartlead',
      name: 'Agencies — via Smartlead',
      sender: { kind: 'smartlead', externalId: '3001' },
      status: 'draft',
      subjectTemplate: 'Set in Smartlead',
      bodyTemplate: 'The sequence lives in Smartlead; Drason decides who enters it.',
      htmlTemplate: null,
      extraVariables: [],
      mailboxIds: ['maya@outreach.drason-demo.test', 'arjun@outreach.drason-demo.test'],
      dailyCap: 70,
      delay,
      window,
      pauseReason: null,
      createdAt: now.toISOString(),
    },
  ]
  for (const c of campaigns) {
    await deps.stores.insertCampaign(c, event({ entityType: 'campaign', entityId: c.id, action: 'created', sentence: `Created campaign "${c.name}" (draft) with ${c.mailboxIds.length} mailboxes.` }))
  }
  const rules: RoutingRule[] = [
    { id: 'rule-founders', name: 'Founders and CTOs, score 70+', enabled: true, conditions: [{ field: 'persona', op: 'one_of', values: ['founder', 'cto'] }, { field: 'lead_score', op: 'gte', value: 70 }], campaignId: 'founders-india' },
    { id: 'rule-finance', name: 'CFOs', enabled: true, conditions: [{ field: 'persona', op: 'equals', value: 'cfo' }], campaignId: 'finance-leaders' },
    { id: 'rule-founders-mid', name: 'Founders, score 50–69', enabled: true, conditions: [{ field: 'persona', op: 'equals', value: 'founder' }, { field: 'lead_score', op: 'between', min: 50, max: 69 }], campaignId: 'founders-india' },
  ]
  await deps.stores.saveRules(rules, 0, event({ entityType: 'rule', entityId: 'ruleset', action: 'rules_updated', sentence: `Set ${rules.length} routing rules.`, details: { after: rules } }))

  let created = 0
  for (let i = 0; i < leadCount; i++) {
    const first = pickOne(random, FIRST)
    const last = pickOne(random, LAST)
    const company = pickOne(random, COMPANIES)
    const persona = pickOne(random, PERSONAS)
    const leadScore = 30 + Math.floor(random() * 70)
    const decision = route(rules, { persona, leadScore })
    const campaignId = decision.matched ? decision.campaignId : null
    const email = `${first}.${last}.${i}@${company.toLowerCase().replace(/[^a-z]+/g, '')}.example.com`.toLowerCase()
    const lead: Lead = {
      // As every intake path does: the id is the address's, so the demo leads are found by address too.
      id: leadIdFor(email),
      email,
      fullName: `${first} ${last}`,
      firstName: first,
      firstNameConfidence: 1,
      company,
      persona,
      leadScore,
      source: i % 3 === 0 ? 'csv' : 'clay',
      enrichment: {},
      status: 'held',
      healthState: 'healthy',
      campaignId,
      // The execution gate arrives with the send loop; until then routed leads wait for it.
      holdReason: campaignId ? 'awaiting gate' : 'no routing rule matched',
      createdAt: new Date(now.getTime() - (leadCount - i) * 60_000).toISOString(),
    }
    const result = await deps.stores.insertLead(
      lead,
      event({
        entityType: 'lead',
        entityId: lead.id,
        action: 'ingested',
        sentence: campaignId
          ? `Took in ${email} from ${lead.source}; routed to ${campaignId}, held: awaiting gate.`
          : `Took in ${email} from ${lead.source}; held: no routing rule matched.`,
      }),
    )
    if (result === 'created') created++
  }
  return { seeded: true, leads: created }
}
