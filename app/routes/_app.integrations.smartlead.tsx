import type { ActionFunctionArgs } from '@remix-run/node'
import { redirect } from '@remix-run/node'
import { resumeSmartleadIntegration } from '../../src/shared/services/smartlead-sender'
import { requireAdmin, requireUser } from '../lib/session.server'

// Only the banner's form posts here; a visit goes back to the Overview.
export async function loader({ request }: ActionFunctionArgs) {
  await requireUser(request)
  return redirect('/')
}

export async function action({ request }: ActionFunctionArgs) {
  const { deps, actor } = await requireAdmin(request)
  await resumeSmartleadIntegration({ integration: deps.smartleadIntegration, clock: deps.clock, ids: deps.ids }, actor)
  return redirect(new URL(request.headers.get('referer') ?? '/', 'http://x').pathname || '/')
}
