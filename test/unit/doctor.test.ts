import { describe, expect, it } from 'vitest'
import { checkStage, exitCode, formatReport, queueAdmits, type Stage } from '../../scripts/doctor-checks'
import { BREAKAGES, healthyStage, memoryDoctorAws, stageRefs } from '../fakes/aws'

/**
 * `npm run doctor`'s checks against a stage served from memory: a healthy stage passes, and each way a
 * stage can be broken is reported with how to fix it. The SDK adapter is tested against a local AWS
 * fake in doctor-aws.test.ts.
 */
const production: Stage = { app: 'drason', stage: 'production', stackName: 'DrasonProduction', region: 'us-east-1' }

describe('npm run doctor: the checks', () => {
  it('finds nothing missing in a healthy stage', async () => {
    const findings = await checkStage(memoryDoctorAws(healthyStage()), production)
    expect(findings.filter((f) => f.status !== 'ok')).toEqual([])
    expect(findings.map((f) => f.check)).toEqual([
      'settings',
      'identity example.com',
      'ses account',
      'configuration set',
      'feedback topic',
      'feedback queue',
      'dead letters',
      'dead letters',
      'dead letters',
      'alerts',
    ])
    expect(exitCode(findings)).toBe(0)
    expect(formatReport(production, findings)).toMatch(/^Drason doctor: DrasonProduction \(production\) in us-east-1\n[\s\S]*\nReady: nothing missing\.$/)
  })

  it.each(BREAKAGES)('reports it when $name', async ({ break: breakIt, check, status, says }) => {
    const stage = healthyStage()
    breakIt(stage)
    const findings = await checkStage(memoryDoctorAws(stage), production)
    const problems = findings.filter((f) => f.status !== 'ok')
    expect(problems.map((f) => [f.check, f.status]), 'exactly this one problem').toEqual([[check, status]])
    expect(problems[0]!.summary).toContain(says)
    expect(problems[0]!.fix, 'says how to fix it').toBeTruthy()
    expect(exitCode(findings)).toBe(status === 'missing' ? 1 : 0)
    const report = formatReport(production, findings)
    expect(report).toContain(`fix: ${problems[0]!.fix!.split('\n')[0]}`)
    expect(report.split('\n').at(-1)).toMatch(status === 'missing' ? /^1 problem: fix them/ : /^Ready: nothing missing \(1 warning\)\.$/)
  })

  it('names the arc env command for each missing setting, and the redeploy', async () => {
    const stage = healthyStage()
    delete stage.parameters['/drason/production/MEV_API_KEY']
    delete stage.parameters['/drason/production/DRASON_API_TOKEN']
    const [settings] = await checkStage(memoryDoctorAws(stage), production)
    expect(settings!.fix!.split('\n')).toEqual([
      'npx arc env -e production -a DRASON_API_TOKEN <value>',
      'npx arc env -e production -a MEV_API_KEY <value>',
      'then deploy again (npx arc deploy --production): functions read these at deploy',
    ])
  })

  it('only warns about the SES sandbox for staging', async () => {
    const stage = healthyStage({ stage: 'staging', stackName: 'DrasonStaging' })
    stage.account.productionAccess = false
    const findings = await checkStage(memoryDoctorAws(stage), { ...production, stage: 'staging', stackName: 'DrasonStaging' })
    expect(findings.filter((f) => f.status !== 'ok').map((f) => [f.check, f.status])).toEqual([['ses account', 'warning']])
    expect(exitCode(findings)).toBe(0)
  })

  it('checks every identity the functions may send from, addresses without DKIM', async () => {
    const stage = healthyStage({ identities: ['example.com', 'founder@example.org'] })
    const findings = await checkStage(memoryDoctorAws(stage), production)
    expect(findings.filter((f) => f.check.startsWith('identity')).map((f) => [f.check, f.status])).toEqual([
      ['identity example.com', 'ok'],
      ['identity founder@example.org', 'ok'],
    ])
  })

  it('stops after the stack check when there is no stack, but still checks settings and SES', async () => {
    const stage = healthyStage()
    for (const name of Object.keys(stage.parameters)) if (name.startsWith('/DrasonProduction/')) delete stage.parameters[name]
    const findings = await checkStage(memoryDoctorAws(stage), production)
    expect(findings.map((f) => f.check)).toEqual(['settings', 'stack', 'identity example.com', 'ses account'])
  })
})

describe('queueAdmits (does the feedback queue let the topic deliver?)', () => {
  const queue = 'arn:aws:sqs:us-east-1:123456789012:DrasonProduction-FeedbackQueue-A1'
  const topic = 'arn:aws:sns:us-east-1:123456789012:DrasonProduction-SesEventsTopic-B2'
  const statement = (over: Record<string, unknown> = {}) => ({
    Effect: 'Allow',
    Principal: { Service: 'sns.amazonaws.com' },
    Action: 'sqs:SendMessage',
    Resource: queue,
    Condition: { ArnEquals: { 'aws:SourceArn': topic } },
    ...over,
  })
  const policy = (...statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements })

  it.each([
    ['the statement the stack writes', policy(statement()), true],
    ['a single statement object', JSON.stringify({ Statement: statement() }), true],
    ['any principal, sqs:*, no condition', policy(statement({ Principal: '*', Action: 'sqs:*', Condition: undefined })), true],
    ['ArnLike with a wildcard topic', policy(statement({ Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:sns:us-east-1:123456789012:DrasonProduction-*' } } })), true],
    ['the source account', policy(statement({ Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } } })), true],
    ['another topic', policy(statement({ Condition: { ArnEquals: { 'aws:SourceArn': 'arn:aws:sns:us-east-1:123456789012:other' } } })), false],
    ['another account', policy(statement({ Condition: { StringEquals: { 'aws:SourceAccount': '999999999999' } } })), false],
    ['another service', policy(statement({ Principal: { Service: 'events.amazonaws.com' } })), false],
    ['another action', policy(statement({ Action: 'sqs:ReceiveMessage' })), false],
    ['another queue', policy(statement({ Resource: 'arn:aws:sqs:us-east-1:123456789012:other' })), false],
    ['a condition the doctor cannot evaluate', policy(statement({ Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } })), false],
    ['an allow undone by a deny', policy(statement(), statement({ Effect: 'Deny', Condition: undefined })), false],
    ['no policy', null, false],
    ['not JSON', '{', false],
  ])('%s -> %s', (_what, json, admits) => {
    expect(queueAdmits(json, queue, topic)).toBe(admits)
  })

  it('agrees with the healthy fake stage', () => {
    const stage = healthyStage()
    const refs = stageRefs(stage)
    expect(queueAdmits(stage.queues[refs.feedbackUrl]!.policy, refs.feedbackArn, refs.eventsTopic)).toBe(true)
  })
})
