import { defineChange } from '../../lib/hooks.js'

/** Sales history was added (an import finished); what derives from it must be rebuilt. */
export const salesRecorded = defineChange<{ jobId: string }>('sales.recorded')
