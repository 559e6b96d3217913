'use strict'
// One cold start: this runs in a fresh `node` process, loads one bundle and answers one invocation, like
// a Lambda init followed by its first event. Plain CommonJS so nothing (tsx, a loader) runs before it.
// Usage: node cold-child.cjs <bundle.js> <event JSON>
const { writeSync } = require('node:fs')

const MARK = '@@bench-result@@'
const [bundle, eventJson] = process.argv.slice(2)
const event = JSON.parse(eventJson)
const context = {
  functionName: 'bench',
  functionVersion: '$LATEST',
  memoryLimitInMB: '512',
  awsRequestId: 'bench-request',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:bench',
  logGroupName: '/aws/lambda/bench',
  logStreamName: 'bench',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 30_000,
}

function report(payload, code) {
  // Synchronous write: the process exits right after, and an async write could be lost.
  writeSync(code === 0 ? 1 : 2, `\n${MARK}${JSON.stringify(payload)}\n`)
  // Exit at once: some handlers leave timers behind (the Remix render's abort timer runs 5 s), which a
  // Lambda freezes but which would keep this process alive and inflate the wall time.
  process.exit(code)
}

const t0 = process.hrtime.bigint()
let mod
try {
  mod = require(bundle)
} catch (err) {
  report({ error: `require failed: ${err && err.stack ? err.stack : err}` }, 1)
}
const t1 = process.hrtime.bigint()
Promise.resolve()
  .then(() => mod.handler(event, context))
  .then(
    (result) => {
      const t2 = process.hrtime.bigint()
      // A bundle must be self-contained: anything loaded from node_modules beside it would not exist in
      // the Lambda (the only files there are the bundle's), and its load time would be hidden here.
      const leaked = Object.keys(require.cache).filter((k) => k !== bundle && k !== __filename)
      report(
        {
          loadMs: Number(t1 - t0) / 1e6,
          invokeMs: Number(t2 - t1) / 1e6,
          totalMs: Number(t2 - t0) / 1e6,
          leaked,
          result: result === undefined ? null : result,
        },
        0,
      )
    },
    (err) => report({ error: `handler threw: ${err && err.stack ? err.stack : err}` }, 1),
  )
