CREATE TABLE "moderation_hooks" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"installation_id" text NOT NULL,
	"url" text NOT NULL,
	"timeout_ms" integer NOT NULL,
	"on_timeout" text NOT NULL,
	"secret" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "moderation_hooks_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "moderation_hooks_timeout_check" CHECK ("moderation_hooks"."timeout_ms" between 50 and 5000)
);
--> statement-breakpoint
ALTER TABLE "moderation_hooks" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE UNIQUE INDEX "moderation_hooks_tenant_key" ON "moderation_hooks" USING btree ("tenant_id");--> statement-breakpoint
CREATE POLICY "moderation_hooks_tenant_isolation" ON "moderation_hooks" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));