import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createDoctorAws } from '../../scripts/doctor-aws.server'
import { checkStage, type Stage } from '../../scripts/doctor-checks'
import { BREAKAGES, healthyStage, memoryDoctorAws, startFakeAws, type FakeAws, type FakeStage } from '../fakes/aws'

/**
 * The doctor's SDK adapter (the real AWS SDK v3 clients) against a local server that answers the AWS
 * calls it makes in each service's wire format: the adapter must see every stage exactly as the
 * in-memory port does, and make read-only calls only.
 */
const production: Stage = { app: 'drason', stage: 'production', stackName: 'DrasonProduction', region: 'us-east-1' }

// The fake reads this object on every request, so a test swaps its contents to serve another stage.
const served: FakeStage = healthyStage()
const serve = (stage: FakeStage) => Object.assign(served, structuredClone(stage))

let fake: FakeAws
let aws: ReturnType<typeof createDoctorAws>

beforeAll(async () => {
  fake = await startFakeAws(served)
  aws = createDoctorAws({ region: 'us-east-1', endpoint: fake.endpoint, credentials: { accessKeyId: 'fake', secretAccessKey: 'fake' } })
})
afterAll(async () => {
  aws?.destroy()
  await fake?.close()
})
beforeEach(() => {
  serve(healthyStage())
  fake.requests.length = 0
})

describe('npm run doctor: the AWS SDK adapter', () => {
  it('sees a healthy stage as healthy, with read-only calls to SSM, SES, SNS and SQS only', async () => {
    const findings = await checkStage(aws, production)
    expect(findings).toEqual(await checkStage(memoryDoctorAws(healthyStage()), production))
    expect(findings.every((f) => f.status === 'ok')).toBe(true)
    expect(new Set(fake.requests)).toEqual(
      new Set([
        'SSM.GetParametersByPath',
        'SSM.GetParameter',
        'SESv2.GetEmailIdentity',
        'SESv2.GetAccount',
        'SESv2.GetConfigurationSetEventDestinations',
        'SNS.ListSubscriptionsByTopic',
        'SQS.GetQueueAttributes',
      ]),
    )
  })

  it.each(BREAKAGES)('reports the same as the in-memory port when $name', async ({ break: breakIt }) => {
    const stage = healthyStage()
    breakIt(stage)
    serve(stage)
    expect(await checkStage(aws, production)).toEqual(await checkStage(memoryDoctorAws(stage), production))
  })

  it('pages through parameters and subscriptions', async () => {
    const stage = healthyStage()
    for (let i = 0; i < 25; i++) stage.parameters[`/DrasonProduction/tables/t${i}`] = { value: `table-${i}`, secure: false }
    const alerts = Object.keys(stage.topics).find((arn) => arn.includes('AlertTopic'))!
    stage.topics[alerts] = Array.from({ length: 5 }, (_, i) => ({ protocol: 'email', endpoint: `ops${i}@example.com`, confirmed: i === 4 }))
    serve(stage)
    const params = await aws.parametersByPath('/DrasonProduction')
    expect(Object.keys(params)).toHaveLength(Object.keys(stage.parameters).filter((n) => n.startsWith('/DrasonProduction/')).length)
    expect(fake.requests.filter((r) => r === 'SSM.GetParametersByPath').length).toBeGreaterThan(1)
    const subscriptions = await aws.topicSubscriptions(alerts)
    expect(subscriptions?.map((s) => [s.endpoint, s.confirmed])).toEqual(stage.topics[alerts]!.map((s) => [s.endpoint, s.confirmed]))
  })

  it('keeps SecureString values encrypted when listing, and decrypts the one it reads', async () => {
    const listed = await aws.parametersByPath('/drason/production')
    expect(listed['/drason/production/DRASON_SESSION_SECRET']).not.toBe('value-of-DRASON_SESSION_SECRET')
    expect(await aws.parameter('/drason/production/DRASON_SES_IDENTITIES')).toBe('example.com')
  })

  it('answers null for what does not exist, in every service', async () => {
    expect(await aws.parameter('/drason/production/NOPE')).toBeNull()
    expect(await aws.emailIdentity('nope.example')).toBeNull()
    expect(await aws.eventDestinations('nope')).toBeNull()
    expect(await aws.topicSubscriptions('arn:aws:sns:us-east-1:123456789012:nope')).toBeNull()
    expect(await aws.queueAttributes('https://sqs.us-east-1.amazonaws.com/123456789012/nope')).toBeNull()
  })
})
