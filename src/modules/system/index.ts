import type { ShowrunnerModule } from '../types.js'
import systemRoutes from './routes.js'

export const systemModule: ShowrunnerModule = { name: 'system', rootRoutes: systemRoutes }
