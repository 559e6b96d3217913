/**
 * Unsubscribe tokens: `<lead id>.<campaign id>.<signature>` in base64url parts. The signature (HMAC,
 * computed by the caller's signer so the domain holds no secret and no crypto) makes tokens unguessable
 * and unforgeable; ids alone would let anyone unsubscribe anyone.
 */
export function unsubscribePayload(leadId: string, campaignId: string): string {
  return `${Buffer.from(leadId, 'utf8').toString('base64url')}.${Buffer.from(campaignId, 'utf8').toString('base64url')}`
}

export function parseUnsubscribeToken(token: string, verify: (payload: string, signature: string) => boolean): { leadId: string; campaignId: string } | null {
  const parts = token.split('.')
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]{1,200}$/.test(p))) return null
  const [lead, campaign, signature] = parts as [string, string, string]
  if (!verify(`${lead}.${campaign}`, signature)) return null
  return { leadId: Buffer.from(lead, 'base64url').toString('utf8'), campaignId: Buffer.from(campaign, 'base64url').toString('utf8') }
}
