import { appDeps } from '../../shared/composition.server'
import { reevaluateAll } from '../../shared/services/gate'
import { sweepStuckSends } from '../../shared/services/send-sweep'
import { restartStalledChains } from '../../shared/services/chain-watchdog'
import { finishControls } from '../../shared/services/campaign-controls'

// Every 5 minutes: held leads of every active campaign go through the gate again, so a lead waiting for
// a resume, a new day, a raised cap or the window to open is let in once the condition clears; and sends
// interrupted after their claim are marked unknown (never resent blindly); a send loop whose next pulse
// was lost (or dead-lettered) is restarted where it stopped; and the leads a Pause, Resume or Abort left
// to move are moved (a control moves a bounded number in its request).
export const handler = async (): Promise<void> => {
  const deps = await appDeps()
  // The bounded steps first; the gate over held leads, the longest, last.
  const unknown = await sweepStuckSends(deps)
  const restarted = await restartStalledChains(deps)
  const moved = await finishControls(deps, await deps.campaigns.list())
  const result = await reevaluateAll(deps)
  console.log(JSON.stringify({ msg: 'gate re-evaluation', ...result, interruptedSends: unknown, restartedChains: restarted, movedAfterControls: moved }))
}
