// The server adapter only: the package index also loads its Arc session storage, which pulls a second,
// older @architect/functions (and aws-lite) into every cold start although Drason keeps its own sessions.
import { createRequestHandler } from '@remix-run/architect/dist/server.js'
import { config } from '../../shared/config.server'
// The Remix server build is produced by `npm run build` (vite) before the handlers are bundled.
// @ts-ignore -- generated JavaScript without type declarations
import * as build from '../../../build/server/index.js'

// Validate the environment at cold start: a missing secret stops this function with a message naming it.
config()

export const handler = createRequestHandler({
  build,
  mode: process.env.NODE_ENV,
  // The client address feeds the login rate limit; API Gateway gives it outside the headers.
  getLoadContext: (event) => ({ clientIp: event.requestContext?.http?.sourceIp ?? 'unknown' }),
})
