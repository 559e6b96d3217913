import { getFormProps, getInputProps, useForm, type FieldMetadata } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import * as z from 'zod'
import { ROLES } from '../../src/shared/domain/entities'
import { DEFAULT_SETTINGS, settingsSchema } from '../../src/shared/domain/settings'
import { SETTING_LABELS } from '../../src/shared/domain/settings-labels'
import { addUser } from '../../src/shared/services/auth'
import { updateSettings } from '../../src/shared/services/settings'
import { Button, ErrorList, Field } from '../components/forms'
import { Card, PageTitle } from '../components/ui'
import { requireAdmin, requireUser } from '../lib/session.server'

export const meta: MetaFunction = () => [{ title: 'Settings · Drason' }]

const settingsForm = settingsSchema.extend({ intent: z.literal('settings'), version: z.coerce.number().int().min(0) })
const userForm = z.object({
  intent: z.literal('user'),
  email: z.string({ error: 'Enter an email address.' }).trim().email('Enter a valid email address.'),
  role: z.enum(ROLES, { error: 'Choose admin or viewer.' }),
  password: z.string({ error: 'Enter a password.' }).min(12, 'Use at least 12 characters.').max(1024),
})
const anyForm = z.discriminatedUnion('intent', [settingsForm, userForm])

export async function loader({ request }: LoaderFunctionArgs) {
  const { deps, canChange } = await requireUser(request)
  const [{ settings, version }, users] = await Promise.all([deps.settingsStore.get(), deps.users.list()])
  return json({ settings, version, users, canChange })
}

export async function action({ request }: ActionFunctionArgs) {
  const { deps, actor } = await requireAdmin(request)
  const formData = await request.formData()
  const submission = parseWithZod(formData, { schema: anyForm })
  const intent = formData.get('intent') === 'user' ? 'user' : 'settings'
  if (submission.status !== 'success') return json({ intent, result: submission.reply({ hideFields: ['password'] }) }, { status: 400 })
  const value = submission.value
  if (value.intent === 'user') {
    const added = await addUser(deps, actor, { email: value.email, role: value.role, password: value.password })
    if (!added.ok) return json({ intent, result: submission.reply({ formErrors: [added.message], hideFields: ['password'] }) }, { status: 409 })
    return json({ intent, result: submission.reply({ resetForm: true }) })
  }
  const { intent: _intent, version, ...patch } = value
  const updated = await updateSettings(deps, actor, patch, version)
  if (!updated.ok) return json({ intent, result: submission.reply({ formErrors: updated.errors }) }, { status: updated.status })
  return json({ intent, result: submission.reply() })
}

type Section = keyof typeof DEFAULT_SETTINGS

const LABELS: Record<Section, string> = {
  mailbox: 'Mailbox health',
  campaign: 'Campaign escalation',
  domain: 'Domain escalation',
  account: 'Account-wide brake',
  sending: 'Sending',
  security: 'Security',
}

/**
 * The setting's name (as the API and the audit log spell it) and its default as a person reads it: rates
 * and shares are fractions, so their percentage is said too.
 */
function defaultHint(key: string, def: number): string {
  return `${key} · ${/(Rate|Share)$/.test(key) ? `a fraction; default ${def} (${+(def * 100).toFixed(4)}%)` : `default ${def}`}`
}

const labelOf = (section: Section, key: string): string => (SETTING_LABELS[section] as Record<string, string>)[key] ?? key

export default function Settings() {
  const { settings, version, users, canChange } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [form, fields] = useForm({
    id: 'settings',
    lastResult: actionData?.intent === 'settings' ? actionData.result : undefined,
    defaultValue: { ...settings, intent: 'settings', version: String(version) },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: settingsForm }),
    shouldValidate: 'onBlur',
  })
  const [userFormMeta, userFields] = useForm({
    id: 'user',
    lastResult: actionData?.intent === 'user' ? actionData.result : undefined,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: userForm }),
    shouldValidate: 'onBlur',
  })
  const saved = actionData?.intent === 'settings' && actionData.result.status === 'success'
  return (
    <>
      <PageTitle subtitle="Every threshold Drason acts on, with its default. Changes are audited with before and after.">Settings</PageTitle>
      {!canChange ? <p className="mb-4 rounded bg-amber-50 p-3 text-sm text-amber-900">You are a viewer: you can read the settings but not change them.</p> : null}
      <Form method="post" {...getFormProps(form)} className="space-y-4">
        <input type="hidden" name="intent" value="settings" />
        <input type="hidden" name="version" value={version} />
        <fieldset disabled={!canChange} className="grid gap-4 md:grid-cols-2">
          {(Object.keys(DEFAULT_SETTINGS) as Section[]).map((section) => {
            const sectionFields = fields[section].getFieldset()
            return (
              <Card key={section} title={LABELS[section]}>
                <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
                  {Object.entries(DEFAULT_SETTINGS[section]).map(([key, def]) => {
                    // The settings schema is walked generically here; every key has a numeric or boolean field.
                    const meta = (sectionFields as unknown as Record<string, FieldMetadata<unknown>>)[key]!
                    if (typeof def === 'boolean') {
                      return (
                        <label key={key} className="flex items-center gap-2 text-sm">
                          <input {...getInputProps(meta, { type: 'checkbox' })} key={meta.key} />
                          {labelOf(section, key)}{' '}
                          <span className="text-xs text-slate-500">
                            ({key} · default {def ? 'on' : 'off'})
                          </span>
                        </label>
                      )
                    }
                    return (
                      <Field
                        key={key}
                        label={labelOf(section, key)}
                        hint={defaultHint(key, def)}
                        errorId={meta.errorId}
                        errors={meta.errors}
                        inputProps={{ ...getInputProps(meta, { type: 'text' }), inputMode: 'decimal' }}
                      />
                    )
                  })}
                </div>
              </Card>
            )
          })}
        </fieldset>
        <ErrorList id={form.errorId} errors={form.errors} />
        {saved ? (
          <p role="status" className="text-sm text-emerald-700">
            Settings saved.
          </p>
        ) : null}
        {canChange ? <Button type="submit">Save settings</Button> : null}
      </Form>

      <div className="mt-8">
        <Card title="People">
          <ul className="mb-4 divide-y divide-slate-100 text-sm" data-testid="users">
            {users.map((u) => (
              <li key={u.email} className="flex justify-between py-1">
                <span>{u.email}</span>
                <span className="uppercase text-slate-500">{u.role}</span>
              </li>
            ))}
          </ul>
          {canChange ? (
            <Form method="post" {...getFormProps(userFormMeta)} className="grid gap-3 md:grid-cols-4">
              <input type="hidden" name="intent" value="user" />
              <Field label="Email" errorId={userFields.email.errorId} errors={userFields.email.errors} inputProps={getInputProps(userFields.email, { type: 'email' })} />
              <div>
                <label htmlFor={userFields.role.id} className="block text-sm font-medium text-slate-700">
                  Role
                </label>
                <select id={userFields.role.id} name={userFields.role.name} defaultValue="viewer" className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2">
                  <option value="viewer">viewer</option>
                  <option value="admin">admin</option>
                </select>
                <ErrorList id={userFields.role.errorId} errors={userFields.role.errors} />
              </div>
              <Field
                label="Password"
                errorId={userFields.password.errorId}
                errors={userFields.password.errors}
                inputProps={{ ...getInputProps(userFields.password, { type: 'password' }), autoComplete: 'new-password' }}
              />
              <div className="flex items-end">
                <Button type="submit">Add person</Button>
              </div>
              <div className="md:col-span-4">
                <ErrorList id={userFormMeta.errorId} errors={userFormMeta.errors} />
              </div>
            </Form>
          ) : null}
        </Card>
      </div>
    </>
  )
}
