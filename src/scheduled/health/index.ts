import { appDeps } from '../../shared/composition.server'
import { runHealth } from '../../shared/services/health'

// Every 5 minutes: mailbox -> campaign -> domain -> account health, pausing conservatively with an
// audit event per change (a hard bounce or complaint also runs it at once from the feedback queue).
export const handler = async (): Promise<void> => {
  const deps = await appDeps()
  const actions = await runHealth(deps)
  console.log(JSON.stringify({ msg: 'health run', actions: actions.map((a) => ({ entity: a.entity, id: 'id' in a ? a.id : 'all', to: a.to })) }))
}
