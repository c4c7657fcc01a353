import type { Static } from 'typebox'
import { defineChange, defineResourceChange } from '../../lib/hooks.js'
import {
  COUPON_CLAIMED,
  COUPON_CREATED,
  DRAW_CLOSED,
  DRAW_COMPLETED,
  DRAW_CREATED,
  POLL_CLOSED,
  POLL_OPENED,
  QUESTION_ANSWERED,
} from './events.js'
import type { Coupon, CouponClaim, Draw, LiveQuestion, Poll } from './schemas.js'

export const questionAnswered = defineResourceChange<Static<typeof LiveQuestion>>(QUESTION_ANSWERED, 'question')
export const pollOpened = defineResourceChange<Static<typeof Poll>>(POLL_OPENED, 'poll')
export const pollClosed = defineResourceChange<Static<typeof Poll>>(POLL_CLOSED, 'poll')
export const couponCreated = defineResourceChange<Static<typeof Coupon>>(COUPON_CREATED, 'coupon')
/** A claim never changes, so its event carries version 1. */
export const couponClaimed = defineChange<Static<typeof CouponClaim>>(COUPON_CLAIMED, {
  event: (c) => ({ type: COUPON_CLAIMED, resource: { type: 'coupon_claim', id: c.id, version: 1 }, data: c }),
})
export const drawCreated = defineResourceChange<Static<typeof Draw>>(DRAW_CREATED, 'draw')
export const drawClosed = defineResourceChange<Static<typeof Draw>>(DRAW_CLOSED, 'draw')
export const drawCompleted = defineResourceChange<Static<typeof Draw>>(DRAW_COMPLETED, 'draw')
