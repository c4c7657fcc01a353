-- Interaction events, partitioned by day of occurred_at (drizzle cannot express partitioning).
-- Self-contained and re-runnable. Partitions inherit no policy from the parent, so each one gets
-- RLS and the tenant policy too: a query naming a partition directly is walled like the parent.
CREATE TABLE IF NOT EXISTS "interaction_events" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"session_id" text NOT NULL,
	"event_id" text NOT NULL,
	"type" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"buyer_id" text NOT NULL,
	"data" jsonb NOT NULL,
	"state" text NOT NULL DEFAULT 'visible' CHECK ("state" IN ('visible', 'hidden', 'replaced')),
	"moderation_reason" text,
	"received_at" timestamp with time zone NOT NULL,
	"moved_at" timestamp with time zone NOT NULL DEFAULT now(),
	PRIMARY KEY ("tenant_id", "session_id", "event_id", "occurred_at")
) PARTITION BY RANGE ("occurred_at");--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "interaction_events_comments_idx" ON "interaction_events" ("tenant_id", "session_id", "state", "id") WHERE "type" = 'comment';--> statement-breakpoint
ALTER TABLE "interaction_events" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
DROP POLICY IF EXISTS "interaction_events_tenant_isolation" ON "interaction_events";--> statement-breakpoint
CREATE POLICY "interaction_events_tenant_isolation" ON "interaction_events" AS PERMISSIVE FOR ALL TO "showrunner_app"
  USING ("tenant_id" = (select current_setting('app.tenant_id', true)))
  WITH CHECK ("tenant_id" = (select current_setting('app.tenant_id', true)));--> statement-breakpoint
CREATE OR REPLACE FUNCTION interaction_events_wall(part regclass) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', part);
  EXECUTE format('DROP POLICY IF EXISTS tenant_isolation ON %s', part);
  EXECUTE format($p$CREATE POLICY tenant_isolation ON %s AS PERMISSIVE FOR ALL TO showrunner_app
    USING (tenant_id = (select current_setting('app.tenant_id', true)))
    WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)))$p$, part);
  EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO showrunner_app', part);
END
$$;--> statement-breakpoint
-- Creates the day partitions from `first` for `days` days (existing ones are left alone).
CREATE OR REPLACE FUNCTION interaction_events_ensure_partitions(first date, days integer) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  d date;
  name text;
  made integer := 0;
BEGIN
  FOR i IN 0 .. days - 1 LOOP
    d := first + i;
    name := 'interaction_events_' || to_char(d, 'YYYYMMDD');
    IF to_regclass(name) IS NULL THEN
      EXECUTE format('CREATE TABLE %I PARTITION OF interaction_events FOR VALUES FROM (%L) TO (%L)',
        name, d::timestamp AT TIME ZONE 'UTC', (d + 1)::timestamp AT TIME ZONE 'UTC');
      PERFORM interaction_events_wall(name::regclass);
      made := made + 1;
    END IF;
  END LOOP;
  RETURN made;
END
$$;--> statement-breakpoint
-- Anything outside the day partitions lands here rather than being refused.
CREATE TABLE IF NOT EXISTS "interaction_events_default" PARTITION OF "interaction_events" DEFAULT;--> statement-breakpoint
SELECT interaction_events_wall('interaction_events_default');--> statement-breakpoint
SELECT interaction_events_ensure_partitions((now() AT TIME ZONE 'UTC')::date - 8, 16);
