import { defineModule } from '../types.js'
import auditRoutes from './routes.js'

export const auditModule = defineModule({
  name: 'audit',
  scopes: { 'audit:read': 'Read the audit log' },
  idPrefixes: { audit: 'aud' },
  tags: [{ name: 'Audit', description: 'Who changed what' }],
  routes: auditRoutes,
})
