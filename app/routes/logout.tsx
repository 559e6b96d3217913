import type { ActionFunctionArgs } from '@remix-run/node'
import { redirect } from '@remix-run/node'
import { logout } from '../../src/shared/services/auth'
import { destroySessionCookie, requireUser } from '../lib/session.server'

export async function action({ request }: ActionFunctionArgs) {
  const viewer = await requireUser(request)
  await logout(viewer.deps, viewer.token, viewer.user)
  return redirect('/login', { headers: { 'Set-Cookie': await destroySessionCookie(viewer.deps) } })
}

// Signing out changes state, so it is a POST only; a GET (a prefetch, a link) goes home instead.
export async function loader() {
  return redirect('/')
}
