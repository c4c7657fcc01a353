-- Every API process caches, per token, what the revocation check reads (the client's
-- revocation, its organization's kind, the installation's scopes and revocation), and drops
-- that cache when it hears of a change on this channel (src/modules/identity/revocations.ts).
-- NOTIFY is transactional: the message goes out at commit, and not at all on rollback.
-- Self-contained and re-runnable: functions are replaced, triggers dropped and made again.
CREATE OR REPLACE FUNCTION showrunner_notify_revocation() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- TG_ARGV[0] names what changed; the payload is `<kind>:<id>` (ids are < 100 bytes).
  PERFORM pg_notify('showrunner_revocations', TG_ARGV[0] || ':' || COALESCE(NEW.id, OLD.id));
  RETURN NULL;
END
$$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS api_clients_revocation_notify ON api_clients;
--> statement-breakpoint
CREATE TRIGGER api_clients_revocation_notify
  AFTER UPDATE OF revoked_at, organization_id OR DELETE ON api_clients
  FOR EACH ROW EXECUTE FUNCTION showrunner_notify_revocation('client');
--> statement-breakpoint
DROP TRIGGER IF EXISTS organizations_revocation_notify ON organizations;
--> statement-breakpoint
CREATE TRIGGER organizations_revocation_notify
  AFTER UPDATE OF kind OR DELETE ON organizations
  FOR EACH ROW EXECUTE FUNCTION showrunner_notify_revocation('organization');
--> statement-breakpoint
DROP TRIGGER IF EXISTS installations_revocation_notify ON installations;
--> statement-breakpoint
CREATE TRIGGER installations_revocation_notify
  AFTER UPDATE OF revoked_at, granted_scopes, tenant_id, id OR DELETE ON installations
  FOR EACH ROW EXECUTE FUNCTION showrunner_notify_revocation('installation');
