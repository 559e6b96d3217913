import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import * as z from 'zod'
import { listUnknownSends, settleUnknownSend } from '../../src/shared/services/unknown-sends'
import { Flash } from '../components/confirm'
import { ErrorList } from '../components/forms'
import { PageTitle, Pager, Table } from '../components/ui'
import { requireAdmin, requireUser } from '../lib/session.server'

export const meta: MetaFunction = () => [{ title: 'Unknown sends · Drason' }]

const PAGE_SIZE = 50

const ref = { campaignId: z.string().min(1).max(200), leadId: z.string().min(1).max(200), sendId: z.string().min(1).max(200) }
const note = z.string().trim().max(500, 'At most 500 characters.').optional()
// An SES MessageId as the console, the raw headers (`<id@email.amazonses.com>`) or a bounce show it.
const messageId = z
  .string({ error: 'Enter the MessageId SES gave the email.' })
  .trim()
  .transform((v) => v.replace(/^<|>$/g, '').replace(/@.*$/, ''))
  .pipe(z.string().regex(/^[A-Za-z0-9-]{20,100}$/, 'That is not an SES MessageId (letters, digits and dashes, like 0100018c2f9e6c71-…-000000).'))
const settleForm = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('sent'), ...ref, messageId, note }),
  z.object({ intent: z.literal('not_sent'), ...ref, note }),
])

export async function loader({ request }: LoaderFunctionArgs) {
  const { deps, canChange } = await requireUser(request)
  const cursor = z.string().max(2048).optional().catch(undefined).parse(new URL(request.url).searchParams.get('cursor') ?? undefined)
  const page = await listUnknownSends(deps, PAGE_SIZE, cursor)
  return json({ ...page, canChange })
}

type Answer = { flash: string | null; error: { sendId: string; message: string } | null }

export async function action({ request }: ActionFunctionArgs) {
  const { deps, actor } = await requireAdmin(request)
  const form = Object.fromEntries(await request.formData())
  const parsed = settleForm.safeParse(form)
  if (!parsed.success) {
    const message = parsed.error.issues.map((i) => i.message).join(' ')
    return json<Answer>({ flash: null, error: { sendId: String(form.sendId ?? ''), message } }, { status: 400 })
  }
  const v = parsed.data
  const done = await settleUnknownSend(deps, actor, v, v.intent === 'sent' ? { outcome: 'sent', messageId: v.messageId, note: v.note } : { outcome: 'not_sent', note: v.note })
  if (!done.ok) return json<Answer>({ flash: null, error: { sendId: v.sendId, message: done.message } }, { status: done.status })
  const flash = done.state === 'sent' ? 'Recorded as sent with its MessageId, and counted.' : 'Recorded as not sent; the lead is not retried in that campaign.'
  return json<Answer>({ flash, error: null })
}

/** Which send a settle form is about: the three keys the action checks against the stored send. */
function SendRef({ send }: { send: { campaignId: string; leadId: string; sendId: string } }) {
  return (
    <>
      <input type="hidden" name="campaignId" value={send.campaignId} />
      <input type="hidden" name="leadId" value={send.leadId} />
      <input type="hidden" name="sendId" value={send.sendId} />
    </>
  )
}

export default function UnknownSends() {
  const { items, nextCursor, canChange } = useLoaderData<typeof loader>()
  const answer = useActionData<typeof action>()
  const [params] = useSearchParams()
  return (
    <>
      <PageTitle subtitle="Sends SES may or may not have taken (a timeout or a crash at the moment of sending). Drason never resends them blindly; SES's Send event settles most within minutes, and a person settles the rest.">
        Unknown sends
      </PageTitle>
      {answer?.flash ? <Flash message={answer.flash} /> : null}
      <p className="mb-4 text-sm text-slate-600">
        To settle one, look the email up: the SES console&apos;s message search or the sending mailbox&apos;s Sent folder. If it went out, paste its MessageId (it is then counted as sent); if it did not, record
        that (the lead stays unsent and is not retried in that campaign). Either is written to the lead&apos;s history with your name.
      </p>
      <Table head={['Lead', 'Campaign', 'Mailbox', 'Claimed', 'Why unknown', ...(canChange ? ['Settle'] : [])]} empty={items.length === 0}>
        {items.map((s) => (
          <tr key={s.sendId} data-testid={`unknown-${s.sendId}`} className="align-top">
            <td className="px-3 py-2 font-mono text-xs">
              <Link to={`/leads/${encodeURIComponent(s.leadId)}`} className="text-indigo-700 underline">
                {s.email}
              </Link>
            </td>
            <td className="px-3 py-2">
              <Link to={`/campaigns/${encodeURIComponent(s.campaignId)}`} className="underline">
                {s.campaignName}
              </Link>
            </td>
            <td className="px-3 py-2 font-mono text-xs">{s.mailbox ?? '—'}</td>
            <td className="whitespace-nowrap px-3 py-2 text-slate-600">{s.claimedAt.replace('T', ' ').slice(0, 16)} UTC</td>
            <td className="px-3 py-2">{s.reason}</td>
            {canChange ? (
              <td className="space-y-2 px-3 py-2">
                <Form method="post" className="flex flex-wrap items-end gap-2">
                  <SendRef send={s} />
                  <label className="text-xs">
                    SES MessageId
                    <input name="messageId" aria-label={`MessageId for ${s.email}`} className="mt-1 block w-56 rounded border border-slate-300 px-2 py-1 font-mono text-xs" />
                  </label>
                  <button type="submit" name="intent" value="sent" className="rounded bg-emerald-700 px-2 py-1 text-xs font-semibold text-white">
                    It went out
                  </button>
                </Form>
                <Form method="post">
                  <SendRef send={s} />
                  <button type="submit" name="intent" value="not_sent" className="rounded px-2 py-1 text-xs ring-1 ring-slate-300 hover:bg-slate-100">
                    It did not go out
                  </button>
                </Form>
                {answer?.error?.sendId === s.sendId ? <ErrorList errors={[answer.error.message]} /> : null}
              </td>
            ) : null}
          </tr>
        ))}
      </Table>
      {answer?.error && !items.some((s) => s.sendId === answer.error!.sendId) ? <ErrorList errors={[answer.error.message]} /> : null}
      <Pager newestTo={params.get('cursor') ? '.' : null} olderTo={nextCursor ? `?cursor=${encodeURIComponent(nextCursor)}` : null} olderLabel="More" />
    </>
  )
}
