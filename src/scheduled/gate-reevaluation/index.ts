import { appDeps } from '../../shared/composition.server'
import { reevaluateAll } from '../../shared/services/gate'

// Every 5 minutes: held leads of every active campaign go through the gate again, so a lead waiting for
// a resume, a new day, a raised cap or the window to open is let in once the condition clears.
export const handler = async (): Promise<void> => {
  const result = await reevaluateAll(await appDeps())
  console.log(JSON.stringify({ msg: 'gate re-evaluation', ...result }))
}
