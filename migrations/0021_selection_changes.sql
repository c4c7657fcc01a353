CREATE TABLE "selection_changes" (
	"tenant_id" text NOT NULL,
	"id" bigserial NOT NULL,
	"scope" text NOT NULL,
	"subject_id" text,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "selection_changes_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "selection_changes" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "selection_state" ALTER COLUMN "version" SET DATA TYPE bigint;--> statement-breakpoint
CREATE POLICY "selection_changes_tenant_isolation" ON "selection_changes" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));