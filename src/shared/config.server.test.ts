import { describe, expect, it } from 'vitest'
import { ConfigError, DEV_DEFAULTS, REQUIRED_SECRETS, isSandbox, parseConfig } from './config.server'

/** A complete production environment: every required secret set to a valid value. */
const production = {
  DRASON_ADMIN_EMAIL: 'ops@example.com',
  DRASON_ADMIN_PASSWORD: 'a-long-admin-password',
  DRASON_API_TOKEN: 'prod-api-token-abcdefghijkl',
  DRASON_INTAKE_TOKEN: 'prod-intake-token-abcdefghijkl',
  DRASON_SESSION_SECRET: 'prod-session-secret-0123456789abcdefghij',
  DRASON_PUBLIC_URL: 'https://drason.example.com',
}

function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    parseConfig(env)
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError)
    return err as ConfigError
  }
  throw new Error('expected parseConfig to throw')
}

describe('isSandbox', () => {
  it.each([
    [{ ARC_SANDBOX: '{"ports":{}}' }, true],
    [{ ARC_ENV: 'testing' }, true],
    [{ ARC_ENV: 'staging' }, false],
    [{ ARC_ENV: 'production' }, false],
    [{ ARC_SANDBOX: '' }, false],
    [{}, false],
  ])('%j → %s', (env, expected) => {
    expect(isSandbox(env)).toBe(expected)
  })
})

describe('parseConfig', () => {
  describe('inside the sandbox', () => {
    it('uses the development defaults for everything unset', () => {
      const cfg = parseConfig({ ARC_ENV: 'testing' })
      expect(cfg).toMatchObject({ ...DEV_DEFAULTS, sandbox: true, secureCookies: false })
      // Schema defaults still apply to what has no development default.
      expect(cfg).toMatchObject({ SES_CONFIGURATION_SET: 'drason', AWS_REGION: 'us-east-1' })
    })

    it('treats an empty variable as unset and fills in the default', () => {
      expect(parseConfig({ ARC_ENV: 'testing', DRASON_API_TOKEN: '' }).DRASON_API_TOKEN).toBe(DEV_DEFAULTS.DRASON_API_TOKEN)
    })

    it('lets the environment override every default', () => {
      const cfg = parseConfig({
        ARC_SANDBOX: '1',
        ...production,
        SES_ENDPOINT: 'http://127.0.0.1:9999',
        MEV_BASE_URL: 'http://127.0.0.1:9998',
        MEV_API_KEY: 'other-key',
        DRASON_PUBLIC_URL: 'http://localhost:4000',
        SES_CONFIGURATION_SET: 'custom-set',
        AWS_REGION: 'eu-west-1',
      })
      expect(cfg).toMatchObject({
        ...production,
        SES_ENDPOINT: 'http://127.0.0.1:9999',
        MEV_BASE_URL: 'http://127.0.0.1:9998',
        MEV_API_KEY: 'other-key',
        DRASON_PUBLIC_URL: 'http://localhost:4000',
        SES_CONFIGURATION_SET: 'custom-set',
        AWS_REGION: 'eu-west-1',
        sandbox: true,
        secureCookies: false,
      })
    })

    it('still refuses an invalid value that was set explicitly', () => {
      expect(configError({ ARC_ENV: 'testing', DRASON_SESSION_SECRET: 'short' }).message).toContain('DRASON_SESSION_SECRET must be at least 32 characters')
    })
  })

  describe('outside the sandbox', () => {
    it('accepts a complete environment, with secure cookies and no development defaults', () => {
      const cfg = parseConfig({ ARC_ENV: 'production', ...production })
      expect(cfg).toMatchObject({ ...production, sandbox: false, secureCookies: true, MEV_BASE_URL: 'https://api.myemailverifier.com' })
      expect(cfg.SES_ENDPOINT).toBeUndefined()
      expect(cfg.MEV_API_KEY).toBeUndefined()
    })

    it('refuses a public address that is not https, since recipients unsubscribe through it', () => {
      expect(configError({ ...production, DRASON_PUBLIC_URL: 'http://drason.example.com' }).message).toContain('DRASON_PUBLIC_URL must be an https:// address')
      expect(configError({ ...production, DRASON_PUBLIC_URL: 'drason.example.com' }).message).toContain('DRASON_PUBLIC_URL')
    })

    it('drops a trailing slash from the public address', () => {
      expect(parseConfig({ ...production, DRASON_PUBLIC_URL: 'https://drason.example.com/' }).DRASON_PUBLIC_URL).toBe('https://drason.example.com')
    })

    it('names every missing secret in one error', () => {
      const error = configError({ ARC_ENV: 'production' })
      expect(error.name).toBe('ConfigError')
      for (const name of REQUIRED_SECRETS) expect(error.message).toContain(name)
    })

    it.each(REQUIRED_SECRETS.map((name) => [name]))('refuses to start without %s, naming only that one', (name) => {
      const env: Record<string, string | undefined> = { ...production, [name]: undefined }
      const error = configError(env)
      expect(error.message).toContain(`missing required environment variable(s) ${name}.`)
    })

    it('counts an empty secret as missing', () => {
      expect(configError({ ...production, DRASON_API_TOKEN: '', DRASON_INTAKE_TOKEN: '' }).message).toContain(
        'missing required environment variable(s) DRASON_API_TOKEN, DRASON_INTAKE_TOKEN.',
      )
    })

    it.each([
      ['a session secret under 32 characters', { DRASON_SESSION_SECRET: 'x'.repeat(31) }, 'DRASON_SESSION_SECRET must be at least 32 characters'],
      ['an admin email that is not an email', { DRASON_ADMIN_EMAIL: 'admin' }, 'DRASON_ADMIN_EMAIL must be an email address'],
      ['an admin password under 12 characters', { DRASON_ADMIN_PASSWORD: 'x'.repeat(11) }, 'DRASON_ADMIN_PASSWORD must be at least 12 characters'],
      ['an API token under 16 characters', { DRASON_API_TOKEN: 'x'.repeat(15) }, 'DRASON_API_TOKEN must be at least 16 characters'],
      ['an intake token under 16 characters', { DRASON_INTAKE_TOKEN: 'short' }, 'DRASON_INTAKE_TOKEN must be at least 16 characters'],
      ['a verifier URL that is not a URL', { MEV_BASE_URL: 'not a url' }, 'MEV_BASE_URL'],
    ])('refuses %s', (_label, override, problem) => {
      const error = configError({ ...production, ...override })
      expect(error.message).toMatch(/^Drason cannot start: invalid configuration: /)
      expect(error.message).toContain(problem)
    })

    it('lists every invalid value at once', () => {
      const message = configError({ ...production, DRASON_SESSION_SECRET: 'short', DRASON_ADMIN_EMAIL: 'nope' }).message
      expect(message).toContain('DRASON_SESSION_SECRET')
      expect(message).toContain('DRASON_ADMIN_EMAIL')
    })

    it.each([
      ['a session secret of exactly 32 characters', { DRASON_SESSION_SECRET: 'x'.repeat(32) }],
      ['tokens of exactly 16 characters', { DRASON_API_TOKEN: 'a'.repeat(16), DRASON_INTAKE_TOKEN: 'b'.repeat(16) }],
      ['a password of exactly 12 characters', { DRASON_ADMIN_PASSWORD: 'p'.repeat(12) }],
    ])('accepts %s', (_label, override) => {
      expect(parseConfig({ ...production, ...override }).sandbox).toBe(false)
    })
  })
})
