import { appDeps } from '../../shared/composition.server'
import { reevaluateAll } from '../../shared/services/gate'
import { sweepStuckSends } from '../../shared/services/send-sweep'
import { restartStalledChains } from '../../shared/services/chain-watchdog'
import { finishAborts } from '../../shared/services/campaign-controls'

// Every 5 minutes: held leads of every active campaign go through the gate again, so a lead waiting for
// a resume, a new day, a raised cap or the window to open is let in once the condition clears; and sends
// interrupted after their claim are marked unknown (never resent blindly); a send loop whose next pulse
// was lost (or dead-lettered) is restarted where it stopped; and leads an Abort's clean-up left queued go
// back to held.
export const handler = async (): Promise<void> => {
  const deps = await appDeps()
  const result = await reevaluateAll(deps)
  const unknown = await sweepStuckSends(deps)
  const restarted = await restartStalledChains(deps)
  const returnedAfterAbort = await finishAborts(deps, await deps.campaigns.list())
  console.log(JSON.stringify({ msg: 'gate re-evaluation', ...result, interruptedSends: unknown, restartedChains: restarted, returnedAfterAbort }))
}
