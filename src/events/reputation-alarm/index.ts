import type { SNSEvent } from 'aws-lambda'
import { appDeps } from '../../shared/composition.server'
import { brakeRequest, parseAlarmNotification } from '../../shared/domain/cloudwatch-alarm'
import { engageAccountBrake } from '../../shared/services/account-brake'

// A CloudWatch SES reputation alarm changed state (wired by the production-guards plugin). ALARM pauses
// all sending; OK and INSUFFICIENT_DATA change nothing, because only a person releases the brake.
export const handler = async (event: SNSEvent): Promise<void> => {
  for (const record of event.Records) {
    const parsed = parseAlarmNotification(record.Sns.Message)
    if (!parsed.ok || parsed.alarm.state !== 'ALARM') {
      console.log(JSON.stringify({ msg: 'alarm notification ignored', snsMessageId: record.Sns.MessageId, reason: parsed.ok ? `state ${parsed.alarm.state}` : parsed.reason }))
      continue
    }
    const deps = await appDeps()
    const { signal, sentence, details } = brakeRequest(parsed.alarm)
    const result = await engageAccountBrake(deps, { actor: { type: 'integration', id: 'cloudwatch' }, signal, sentence, details })
    console.log(JSON.stringify({ msg: 'account brake', alarm: parsed.alarm.name, signal, result }))
  }
}
