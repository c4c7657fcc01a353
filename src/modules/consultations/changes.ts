import type { Static } from 'typebox'
import { defineResourceChange } from '../../lib/hooks.js'
import {
  CONSULTATION_ANSWERED,
  CONSULTATION_CLAIMED,
  CONSULTATION_CLOSED,
  CONSULTATION_OPENED,
  CONSULTATION_RELEASED,
} from './events.js'
import type { Consultation } from './schemas.js'

type Ticket = Static<typeof Consultation>
export const consultationOpened = defineResourceChange<Ticket>(CONSULTATION_OPENED, 'consultation')
export const consultationClaimed = defineResourceChange<Ticket>(CONSULTATION_CLAIMED, 'consultation')
export const consultationReleased = defineResourceChange<Ticket>(CONSULTATION_RELEASED, 'consultation')
export const consultationAnswered = defineResourceChange<Ticket>(CONSULTATION_ANSWERED, 'consultation')
export const consultationClosed = defineResourceChange<Ticket>(CONSULTATION_CLOSED, 'consultation')
