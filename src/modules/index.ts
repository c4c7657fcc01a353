import type { ShowrunnerModule } from './types.js'
import { systemModule } from './system/index.js'
import { identityModule } from './identity/index.js'
import { eventsModule } from './events/index.js'
import { jobsModule } from './jobs/index.js'
import { auditModule } from './audit/index.js'
import { suppliersModule } from './suppliers/index.js'
import { supplierGovernanceModule } from './supplier-governance/index.js'
import { catalogModule } from './catalog/index.js'
import { poolsModule } from './pools/index.js'
import { anchorsModule } from './anchors/index.js'
import { buyersModule } from './buyers/index.js'
import { salesModule } from './sales/index.js'
import { anchorGovernanceModule } from './anchor-governance/index.js'
import { selectionModule } from './selection/index.js'
import { webhooksModule } from './webhooks/index.js'
import { schedulingModule } from './scheduling/index.js'
import { mediaModule } from './media/index.js'
import { ordersModule } from './orders/index.js'
import { aftersalesModule } from './aftersales/index.js'
import { acquisitionModule } from './acquisition/index.js'
import { settlementsModule } from './settlements/index.js'
import { salesFeedModule } from './sales-feed/index.js'
import { consultationsModule } from './consultations/index.js'
import { liveToolsModule } from './live-tools/index.js'
import { interactionModule } from './interaction/index.js'

/** Every domain module, in the order their routes and GraphQL types are mounted. */
export const modules: ShowrunnerModule[] = [
  systemModule,
  identityModule,
  eventsModule,
  jobsModule,
  auditModule,
  suppliersModule,
  supplierGovernanceModule,
  catalogModule,
  poolsModule,
  anchorsModule,
  buyersModule,
  salesModule,
  anchorGovernanceModule,
  selectionModule,
  schedulingModule,
  mediaModule,
  ordersModule,
  aftersalesModule,
  interactionModule,
  settlementsModule,
  salesFeedModule,
  acquisitionModule,
  consultationsModule,
  liveToolsModule,
  webhooksModule,
]
