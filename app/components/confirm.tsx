import { Form, Link } from '@remix-run/react'

/**
 * The confirmation step of a reversible action (resume a mailbox, a domain, a campaign, all sending):
 * a page state reached by a link (`?resume=…`), so it works without JavaScript and can be bookmarked or
 * cancelled by going back. It says what will happen, shows any warning before the person commits, and
 * posts the hidden fields to `action` (the page's own path, so the step is gone after the post).
 */
export function ConfirmStep({
  title,
  children,
  warning,
  action,
  fields,
  confirmLabel,
  cancelTo,
}: {
  title: string
  children: React.ReactNode
  warning: string | null
  action: string
  fields: Record<string, string>
  confirmLabel: string
  cancelTo: string
}) {
  return (
    <section aria-labelledby="confirm-title" className="mb-6 rounded-lg bg-white p-4 shadow-sm ring-2 ring-indigo-300" data-testid="confirm-step">
      <h2 id="confirm-title" className="mb-2 font-semibold">
        {title}
      </h2>
      <div className="space-y-2 text-sm text-slate-700">{children}</div>
      {warning ? <WarningBox>{warning}</WarningBox> : null}
      <Form method="post" action={action} className="mt-4 flex items-center gap-4">
        {Object.entries(fields).map(([name, value]) => (
          <input key={name} type="hidden" name={name} value={value} />
        ))}
        <button type="submit" className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500">
          {confirmLabel}
        </button>
        <Link to={cancelTo} className="text-sm underline">
          Cancel
        </Link>
      </Form>
    </section>
  )
}

/** The cause of a pause is still present: said before the person confirms, and again afterwards. */
export function WarningBox({ children }: { children: React.ReactNode }) {
  return (
    <p className="mt-3 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900" data-testid="resume-warning">
      <strong className="font-semibold">Warning: </strong>
      {children}
    </p>
  )
}

/** What a completed action did, shown once on the page the action answered. */
export function Flash({ message, warning }: { message: string; warning?: string | null }) {
  return (
    <div role="status" className="mb-4 rounded-md border border-emerald-300 bg-emerald-50 p-3 text-sm text-emerald-900" data-testid="flash">
      <p>{message}</p>
      {warning ? <WarningBox>{warning}</WarningBox> : null}
    </div>
  )
}

/** A red banner for what stops all sending. */
export function AlertBanner({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section role="alert" aria-label={title} className="mb-6 rounded-lg border border-red-300 bg-red-50 p-4 text-red-900" data-testid="alert-banner">
      <h2 className="font-semibold">{title}</h2>
      <div className="mt-1 space-y-2 text-sm">{children}</div>
    </section>
  )
}
