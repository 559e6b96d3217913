import type { AuditEvent } from '../../src/shared/domain/audit'
import type { Lead } from '../../src/shared/domain/entities'

/** A held lead with plain defaults; tests override what they are about. */
export function testLead(id: string, overrides: Partial<Lead> = {}): Lead {
  return {
    id,
    email: `${id}@acme.example.com`,
    fullName: 'Priya Sharma',
    firstName: 'Priya',
    firstNameConfidence: 0.9,
    company: 'Acme',
    persona: 'founder',
    leadScore: 90,
    source: 'manual',
    enrichment: {},
    status: 'held',
    healthState: 'healthy',
    campaignId: null,
    holdReason: 'awaiting gate',
    createdAt: new Date().toISOString(),
    ...overrides,
  }
}

/** The audit event a test writes along with the entity it sets up. */
export function setupEvent(entityType: AuditEvent['entityType'], entityId: string, at = new Date().toISOString()): AuditEvent {
  return { id: `setup-${entityType}-${entityId}`, at, actor: { type: 'system', id: 'test' }, entityType, entityId, action: 'created', sentence: `Set up ${entityType} ${entityId} by a test.` }
}
