import type { AuditEvent } from '../../src/shared/domain/audit'

// Readable names for the details sends and changes carry; anything else shows under its own key.
const LABELS: Record<string, string> = {
  messageId: 'SES MessageId',
  variant: 'Email sent',
  verifier: "Verifier's answer",
  processingMs: 'Processing time (ms)',
  before: 'Before',
  after: 'After',
  signals: 'Signals',
  subject: 'Subject',
  text: 'Text',
  html: 'HTML',
}

/** One value: text as written (line breaks kept), a small object as a nested list, the rest as JSON. */
function Value({ value, depth }: { value: unknown; depth: number }) {
  if (value === null || value === undefined) return <span className="text-slate-400">—</span>
  if (typeof value === 'string') {
    return value.includes('\n') || value.length > 120 ? <pre className="max-h-64 overflow-auto whitespace-pre-wrap break-words rounded bg-slate-50 p-2 text-xs">{value}</pre> : <span className="break-words">{value}</span>
  }
  if (typeof value !== 'object') return <span>{String(value)}</span>
  if (depth < 1 && !Array.isArray(value)) return <Fields details={value as Record<string, unknown>} depth={depth + 1} />
  return <pre className="max-h-64 overflow-auto whitespace-pre-wrap break-words rounded bg-slate-50 p-2 text-xs">{JSON.stringify(value, null, 2)}</pre>
}

function Fields({ details, depth }: { details: Record<string, unknown>; depth: number }) {
  return (
    <dl className="grid grid-cols-1 gap-x-3 gap-y-1 sm:grid-cols-[max-content_1fr]">
      {Object.entries(details).map(([key, value]) => (
        <div key={key} className="contents">
          <dt className="text-slate-500">{LABELS[key] ?? key}</dt>
          <dd className="min-w-0">
            <Value value={value} depth={depth} />
          </dd>
        </div>
      ))}
    </dl>
  )
}

/**
 * What an audit event carries beyond its sentence (the email actually sent, the verifier's raw answer, the
 * SES MessageId, a rule's before and after, the signals of a pause), folded away until asked for.
 */
export function EventDetails({ event }: { event: Pick<AuditEvent, 'details' | 'signals'> }) {
  const details = { ...(event.signals?.length ? { signals: event.signals.join(', ') } : {}), ...(event.details ?? {}) }
  if (Object.keys(details).length === 0) return null
  return (
    <details className="mt-1 text-xs" data-testid="event-details">
      <summary className="cursor-pointer text-indigo-700">Details</summary>
      <div className="mt-1">
        <Fields details={details} depth={0} />
      </div>
    </details>
  )
}
