import { defineModule } from '../types.js'
import { salesImportJob } from './import.js'
import salesRoutes from './routes.js'

/** Anchors' sales history (imported until orders feed it): what selection and supplier reputation learn from. */
export const salesModule = defineModule({
  name: 'sales',
  idPrefixes: { sale: 'sal' },
  queues: ['ingest'],
  routes: salesRoutes,
  jobs: [salesImportJob],
})

// The public face of the module: what other modules may use.
export { salesRecorded } from './changes.js'
export { HEAD_ANCHOR_SHARE, HISTORY_DAYS, headAnchorIds, salesSql } from './reads.js'
