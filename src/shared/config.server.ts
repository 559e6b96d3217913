import * as z from 'zod'

/**
 * The environment, validated once per process. Secrets come only from the environment (SSM-backed
 * Lambda environment in AWS); the repo holds no secret. Inside the Architect sandbox every secret has a
 * development default so `npm start` works on a fresh clone; outside it a missing secret stops the app
 * with a message naming every missing variable.
 */

/** Development defaults: public, documented in the README, never valid outside the sandbox. */
export const DEV_DEFAULTS = {
  DRASON_ADMIN_EMAIL: 'admin@drason.local',
  DRASON_ADMIN_PASSWORD: 'drason-admin-dev',
  DRASON_API_TOKEN: 'dev-api-token-0123456789abcdef',
  DRASON_INTAKE_TOKEN: 'dev-intake-token-0123456789abcdef',
  DRASON_SESSION_SECRET: 'dev-session-secret-change-me-0123456789',
  SES_ENDPOINT: 'http://127.0.0.1:8005',
  MEV_BASE_URL: 'http://127.0.0.1:8006',
  MEV_API_KEY: 'dev-mev-key',
  SMARTLEAD_BASE_URL: 'http://127.0.0.1:8007/api/v1',
  SMARTLEAD_API_KEY: 'dev-smartlead-key',
  SMARTLEAD_WEBHOOK_SECRET: 'dev-smartlead-webhook-secret',
  DRASON_PUBLIC_URL: 'http://localhost:3333',
} as const

/**
 * Names of the variables that must be set outside the sandbox: the secrets, and the public address, which
 * every email's unsubscribe link is built on (a default would send recipients to localhost, so that they
 * could not unsubscribe at all).
 */
export const REQUIRED_SECRETS = [
  'DRASON_ADMIN_EMAIL',
  'DRASON_ADMIN_PASSWORD',
  'DRASON_API_TOKEN',
  'DRASON_INTAKE_TOKEN',
  'DRASON_SESSION_SECRET',
  'DRASON_PUBLIC_URL',
] as const

// 16+ characters for tokens: a bearer token is the whole credential, so it must not be guessable.
const token = z.string().min(16, 'must be at least 16 characters')

const schema = z.object({
  DRASON_ADMIN_EMAIL: z.email('must be an email address'),
  DRASON_ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters'),
  DRASON_API_TOKEN: token,
  DRASON_INTAKE_TOKEN: token,
  // 32+ characters: the HMAC key for session cookies.
  DRASON_SESSION_SECRET: z.string().min(32, 'must be at least 32 characters'),
  // Unset in AWS: the SDK then uses the regional SES endpoint.
  SES_ENDPOINT: z.url().optional(),
  SES_CONFIGURATION_SET: z.string().default('drason'),
  MEV_BASE_URL: z.url().default('https://api.myemailverifier.com'),
  MEV_API_KEY: z.string().optional(),
  // The address people open; no trailing slash, so `${url}/u/...` has one.
  DRASON_PUBLIC_URL: z.url().transform((u) => u.replace(/\/+$/, '')),
  // The SNS topics whose SES events `POST /api/webhooks/ses` accepts (comma-separated ARNs); empty refuses all.
  SES_FEEDBACK_TOPIC_ARNS: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((a) => a.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^arn:aws:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, 'must be SNS topic ARNs separated by commas'))),
  // Smartlead sender mode (optional): the API key and the secret its webhooks carry, from the environment/SSM.
  SMARTLEAD_BASE_URL: z.url().default('https://server.smartlead.ai/api/v1'),
  SMARTLEAD_API_KEY: z.string().optional(),
  SMARTLEAD_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  AWS_REGION: z.string().default('us-east-1'),
})

export type Config = z.infer<typeof schema> & {
  /** True inside the Architect sandbox (local development and tests). */
  sandbox: boolean
  /** Cookies are marked Secure everywhere except the sandbox, which serves plain http. */
  secureCookies: boolean
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

export function isSandbox(env: Record<string, string | undefined>): boolean {
  return Boolean(env.ARC_SANDBOX) || env.ARC_ENV === 'testing'
}

/** Pure: validates an environment object. Throws ConfigError listing every problem. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const sandbox = isSandbox(env)
  const input: Record<string, string | undefined> = { ...env }
  if (sandbox) {
    for (const [name, value] of Object.entries(DEV_DEFAULTS)) {
      if (!input[name]) input[name] = value
    }
  } else {
    const missing = REQUIRED_SECRETS.filter((name) => !input[name])
    if (missing.length > 0) {
      throw new ConfigError(
        `Drason cannot start: missing required environment variable(s) ${missing.join(', ')}. ` +
          'Set them in the Lambda environment (for example with `npx arc env`); see the README configuration table.',
      )
    }
  }
  for (const [name, value] of Object.entries(input)) if (value === '') input[name] = undefined
  const result = schema.safeParse(input)
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')
    throw new ConfigError(`Drason cannot start: invalid configuration: ${problems}.`)
  }
  if (!sandbox && !result.data.DRASON_PUBLIC_URL.startsWith('https://')) {
    // Recipients' mail clients post the one-click unsubscribe to it; Gmail and Yahoo require https.
    throw new ConfigError('Drason cannot start: invalid configuration: DRASON_PUBLIC_URL must be an https:// address outside the sandbox.')
  }
  return { ...result.data, sandbox, secureCookies: !sandbox }
}

let cached: Config | undefined
/** The process's configuration, validated on first use and then reused. */
export function config(): Config {
  cached ??= parseConfig(process.env)
  return cached
}
