import type { ShowrunnerModule } from '../types.js'
import auditRoutes from './routes.js'

export const auditModule: ShowrunnerModule = { name: 'audit', routes: auditRoutes }
