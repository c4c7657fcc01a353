-- The role tenant queries run as: no superuser, no BYPASSRLS, owns nothing, cannot log in.
-- The connecting (owning) role becomes a member so a transaction can `SET LOCAL ROLE` to it.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'showrunner_app') THEN
    CREATE ROLE showrunner_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOINHERIT;
  END IF;
END
$$;--> statement-breakpoint
DO $$
BEGIN
  EXECUTE format('GRANT showrunner_app TO %I', current_user);
EXCEPTION WHEN duplicate_object OR invalid_grant_operation THEN NULL;
END
$$;--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO showrunner_app;--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO showrunner_app;--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO showrunner_app;
