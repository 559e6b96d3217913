import type { LinksFunction, MetaFunction } from '@remix-run/node'
import { Links, Meta, Outlet, Scripts, ScrollRestoration, isRouteErrorResponse, useRouteError } from '@remix-run/react'
import stylesheet from './tailwind.css?url'

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: stylesheet },
  // Served from the static folder (under /_static/ in builds), so browsers do not ask the app for /favicon.ico.
  { rel: 'icon', type: 'image/svg+xml', href: `${import.meta.env.BASE_URL}favicon.svg` },
]
export const meta: MetaFunction = () => [{ title: 'Drason' }]

export function Layout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en" className="h-full bg-slate-50">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body className="h-full text-slate-900 antialiased">
        {children}
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  )
}

export default function App() {
  return <Outlet />
}

/** Every error a person sees is a plain page: never a stack trace or an internal message. */
export function ErrorBoundary() {
  const error = useRouteError()
  const status = isRouteErrorResponse(error) ? error.status : 500
  const title = status === 404 ? 'Page not found' : status === 403 ? 'Not allowed' : 'Something went wrong'
  const text =
    status === 404
      ? 'There is no page at this address.'
      : status === 403
        ? 'Your account can look at everything but change nothing. Ask an admin to make this change.'
        : 'The problem has been logged. Try again, or go back to the overview.'
  return (
    <main className="mx-auto max-w-xl p-8">
      <p className="text-sm font-semibold text-slate-500">{status}</p>
      <h1 className="mt-2 text-2xl font-bold">{title}</h1>
      <p className="mt-4 text-slate-700">{text}</p>
      <a href="/" className="mt-6 inline-block text-indigo-700 underline">
        Back to the overview
      </a>
    </main>
  )
}
