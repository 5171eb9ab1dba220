// The fault actions (`faults[].action`), in the order they are listed. Scenario validation, the JSON
// Schema, the fault scheduler and the failover analysis all read this list: a new action is its file and
// one line here.
import type {FailoverFactsOf} from '../metrics/failover.js'
import {registry} from '../model/kind.js'
import {kill} from './kill.js'
import {terminate} from './terminate.js'
import {pause} from './pause.js'
import {resume} from './resume.js'
import {restart} from './restart.js'
import {slow} from './slow.js'
import {fail} from './fail.js'
import {hang} from './hang.js'
import {heal} from './heal.js'
import {exec} from './exec.js'
import {update} from './update.js'
import {scale} from './scale.js'

export const faultKinds = registry('fault action', [kill, terminate, pause, resume, restart, slow, fail, hang, heal, exec, update, scale])

/** What each action does to failover, as metrics/failover.ts takes it (metrics may not read this folder). */
export const failoverOf: FailoverFactsOf = (action) => faultKinds.get(action)?.failover
