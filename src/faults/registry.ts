// Fault actions by name (`faults[].action`).
import type {FaultAction} from './action.js'
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

export const faultActions: Record<string, FaultAction> = Object.fromEntries(
  [kill, terminate, pause, resume, restart, slow, fail, hang, heal, exec].map((a) => [a.name, a]),
)
