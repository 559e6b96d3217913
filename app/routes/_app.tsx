import type { LoaderFunctionArgs } from '@remix-run/node'
import { json } from '@remix-run/node'
import { Form, NavLink, Outlet, useLoaderData } from '@remix-run/react'
import { requireUser } from '../lib/session.server'

export async function loader({ request }: LoaderFunctionArgs) {
  const { user } = await requireUser(request)
  return json({ user })
}

const NAV = [
  { to: '/', label: 'Overview' },
  { to: '/leads', label: 'Leads' },
  { to: '/rules', label: 'Routing rules' },
  { to: '/campaigns', label: 'Campaigns' },
  { to: '/domains', label: 'Domains & mailboxes' },
  { to: '/audit', label: 'Audit log' },
  { to: '/settings', label: 'Settings' },
]

export default function AppLayout() {
  const { user } = useLoaderData<typeof loader>()
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
      <main className="mx-auto max-w-6xl px-4 py-6">
        <Outlet />
      </main>
    </div>
  )
}
