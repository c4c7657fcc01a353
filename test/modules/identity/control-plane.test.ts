import t from 'tap'
import postgres from 'postgres'
import { eq } from 'drizzle-orm'
import { buildTestApp, createTenant, fetchToken } from '../../helper.js'
import { serviceCtx } from '../../fixtures.js'
import { inControlPlane } from '../../../src/db/control-plane.js'
import { organizations } from '../../../src/db/schema.js'
import { audit } from '../../../src/lib/audit.js'

/**
 * A control-plane change and its audit row commit together or not at all. The audit write
 * is made to fail by a trigger added only to this file's own database: it refuses the
 * actions listed in `audit_refusals`.
 */
t.test('a control-plane change whose audit row fails leaves nothing behind', async (t) => {
  const { app, databaseUrl } = await buildTestApp(t)
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} })
  t.teardown(() => sql.end())
  await sql.unsafe(`
    create table audit_refusals (action text primary key);
    -- security definer: audit rows are written as the app role, which cannot read this table.
    create function refuse_audit() returns trigger language plpgsql security definer as $$
    begin
      if exists (select 1 from audit_refusals where action = new.action) then
        raise exception 'audit refused for %', new.action;
      end if;
      return new;
    end $$;
    create trigger refuse_audit before insert on audit_log for each row execute function refuse_audit();
  `)
  const refuse = async (action: string) => {
    await sql`insert into audit_refusals ${sql({ action })}`
  }
  const allow = async (action: string) => {
    await sql`delete from audit_refusals where action = ${action}`
  }
  const audited = async (action: string, tenantId: string) =>
    (await sql`select resource_id from audit_log where action = ${action} and tenant_id = ${tenantId}`).map(
      (r) => r.resource_id as string,
    )

  const platform = await createTenant(app, { kind: 'platform' })
  const provider = await createTenant(app, { kind: 'provider' })

  await t.test('creating an organization', async (t) => {
    await refuse('organization.created')
    const failed = await platform.post('/v1/organizations', { kind: 'mcn', name: 'Doomed MCN' })
    t.equal(failed.statusCode, 500)
    t.same(await sql`select id from organizations where name = 'Doomed MCN'`, [], 'no organization row')

    await allow('organization.created')
    const created = await platform.post('/v1/organizations', { kind: 'mcn', name: 'Kept MCN' })
    t.equal(created.statusCode, 201)
    t.same(await audited('organization.created', platform.organizationId), [created.json().id])
  })

  await t.test('creating a client', async (t) => {
    await refuse('client.created')
    const failed = await provider.post('/v1/clients', { name: 'Doomed client' })
    t.equal(failed.statusCode, 500)
    t.same(await sql`select id from api_clients where name = 'Doomed client'`, [], 'no client row')

    await allow('client.created')
    const created = await provider.post('/v1/clients', { name: 'Kept client' })
    t.equal(created.statusCode, 201)
    t.same(await audited('client.created', provider.organizationId), [created.json().client.id])
  })

  await t.test('registering an app (app, its client and the audit row)', async (t) => {
    await refuse('app.registered')
    const failed = await provider.post('/v1/apps', { name: 'Doomed app', requested_scopes: ['events:read'] })
    t.equal(failed.statusCode, 500)
    t.same(await sql`select id from apps where name = 'Doomed app'`, [], 'no app row')
    t.same(await sql`select id from api_clients where name = 'Doomed app (app)'`, [], 'no app client row')

    await allow('app.registered')
    const created = await provider.post('/v1/apps', { name: 'Kept app', requested_scopes: ['events:read'] })
    t.equal(created.statusCode, 201)
    t.same(await audited('app.registered', provider.organizationId), [created.json().app.id])
    t.equal((await sql`select id from api_clients where name = 'Kept app (app)'`).length, 1)
  })

  await t.test('rotating a secret', async (t) => {
    const [before] = await sql`select secret_hashes from api_clients where id = ${provider.clientId}`
    await refuse('client.secret_rotated')
    const failed = await provider.post(`/v1/clients/${provider.clientId}/rotate-secret`, {})
    t.equal(failed.statusCode, 500)
    const [after] = await sql`select secret_hashes from api_clients where id = ${provider.clientId}`
    t.same(after!.secret_hashes, before!.secret_hashes, 'the secrets are as they were')
    t.ok(
      await fetchToken(app, { client_id: provider.clientId, client_secret: provider.clientSecret }),
      'the old secret still works',
    )
    await allow('client.secret_rotated')
  })

  await t.test('revoking a client', async (t) => {
    await refuse('client.revoked')
    const failed = await provider.post(`/v1/clients/${provider.clientId}/revoke`, {})
    t.equal(failed.statusCode, 500)
    const [row] = await sql`select revoked_at from api_clients where id = ${provider.clientId}`
    t.equal(row!.revoked_at, null, 'the client is not revoked')
    t.equal((await provider.get('/v1/clients')).statusCode, 200, 'its token still works')
    await allow('client.revoked')
  })
})

t.test('the audit row is written as the tenant, and the transaction returns to the owner after it', async (t) => {
  const { app } = await buildTestApp(t)
  const mcn = await createTenant(app, { kind: 'mcn' })
  const ctx = serviceCtx(app, mcn)
  const kind = await inControlPlane(ctx, async (cp) => {
    await audit(cp, 'organization.noted', { type: 'organization', id: mcn.organizationId })
    // Only the owning role can read organizations; the app role would see an error here.
    const [org] = await cp.owner
      .select({ kind: organizations.kind })
      .from(organizations)
      .where(eq(organizations.id, mcn.organizationId))
    return org?.kind
  })
  t.equal(kind, 'mcn')
  const log = await mcn.get('/v1/audit-log')
  t.equal(log.statusCode, 200)
  t.match(log.json().data, [{ action: 'organization.noted', resource: { id: mcn.organizationId } }])
})
