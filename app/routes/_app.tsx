import type { LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { Form, Link, NavLink, Outlet, useLoaderData, useLocation } from '@remix-run/react'
import { requireUser } from '../lib/session.server'

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, deps, canChange } = await requireUser(request)
  // Shown on every page: an integration that stopped working stops leads from moving, silently otherwise.
  // The account-wide brake too: with it engaged no campaign sends, though each keeps its own status. One item.
  const [smartlead, brake] = await Promise.all([deps.smartleadIntegration.get(), deps.account.brake()])
  return json({
    user,
    canChange,
    smartleadPaused: smartlead?.status === 'paused' ? (smartlead.reason ?? 'The Smartlead integration is paused.') : null,
    accountPaused: brake?.engaged ? brake.sentence.replace(/\.$/, '') : null,
  })
}

const NAV = [
  { to: '/', label: 'Overview' },
  { to: '/leads', label: 'Leads' },
  { to: '/rules', label: 'Routing rules' },
  { to: '/campaigns', label: 'Campaigns' },
  { to: '/domains', label: 'Domains & mailboxes' },
  { to: '/suppressions', label: 'Suppression list' },
  { to: '/audit', label: 'Audit log' },
  { to: '/settings', label: 'Settings' },
]

export default function AppLayout() {
  const { user, canChange, smartleadPaused, accountPaused } = useLoaderData<typeof loader>()
  // The Overview shows the brake in full, with its resume button; every other page gets one line.
  const onOverview = useLocation().pathname === '/'
  return (
    <div className="min-h-full">
      <header className="bg-slate-900 text-white">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-2 px-4 py-3">
          <span className="text-lg font-bold tracking-tight">Drason</span>
          <div className="flex items-center gap-3 text-sm">
            <span data-testid="whoami">
              {user.email} · <span className="uppercase text-slate-300">{user.role}</span>
            </span>
            <Form method="post" action="/logout">
              <button type="submit" className="rounded bg-slate-700 px-3 py-1 hover:bg-slate-600">
                Sign out
              </button>
            </Form>
          </div>
        </div>
        <nav aria-label="Main" className="mx-auto max-w-6xl overflow-x-auto px-2">
          <ul className="flex gap-1 whitespace-nowrap text-sm">
            {NAV.map((item) => (
              <li key={item.to}>
                <NavLink
                  to={item.to}
                  end={item.to === '/'}
                  className={({ isActive }) =>
                    `block rounded-t-md px-3 py-2 ${isActive ? 'bg-slate-50 text-slate-900' : 'text-slate-300 hover:text-white'}`
                  }
                >
                  {item.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      {accountPaused && !onOverview ? (
        <div role="alert" className="border-b border-red-300 bg-red-50" data-testid="account-brake-banner">
          <p className="mx-auto max-w-6xl px-4 py-2 text-sm font-semibold text-red-900">
            All sending is paused: {accountPaused} —{' '}
            <Link to="/" className="underline">
              Overview
            </Link>{' '}
            {canChange ? 'to resume' : 'for details (an admin can resume)'}
          </p>
        </div>
      ) : null}
      {smartleadPaused ? (
        <div role="alert" className="border-b border-red-300 bg-red-50">
          <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-3 px-4 py-3 text-sm text-red-900">
            <p>{smartleadPaused}</p>
            {canChange ? (
              <Form method="post" action="/integrations/smartlead">
                <button
                  type="submit"
                  className="rounded bg-red-700 px-3 py-1 text-white hover:bg-red-800"
                  onClick={(e) => {
                    // As every resume: the person sees what happens next before it does.
                    if (!window.confirm('Resume the Smartlead integration? Held leads are pushed to Smartlead again; if the cause above is still there (a key, an outage), it pauses again at the next failure.')) e.preventDefault()
                  }}
                >
                  Resume the Smartlead integration
                </button>
              </Form>
            ) : null}
          </div>
        </div>
      ) : null}
      <main className="mx-auto max-w-6xl px-4 py-6">
        <Outlet />
      </main>
    </div>
  )
}
