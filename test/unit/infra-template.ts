import type { CfnResource, CfnTemplate } from '../../scripts/synth'

/**
 * Reading a synthesized CloudFormation template the way the app and Architect find things: through
 * the SSM service-discovery parameters (/<stack>/<kind>/<name>) and ArcMetadata, never by guessing
 * logical IDs. Shared by synth.test.ts and infra.test.ts.
 */

export const props = (r: CfnResource | undefined): Record<string, unknown> => r?.Properties ?? {}
export const isFunction = (r: CfnResource) => r.Type === 'AWS::Serverless::Function' || r.Type === 'AWS::Lambda::Function'
export const arcName = (r: CfnResource) => (r.ArcMetadata as { name?: string } | undefined)?.name

/** Logical IDs a value points at: Ref, Fn::GetAtt, and ${Id} / ${Id.Attr} inside Fn::Sub strings (not AWS:: pseudo parameters). */
export function referencedIds(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => referencedIds(v, found))
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'Ref' && typeof v === 'string') {
        if (!v.startsWith('AWS::')) found.add(v)
      }
      else if (key === 'Fn::GetAtt' && Array.isArray(v) && typeof v[0] === 'string') found.add(v[0])
      else if (key === 'Fn::Sub') {
        const pattern = Array.isArray(v) ? v[0] : v
        // ${name} of a variable in the Sub's own map is not a resource (its value is followed below).
        const variables = new Set(Array.isArray(v) && v[1] && typeof v[1] === 'object' ? Object.keys(v[1] as object) : [])
        if (typeof pattern === 'string') for (const m of pattern.matchAll(/\$\{([\w]+)(?:\.\w+)?\}/g)) if (!variables.has(m[1]!)) found.add(m[1]!)
        referencedIds(v, found)
      } else referencedIds(v, found)
    }
  }
  return found
}

/** The one logical ID a value points at (a Ref or a GetAtt), or undefined. */
export function onlyId(value: unknown): string | undefined {
  const ids = [...referencedIds(value)]
  return ids.length === 1 ? ids[0] : undefined
}

export function queries(template: CfnTemplate) {
  const resources = () => Object.entries(template.Resources)
  const ofType = (type: string) => resources().filter(([, r]) => r.Type === type)

  /** The logical ID behind the SSM parameter /<stack>/<kind>/<name>, which is how the app finds it at runtime. */
  function idViaParameter(kind: string, name: string): string | undefined {
    for (const [, r] of ofType('AWS::SSM::Parameter')) {
      const sub = (props(r).Name as { 'Fn::Sub'?: unknown } | undefined)?.['Fn::Sub']
      if (!Array.isArray(sub) || typeof sub[0] !== 'string') continue
      const vars = (sub[1] ?? {}) as Record<string, string>
      const path = sub[0].replace(/\$\{(\w+)\}/g, (whole, v: string) => vars[v] ?? whole)
      if (path === `/\${AWS::StackName}/${kind}/${name}`) return onlyId(props(r).Value)
    }
    return undefined
  }

  /** Logical ID of the Lambda Architect built for an app.arc entry ('get /healthz', 'send-pulse', ...). */
  const functionId = (name: string) => resources().find(([, r]) => isFunction(r) && arcName(r) === name)?.[0]

  return {
    resources,
    ofType,
    get: (id: string | undefined) => (id === undefined ? undefined : template.Resources[id]),
    idViaParameter,
    viaParameter: (kind: 'tables' | 'queues', name: string) => {
      const id = idViaParameter(kind, name)
      return id === undefined ? undefined : template.Resources[id]
    },
    functionId,
    functions: () => resources().filter(([, r]) => isFunction(r)),
  }
}
