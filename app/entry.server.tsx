import { PassThrough } from 'node:stream'
import type { EntryContext } from '@remix-run/node'
import { createReadableStreamFromReadable } from '@remix-run/node'
import { RemixServer } from '@remix-run/react'
import { renderToPipeableStream } from 'react-dom/server'

const ABORT_DELAY = 5_000

/**
 * Server rendering waits for the whole document (onAllReady) for every client: the admin UI has no
 * streaming content, and one code path is simpler than sniffing bots.
 */
export default function handleRequest(request: Request, status: number, headers: Headers, context: EntryContext) {
  return new Promise<Response>((resolve, reject) => {
    let failed = false
    const { pipe, abort } = renderToPipeableStream(<RemixServer context={context} url={request.url} abortDelay={ABORT_DELAY} />, {
      onAllReady() {
        const body = new PassThrough()
        headers.set('Content-Type', 'text/html; charset=utf-8')
        headers.set('X-Content-Type-Options', 'nosniff')
        headers.set('Referrer-Policy', 'same-origin')
        headers.set('X-Frame-Options', 'DENY')
        resolve(new Response(createReadableStreamFromReadable(body), { headers, status: failed ? 500 : status }))
        pipe(body)
      },
      onShellError(error: unknown) {
        reject(error)
      },
      onError(error: unknown) {
        failed = true
        console.error(error)
      },
    })
    setTimeout(abort, ABORT_DELAY)
  })
}
