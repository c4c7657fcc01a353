CREATE TABLE "interaction_batches" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"session_id" text NOT NULL,
	"events" integer NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"moved_at" timestamp with time zone,
	CONSTRAINT "interaction_batches_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "interaction_batches_events_check" CHECK ("interaction_batches"."events" > 0)
);
--> statement-breakpoint
ALTER TABLE "interaction_batches" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
DROP INDEX "interaction_inbox_pending_idx";--> statement-breakpoint
DROP INDEX "interaction_inbox_moved_idx";--> statement-breakpoint
CREATE INDEX "interaction_batches_pending_idx" ON "interaction_batches" USING btree ("received_at") WHERE "interaction_batches"."moved_at" is null;--> statement-breakpoint
CREATE INDEX "interaction_batches_moved_idx" ON "interaction_batches" USING btree ("moved_at") WHERE "interaction_batches"."moved_at" is not null;--> statement-breakpoint
-- Every batch the inbox holds becomes a batch row, moved when its rows were (a move marked all of a batch's rows at once).
INSERT INTO "interaction_batches" ("tenant_id", "id", "session_id", "events", "received_at", "moved_at")
SELECT "tenant_id", "batch_id", min("session_id"), count(*)::int, min("received_at"),
  CASE WHEN bool_and("moved_at" IS NOT NULL) THEN max("moved_at") END
FROM "interaction_inbox" GROUP BY "tenant_id", "batch_id";--> statement-breakpoint
ALTER TABLE "interaction_inbox" DROP COLUMN "moved_at";--> statement-breakpoint
CREATE POLICY "interaction_batches_tenant_isolation" ON "interaction_batches" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));