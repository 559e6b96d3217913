// esbuild options for every Lambda bundle (read by @architect/plugin-typescript and by bench/).
// Why each entry:
// - `aws-sdk` v2 is not used; `@aws-sdk/client-{ssm,sns,sqs,apigatewaymanagementapi}` are optional
//   requires inside @architect/functions (it uses aws-lite) that we never call. Marking them external
//   keeps them out of the bundle; the Lambda runtime would provide them if ever reached.
// - `undici` and `@remix-run/web-fetch` are only required inside @remix-run/node's installGlobals(),
//   which Drason never calls: Node 22 has fetch, Request and Response built in. Bundling them cost
//   ~490 KB of every Remix cold start.
// - NODE_ENV is defined as "production" so React's production build ships (6.3 MB -> 2.3 MB measured).
// - minify shrinks what every cold start parses.
module.exports = {
  external: [
    'aws-sdk',
    'aws-sdk/*',
    '@aws-sdk/client-ssm',
    '@aws-sdk/client-sns',
    '@aws-sdk/client-sqs',
    '@aws-sdk/client-apigatewaymanagementapi',
    'undici',
    '@remix-run/web-fetch',
  ],
  define: { 'process.env.NODE_ENV': '"production"' },
  minify: true,
  target: 'node22',
  legalComments: 'none',
  logLevel: 'error',
}
