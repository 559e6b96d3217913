import type { LoaderFunctionArgs } from '@remix-run/node'
import { toErrorReportCsv } from '../../src/shared/domain/error-report'
import { requireUser } from '../lib/session.server'

/** The per-row error report, safe to open in a spreadsheet (formula-like cells are neutralised). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { deps } = await requireUser(request)
  const job = await deps.imports.get(params.id ?? '')
  if (!job) throw new Response('Not found', { status: 404 })
  const csv = toErrorReportCsv(await deps.imports.errors(job.id))
  const name = job.fileName.replace(/\.[^.]+$/, '').replace(/[^\w.-]+/g, '_').slice(0, 80) || 'import'
  return new Response(csv, {
    headers: {
      // Sent as bytes: the Lambda adapter decodes text responses with TextDecoder, which drops the BOM
      // that makes Excel read the report as UTF-8. The .csv file name tells the browser what it is.
      'content-type': 'application/octet-stream',
      'content-disposition': `attachment; filename="${name}-errors.csv"`,
      'cache-control': 'no-store',
    },
  })
}
