/**
 * The doctor's port (DoctorAws) over the AWS SDK v3: read-only calls only (Get/List), each answer
 * narrowed to what the checks read. "Does not exist" is null; anything else unexpected throws, so the
 * doctor stops rather than report a healthy stage it could not see.
 */
import { GetAccountCommand, GetConfigurationSetEventDestinationsCommand, GetEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2'
import { ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns'
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs'
import { GetParameterCommand, GetParametersByPathCommand, SSMClient } from '@aws-sdk/client-ssm'
import type { DoctorAws } from './doctor-checks'

export interface DoctorAwsOptions {
  region: string
  /** One endpoint for every service: a local fake in tests. Unset in real use (the regional endpoints). */
  endpoint?: string
  /** Only for a local fake; otherwise the default chain (AWS_PROFILE, environment, SSO...) is used. */
  credentials?: { accessKeyId: string; secretAccessKey: string }
}

/** The error names the services use for "no such thing". */
const NOT_FOUND = new Set(['NotFoundException', 'NotFound', 'ParameterNotFound', 'QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue'])
async function orNull<T>(call: Promise<T>): Promise<T | null> {
  try {
    return await call
  } catch (err) {
    if (err instanceof Error && NOT_FOUND.has(err.name)) return null
    throw err
  }
}

/** SNS marks a subscription waiting for its confirmation with this instead of an ARN. */
const PENDING = 'PendingConfirmation'

export function createDoctorAws(options: DoctorAwsOptions): DoctorAws & { destroy(): void } {
  const config = {
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  }
  const ses = new SESv2Client(config)
  const sns = new SNSClient(config)
  const sqs = new SQSClient(config)
  const ssm = new SSMClient(config)

  return {
    async parametersByPath(path) {
      const found: Record<string, string> = {}
      let NextToken: string | undefined
      do {
        const page = await ssm.send(new GetParametersByPathCommand({ Path: path, Recursive: true, WithDecryption: false, NextToken }))
        for (const p of page.Parameters ?? []) if (p.Name) found[p.Name] = p.Value ?? ''
        NextToken = page.NextToken
      } while (NextToken)
      return found
    },

    async parameter(name) {
      const out = await orNull(ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true })))
      return out?.Parameter?.Value ?? null
    },

    async emailIdentity(identity) {
      const out = await orNull(ses.send(new GetEmailIdentityCommand({ EmailIdentity: identity })))
      if (!out) return null
      return {
        type: out.IdentityType ?? 'DOMAIN',
        verifiedForSending: out.VerifiedForSendingStatus === true,
        dkimStatus: out.DkimAttributes?.Status ?? null,
        dkimSigningEnabled: out.DkimAttributes?.SigningEnabled === true,
        mailFromDomain: out.MailFromAttributes?.MailFromDomain || null,
        mailFromStatus: out.MailFromAttributes?.MailFromDomainStatus ?? null,
      }
    },

    async sendingAccount() {
      const out = await ses.send(new GetAccountCommand({}))
      return { productionAccess: out.ProductionAccessEnabled === true, sendingEnabled: out.SendingEnabled === true, enforcementStatus: out.EnforcementStatus ?? null }
    },

    async eventDestinations(configurationSet) {
      const out = await orNull(ses.send(new GetConfigurationSetEventDestinationsCommand({ ConfigurationSetName: configurationSet })))
      if (!out) return null
      return (out.EventDestinations ?? []).map((d) => ({
        name: d.Name ?? '',
        enabled: d.Enabled === true,
        eventTypes: d.MatchingEventTypes ?? [],
        snsTopicArn: d.SnsDestination?.TopicArn ?? null,
      }))
    },

    async topicSubscriptions(topicArn) {
      const found: { protocol: string; endpoint: string; confirmed: boolean }[] = []
      let NextToken: string | undefined
      do {
        const page = await orNull(sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken })))
        if (!page) return null
        for (const s of page.Subscriptions ?? []) {
          found.push({ protocol: s.Protocol ?? '', endpoint: s.Endpoint ?? '', confirmed: Boolean(s.SubscriptionArn) && s.SubscriptionArn !== PENDING })
        }
        NextToken = page.NextToken
      } while (NextToken)
      return found
    },

    async queueAttributes(queueUrl) {
      const out = await orNull(sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn', 'Policy', 'RedrivePolicy'] })))
      if (!out?.Attributes?.QueueArn) return null
      return { arn: out.Attributes.QueueArn, policy: out.Attributes.Policy ?? null, redrivePolicy: out.Attributes.RedrivePolicy ?? null }
    },

    destroy() {
      for (const client of [ses, sns, sqs, ssm]) client.destroy()
    },
  }
}
