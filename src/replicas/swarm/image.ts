// The image of a swarm service, by id: the built-in app's (built here when missing or stale), one built
// from the scenario's folder, or a named image the engine already holds. A name is never pulled: swarm
// replicas contact no registry.
import {dirname, resolve} from 'node:path'
import type {ReplicasSpec} from '../../model/scenario.js'
import {ensureAppImage} from '../docker/app-image.js'
import {appImage, runsBuiltinApp} from '../docker/app-image-name.js'
import {ensureFolderImage} from '../docker/build-folder.js'
import type {Docker} from '../docker/engine.js'
import {localImageId} from './engine.js'

export interface ServiceImage {
  /** sha256:… */
  id: string
  /** What the scenario named, for messages. */
  name: string
  builtinApp: boolean
  /** The image's entrypoint and command (run through /bin/sh for images other than the built-in app). */
  command: string[]
}

export async function serviceImage(docker: Docker, spec: ReplicasSpec, scenarioFile: string, log: (line: string) => void): Promise<ServiceImage> {
  const builtinApp = runsBuiltinApp(spec)
  let name: string
  if (builtinApp) {
    await ensureAppImage(docker, {log})
    name = appImage
  } else if (spec.build) {
    name = await ensureFolderImage(docker, resolve(dirname(resolve(scenarioFile)), spec.build), log)
  } else name = spec.image!
  const id = await localImageId(docker, name)
  const config = (await docker.getImage(id).inspect()).Config as {Entrypoint?: string[] | null; Cmd?: string[] | null}
  return {id, name, builtinApp, command: [...(config.Entrypoint ?? []), ...(config.Cmd ?? [])]}
}
