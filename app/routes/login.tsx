import { getFormProps, getInputProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json, redirect } from '@remix-run/node'
import { Form, useActionData, useSearchParams } from '@remix-run/react'
import * as z from 'zod'
import { Button, ErrorList, Field } from '../components/forms'
import { appDeps } from '../../src/shared/composition.server'
import { login, sessionUser } from '../../src/shared/services/auth'
import { commitSession, readSessionToken } from '../lib/session.server'
import { safeRedirectPath } from '../../src/shared/domain/auth'

export const meta: MetaFunction = () => [{ title: 'Sign in · Drason' }]

const schema = z.object({
  email: z.string({ error: 'Enter your email address.' }).trim().max(254).email('Enter a valid email address.'),
  password: z.string({ error: 'Enter your password.' }).min(1, 'Enter your password.').max(1024),
  redirectTo: z.string().optional(),
})

export async function loader({ request }: LoaderFunctionArgs) {
  const deps = await appDeps()
  if (await sessionUser(deps, await readSessionToken(deps, request))) return redirect('/')
  return null
}

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await request.formData()
  const submission = parseWithZod(formData, { schema })
  if (submission.status !== 'success') return json(submission.reply({ hideFields: ['password'] }), { status: 400 })
  const deps = await appDeps()
  const result = await login(deps, { email: submission.value.email, password: submission.value.password, client: context.clientIp ?? 'unknown' })
  if (!result.ok) {
    return json(submission.reply({ formErrors: [result.message], hideFields: ['password'] }), { status: result.reason === 'locked' ? 429 : 401 })
  }
  return redirect(safeRedirectPath(submission.value.redirectTo), {
    headers: { 'Set-Cookie': await commitSession(deps, result.sessionToken, result.expiresAt) },
  })
}

export default function Login() {
  const lastResult = useActionData<typeof action>()
  const [searchParams] = useSearchParams()
  const [form, fields] = useForm({
    lastResult,
    shouldValidate: 'onBlur',
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
  })
  return (
    <main className="flex min-h-full items-center justify-center p-6">
      <div className="w-full max-w-sm rounded-xl bg-white p-8 shadow">
        <h1 className="text-2xl font-bold">Drason</h1>
        <p className="mt-1 text-sm text-slate-600">Sign in to the control plane.</p>
        <Form method="post" className="mt-6 space-y-4" {...getFormProps(form)}>
          <input type="hidden" name="redirectTo" value={searchParams.get('redirectTo') ?? '/'} />
          <Field label="Email" errorId={fields.email.errorId} errors={fields.email.errors} inputProps={{ ...getInputProps(fields.email, { type: 'email' }), autoComplete: 'username' }} />
          <Field
            label="Password"
            errorId={fields.password.errorId}
            errors={fields.password.errors}
            inputProps={{ ...getInputProps(fields.password, { type: 'password' }), autoComplete: 'current-password' }}
          />
          <ErrorList id={form.errorId} errors={form.errors} />
          <Button type="submit" className="w-full">
            Sign in
          </Button>
        </Form>
      </div>
    </main>
  )
}
