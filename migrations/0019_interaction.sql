CREATE TABLE "blocked_words" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"word" text NOT NULL,
	"normalized" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "blocked_words_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "blocked_words" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "interaction_inbox" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"session_id" text NOT NULL,
	"batch_id" text NOT NULL,
	"event_id" text NOT NULL,
	"type" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"buyer_id" text NOT NULL,
	"data" jsonb NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"moved_at" timestamp with time zone,
	CONSTRAINT "interaction_inbox_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "interaction_inbox" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "session_gift_totals" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"session_id" text NOT NULL,
	"currency" text NOT NULL,
	"amount" bigint DEFAULT 0 NOT NULL,
	"gifts" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "session_gift_totals_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "session_gift_totals_amount_check" CHECK ("session_gift_totals"."amount" >= 0)
);
--> statement-breakpoint
ALTER TABLE "session_gift_totals" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "session_interaction_minutes" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"session_id" text NOT NULL,
	"minute" timestamp with time zone NOT NULL,
	"interactions" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "session_interaction_minutes_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "session_interaction_minutes" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "session_live_stats" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"viewers_now" integer DEFAULT 0 NOT NULL,
	"viewers_peak" integer DEFAULT 0 NOT NULL,
	"interactions" bigint DEFAULT 0 NOT NULL,
	"comments" bigint DEFAULT 0 NOT NULL,
	"comments_hidden" bigint DEFAULT 0 NOT NULL,
	"likes" bigint DEFAULT 0 NOT NULL,
	"shares" bigint DEFAULT 0 NOT NULL,
	"follows" bigint DEFAULT 0 NOT NULL,
	"questions" bigint DEFAULT 0 NOT NULL,
	"joins" bigint DEFAULT 0 NOT NULL,
	"gifts" bigint DEFAULT 0 NOT NULL,
	"last_event_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "session_live_stats_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "session_live_stats_viewers_check" CHECK ("session_live_stats"."viewers_now" >= 0 and "session_live_stats"."viewers_peak" >= "session_live_stats"."viewers_now")
);
--> statement-breakpoint
ALTER TABLE "session_live_stats" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "interaction_inbox" ADD CONSTRAINT "interaction_inbox_tenant_id_session_id_live_sessions_tenant_id_id_fk" FOREIGN KEY ("tenant_id","session_id") REFERENCES "public"."live_sessions"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_live_stats" ADD CONSTRAINT "session_live_stats_tenant_id_id_live_sessions_tenant_id_id_fk" FOREIGN KEY ("tenant_id","id") REFERENCES "public"."live_sessions"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "blocked_words_normalized_key" ON "blocked_words" USING btree ("tenant_id","normalized");--> statement-breakpoint
CREATE UNIQUE INDEX "interaction_inbox_event_key" ON "interaction_inbox" USING btree ("tenant_id","session_id","event_id");--> statement-breakpoint
CREATE INDEX "interaction_inbox_batch_idx" ON "interaction_inbox" USING btree ("tenant_id","batch_id");--> statement-breakpoint
CREATE INDEX "interaction_inbox_pending_idx" ON "interaction_inbox" USING btree ("received_at") WHERE "interaction_inbox"."moved_at" is null;--> statement-breakpoint
CREATE INDEX "session_gift_totals_session_idx" ON "session_gift_totals" USING btree ("tenant_id","session_id");--> statement-breakpoint
CREATE INDEX "session_interaction_minutes_idx" ON "session_interaction_minutes" USING btree ("tenant_id","session_id","minute");--> statement-breakpoint
CREATE POLICY "blocked_words_tenant_isolation" ON "blocked_words" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));--> statement-breakpoint
CREATE POLICY "interaction_inbox_tenant_isolation" ON "interaction_inbox" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));--> statement-breakpoint
CREATE POLICY "session_gift_totals_tenant_isolation" ON "session_gift_totals" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));--> statement-breakpoint
CREATE POLICY "session_interaction_minutes_tenant_isolation" ON "session_interaction_minutes" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));--> statement-breakpoint
CREATE POLICY "session_live_stats_tenant_isolation" ON "session_live_stats" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));