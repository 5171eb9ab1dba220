// A balancer lbbench did not start (external.ts): already running at a loopback URL, http:// or https://,
// configured by its owner. lbbench sends the load there and reads which backend served each response from
// the header the balancer adds (`backendHeader`), matched against the replicas' names and addresses. Its
// certificate must be one the system trusts unless `insecure: true` accepts any (a self-signed one).
import {z} from 'zod'
import type {KindProblem} from '../../model/kind.js'
import type {BalancerSpec, ReplicasSpec} from '../../model/scenario.js'
import {loopbackUrlProblem} from '../../process/loopback-address.js'
import {strategyNotApplicable, type BalancerKind} from '../balancer-kind.js'

/** The schemes `url` may have. */
const schemes = ['http:', 'https:']

const url = z.string().superRefine((text, ctx) => {
  const problem = loopbackUrlProblem(text, schemes)
  if (problem) ctx.addIssue({code: 'custom', message: problem})
})

const headerName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, {error: (iss) => `expected a header name like x-served-by; got ${JSON.stringify(iss.input)}`})

/** A URL to send the load to, no strategy of its own, and replicas it can be configured to reach. */
function sectionProblems(b: BalancerSpec, r: ReplicasSpec | undefined): KindProblem[] {
  const out: KindProblem[] = []
  if (b.url === undefined) out.push({path: 'balancer.url', message: 'is missing; an external balancer is reached at its URL, like url: http://127.0.0.1:8080'})
  out.push(...strategyNotApplicable(b, 'an external balancer balances as its own configuration says'))
  if (b.insecure !== undefined && b.url?.startsWith('http:')) {
    out.push({path: 'balancer.insecure', message: `applies to an https:// url (whether its certificate may be self-signed); balancer.url is ${b.url}`})
  }
  // Replicas lbbench starts on ports it picks could not be in the balancer's configuration.
  if (r && r.count > 0 && r.ports === undefined && r.addresses === undefined) {
    out.push({
      path: 'replicas.ports',
      message: `is missing; an external balancer can reach ${r.kind} replicas only on ports its configuration names: fix them with ports: [9001, 9002], or list a running system with replicas.kind external`,
    })
  }
  return out
}

export const external: BalancerKind = {
  name: 'external',
  summary: 'a balancer lbbench did not start, at a loopback URL: the load goes there, backends are told apart by a response header',
  strategies: null,
  options: {
    url: {what: 'the loopback URL of a balancer lbbench did not start, like http://127.0.0.1:8080 or https://127.0.0.1:8443', schema: url, example: 'http://127.0.0.1:8080'},
    insecure: {
      what: 'with an https:// url: accept any certificate, such as a self-signed one (without it, the certificate must be one the system trusts, valid for the address)',
      schema: z.boolean(),
      example: true,
    },
    backendHeader: {what: "the response header that names the backend: a replica's name (r2) or address (127.0.0.1:9002)", schema: headerName, example: 'x-served-by'},
  },
  example: {url: 'http://127.0.0.1:8080'},
  defaultReplicas: {kind: 'external'},
  checkSections: sectionProblems,
  check: () => [],
  label: (b) => `external balancer at ${b.url ?? '?'}${b.backendHeader ? ` (backends by ${b.backendHeader})` : ''}`,
  // Whatever it checks, its own configuration says; lbbench cannot know.
  defaultHealth: () => ({}),
  backendHeaderOf: (b) => b.backendHeader,
  create: async (opts) => new (await import('../external.js')).ExternalBalancer(opts),
}
