import { Type } from 'typebox'
import { systemCtx } from '../../lib/context.js'
import { defineJob } from '../../lib/jobs.js'
import { Timestamp } from '../../lib/schemas.js'
import { escalateOverdueDisputes, tenantsWithOverdueDisputes } from './disputes.js'

export const ESCALATION_JOB = 'aftersales.dispute-escalation'
/** Every 10 minutes: a dispute waits at most that long past its deadline before the platform sees it. */
export const ESCALATION_SCHEDULE = '*/10 * * * *'

/**
 * Escalates every dispute whose stage deadline passed to platform intervention (第三方介入), in
 * each tenant holding one. `now` is the clock (a test or a replay passes one; the schedule
 * leaves it out). A tenant whose run fails is retried on the next tick: its disputes still match.
 */
export const disputeEscalation = defineJob({
  queue: 'governance',
  name: ESCALATION_JOB,
  payload: Type.Object({ now: Type.Optional(Timestamp) }, { additionalProperties: false }),
  schedule: { cron: ESCALATION_SCHEDULE, payload: {} },
  handler: async (ctx, payload) => {
    const now = payload.now ? new Date(payload.now) : new Date()
    const tenants = await tenantsWithOverdueDisputes(ctx, now)
    let escalated = 0
    const failed: string[] = []
    for (const t of tenants) {
      const tenantCtx = {
        ...ctx,
        ...systemCtx(`schedule:${ESCALATION_JOB}`, { id: t.tenant_id, kind: t.kind }),
        log: ctx.log.child({ tenantId: t.tenant_id }),
      }
      try {
        escalated += (await escalateOverdueDisputes(tenantCtx, now)).escalated.length
      } catch (err) {
        tenantCtx.log.error({ err }, 'dispute escalation failed; the next run retries it')
        failed.push(t.tenant_id)
      }
    }
    return { tenants: tenants.length, escalated, failed: failed.length }
  },
})
