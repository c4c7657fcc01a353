CREATE TABLE "media" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"session_id" text NOT NULL,
	"kind" text NOT NULL,
	"source_url" text NOT NULL,
	"title" text,
	"clip_start_seconds" double precision,
	"clip_end_seconds" double precision,
	"state" text DEFAULT 'pending' NOT NULL,
	"adapter" text,
	"external_id" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"outputs" jsonb,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "media_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "media_state_check" CHECK ("media"."state" in ('pending', 'submitted', 'processing', 'ready', 'failed')),
	CONSTRAINT "media_clip_range_check" CHECK ("media"."clip_end_seconds" is null or "media"."clip_start_seconds" is null or "media"."clip_end_seconds" > "media"."clip_start_seconds"),
	CONSTRAINT "media_ready_outputs_check" CHECK ("media"."state" <> 'ready' or "media"."outputs" is not null)
);
--> statement-breakpoint
ALTER TABLE "media" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "media" ADD CONSTRAINT "media_tenant_id_session_id_live_sessions_tenant_id_id_fk" FOREIGN KEY ("tenant_id","session_id") REFERENCES "public"."live_sessions"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "media_session_idx" ON "media" USING btree ("tenant_id","session_id","id");--> statement-breakpoint
CREATE INDEX "media_id_idx" ON "media" USING btree ("id");--> statement-breakpoint
CREATE POLICY "media_tenant_isolation" ON "media" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));