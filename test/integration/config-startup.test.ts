import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

// The sandbox (started by the global setup) has compiled the handlers into .build/ exactly as deploys do.
const bundles = ['http/any-api-catchall/index.js', 'http/any-catchall/index.js'].map((b) => join(process.cwd(), '.build', b))

function loadOutsideSandbox(bundle: string, env: Record<string, string>) {
  return spawnSync(process.execPath, ['-e', `require(${JSON.stringify(bundle)})`], {
    // Only what a misconfigured Lambda would have: no ARC_SANDBOX, no DRASON_* secrets.
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', AWS_REGION: 'us-east-1', ARC_ENV: 'production', ...env },
    encoding: 'utf8',
  })
}

describe('configuration at cold start', () => {
  it.each(bundles)('%s refuses to start outside the sandbox without its secrets, naming them', (bundle) => {
    expect(existsSync(bundle)).toBe(true)
    const run = loadOutsideSandbox(bundle, { DRASON_API_TOKEN: 'a-production-token-0123456789' })
    expect(run.status).not.toBe(0)
    expect(run.stderr).toContain('missing required environment variable(s) DRASON_ADMIN_EMAIL, DRASON_ADMIN_PASSWORD, DRASON_INTAKE_TOKEN, DRASON_SESSION_SECRET, DRASON_PUBLIC_URL')
    expect(run.stderr).not.toContain('DRASON_API_TOKEN,')
  })

  it('starts outside the sandbox when every secret is set', () => {
    const run = loadOutsideSandbox(bundles[0]!, {
      DRASON_ADMIN_EMAIL: 'ops@example.com',
      DRASON_ADMIN_PASSWORD: 'a-long-production-password',
      DRASON_API_TOKEN: 'a-production-token-0123456789',
      DRASON_INTAKE_TOKEN: 'an-intake-token-0123456789',
      DRASON_SESSION_SECRET: 'a-production-session-secret-0123456789abcdef',
      DRASON_PUBLIC_URL: 'https://drason.example.com',
    })
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
  })
})
