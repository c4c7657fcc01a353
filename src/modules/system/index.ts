import { defineModule } from '../types.js'
import systemRoutes from './routes.js'

export const systemModule = defineModule({
  name: 'system',
  tags: [{ name: 'System', description: 'Health and readiness' }],
  rootRoutes: systemRoutes,
})
