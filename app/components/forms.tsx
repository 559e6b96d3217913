import { Form } from '@remix-run/react'

/** Field and error components that wire aria-invalid / aria-describedby the same way on every form. */
export function ErrorList({ id, errors }: { id?: string; errors?: string[] | null }) {
  if (!errors?.length) return null
  return (
    <ul id={id} className="mt-1 space-y-1 text-sm text-red-700" role="alert">
      {errors.map((e) => (
        <li key={e}>{e}</li>
      ))}
    </ul>
  )
}

export function Field({
  label,
  inputProps,
  errors,
  errorId,
  hint,
}: {
  label: string
  inputProps: React.InputHTMLAttributes<HTMLInputElement> & { id: string; key?: string | undefined }
  errors?: string[] | undefined
  errorId: string
  hint?: string
}) {
  const { key, ...props } = inputProps
  return (
    <div>
      <label htmlFor={props.id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      <input
        key={key}
        {...props}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={errors?.length ? errorId : undefined}
        className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 shadow-sm focus:border-indigo-500 focus:ring-indigo-500 aria-[invalid]:border-red-500"
      />
      {hint ? <p className="mt-1 text-xs text-slate-500">{hint}</p> : null}
      <ErrorList id={errorId} errors={errors} />
    </div>
  )
}

export function Button({ children, ...props }: React.ButtonHTMLAttributes<HTMLButtonElement>) {
  return (
    <button
      {...props}
      className={`rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500 disabled:opacity-50 ${props.className ?? ''}`}
    >
      {children}
    </button>
  )
}

/** A one-field GET form that looks one thing up (a lead by address, a suppression): the answer is the page's. */
export function LookupForm({ name, label, button, defaultValue, placeholder, className = 'mb-4' }: { name: string; label: string; button: string; defaultValue: string; placeholder: string; className?: string }) {
  return (
    <Form method="get" className={`${className} flex flex-wrap items-end gap-2`} aria-label={label}>
      <label className="text-sm">
        {label}
        <input name={name} defaultValue={defaultValue} placeholder={placeholder} className="mt-1 block w-72 rounded border border-slate-300 px-2 py-1" />
      </label>
      <button type="submit" className="rounded-md bg-slate-800 px-3 py-1.5 text-sm text-white">
        {button}
      </button>
    </Form>
  )
}
