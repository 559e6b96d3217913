'use strict'
/**
 * production-guards: an Architect plugin that adds the Pivotr spec's production safety nets (section
 * 5.3) to the CloudFormation `arc deploy` generates. What it adds and why is in guards.js; every number
 * is in policy.js; the choices are in docs/decisions/030-production-guards.md. `npm run synth` runs it
 * offline and test/unit/infra.test.ts checks each guard.
 *
 * One hook (Architect 12 plugin API): deploy.start gets the generated template and returns the guarded
 * one. It also runs for `arc deploy --dry-run` and `npm run synth` (dryRun: true), where a missing
 * setting is a warning instead of an error. The sandbox never calls it.
 *
 * Stage settings come from `arc env` (SSM /<app>/<stage>/<NAME>), which deploy has already read into
 * the inventory: DRASON_SES_IDENTITIES (required to deploy) and DRASON_ALERT_EMAIL (optional).
 */
const { applyGuards } = require('./guards')

module.exports = {
  deploy: {
    start: async ({ cloudformation, dryRun, inventory, stage }) => {
      const { inv } = inventory
      const env = inv._project?.env?.aws?.[stage] ?? {}
      const result = applyGuards(cloudformation, { app: inv.app, stage, region: inv.aws.region, env, dryRun: Boolean(dryRun) })
      for (const warning of result.warnings) console.warn(`production-guards: ${warning}`)
      return result.template
    },
  },
}
