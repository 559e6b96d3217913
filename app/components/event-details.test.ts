// A .ts file (createElement, no JSX): the unit project collects `app/**/*.test.ts`.
import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import { EventDetails } from './event-details'

const render = (event: Parameters<typeof EventDetails>[0]['event']) => renderToStaticMarkup(createElement(EventDetails, { event }))

describe('EventDetails', () => {
  it('renders nothing for an event with no details or signals', () => {
    expect(render({})).toBe('')
    expect(render({ details: {}, signals: [] })).toBe('')
  })

  it("shows a send's MessageId, the email as written (line breaks kept) and the verifier's raw answer", () => {
    const html = render({
      details: {
        messageId: '0100018c-abc-000000',
        variant: { subject: 'Quick question for Acme', text: 'Hi Priya,\nA short note.\n— Anita' },
        verifier: { Address: 'priya@acme.example', Status: 'Valid' },
      },
    })
    expect(html).toContain('<summary class="cursor-pointer text-indigo-700">Details</summary>')
    expect(html).toMatch(/<dt[^>]*>SES MessageId<\/dt><dd[^>]*><span[^>]*>0100018c-abc-000000<\/span>/)
    // The variant unfolds one level: its subject and text under readable names, the text in a <pre>.
    expect(html).toMatch(/<dt[^>]*>Subject<\/dt><dd[^>]*><span[^>]*>Quick question for Acme<\/span>/)
    expect(html).toContain('>Hi Priya,\nA short note.\n— Anita</pre>')
    expect(html).toMatch(/<dt[^>]*>Verifier&#x27;s answer<\/dt><dd[^>]*><dl[^>]*>.*<dt[^>]*>Status<\/dt><dd[^>]*><span[^>]*>Valid<\/span>/)
  })

  it('lists the signals of a pause first, and escapes whatever a detail holds', () => {
    const html = render({ signals: ['hard_bounce_rate', 'domain_paused'], details: { note: '<script>alert(1)</script>' } })
    expect(html.indexOf('hard_bounce_rate, domain_paused')).toBeLessThan(html.indexOf('note'))
    expect(html).not.toContain('<script>')
    expect(html).toContain('&lt;script&gt;')
  })

  it('shows a before and after (a rule change) as JSON beyond the first level', () => {
    const html = render({ details: { before: [{ id: 'r1', enabled: true }], after: [{ id: 'r1', enabled: false }] } })
    expect(html).toMatch(/<dt[^>]*>Before<\/dt><dd[^>]*><pre[^>]*>\[\n {2}\{\n {4}&quot;id&quot;: &quot;r1&quot;,\n {4}&quot;enabled&quot;: true/)
    expect(html).toMatch(/<dt[^>]*>After<\/dt>/)
  })
})
