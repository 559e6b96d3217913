import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { appDeps } from '../../src/shared/composition.server'
import { unsubscribe, unsubscribeTarget } from '../../src/shared/services/unsubscribe'

export const meta: MetaFunction = () => [{ title: 'Unsubscribe' }, { name: 'robots', content: 'noindex' }]

// No login: the signed token is the credential. GET only shows a page (link scanners follow GETs);
// the POST, from the button or a mail client's one-click (RFC 8058), suppresses the address.
export async function loader({ params }: LoaderFunctionArgs) {
  const lead = await unsubscribeTarget(await appDeps(), params.token ?? '')
  if (!lead) throw new Response('Not found', { status: 404 })
  const [local, domain] = lead.email.split('@') as [string, string]
  return json({ masked: `${local.slice(0, 2)}…@${domain}` })
}

export async function action({ params }: ActionFunctionArgs) {
  const result = await unsubscribe(await appDeps(), params.token ?? '')
  if (result === 'invalid') throw new Response('Not found', { status: 404 })
  return json({ done: true })
}

export default function Unsubscribe() {
  const { masked } = useLoaderData<typeof loader>()
  const done = useActionData<typeof action>()?.done
  return (
    <main className="mx-auto max-w-md p-8">
      <h1 className="text-2xl font-bold">Unsubscribe</h1>
      {done ? (
        <p className="mt-4" role="status">
          {`Done: ${masked} will not receive any more emails from us.`}
        </p>
      ) : (
        <Form method="post" className="mt-4 space-y-4">
          <p>{`Stop all emails to ${masked}?`}</p>
          <button type="submit" className="rounded-md bg-slate-800 px-4 py-2 text-white">
            Unsubscribe
          </button>
        </Form>
      )}
    </main>
  )
}
