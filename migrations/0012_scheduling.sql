CREATE TABLE "calendar_feeds" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"subject_type" text NOT NULL,
	"subject_id" text NOT NULL,
	"token_hash" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "calendar_feeds_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "calendar_feeds" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "crew_members" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"roles" text[] NOT NULL,
	"contact" text,
	"status" text DEFAULT 'active' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "crew_members_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "crew_members" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "live_sessions" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"title" text NOT NULL,
	"platform" text NOT NULL,
	"room" text,
	"planned_start" timestamp with time zone NOT NULL,
	"planned_end" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'scheduled' NOT NULL,
	"started_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	"run_of_show_version" integer DEFAULT 1 NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "live_sessions_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "live_sessions_planned_check" CHECK ("live_sessions"."planned_end" > "live_sessions"."planned_start")
);
--> statement-breakpoint
ALTER TABLE "live_sessions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "run_of_show_slots" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"session_id" text NOT NULL,
	"position" integer NOT NULL,
	"product_id" text NOT NULL,
	"sku_id" text,
	"pool_id" text NOT NULL,
	"planned_minute" integer NOT NULL,
	"duration_minutes" integer NOT NULL,
	"live_price" bigint NOT NULL,
	"currency" text NOT NULL,
	"offer" jsonb,
	"supply_cap" integer,
	"hero" boolean DEFAULT false NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "run_of_show_slots_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "run_of_show_slots_minutes_check" CHECK ("run_of_show_slots"."planned_minute" >= 0 and "run_of_show_slots"."duration_minutes" > 0),
	CONSTRAINT "run_of_show_slots_price_check" CHECK ("run_of_show_slots"."live_price" >= 0),
	CONSTRAINT "run_of_show_slots_supply_check" CHECK ("run_of_show_slots"."supply_cap" is null or "run_of_show_slots"."supply_cap" >= 0)
);
--> statement-breakpoint
ALTER TABLE "run_of_show_slots" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "session_assignments" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"session_id" text NOT NULL,
	"anchor_id" text,
	"crew_member_id" text,
	"role" text NOT NULL,
	"planned_start" timestamp with time zone NOT NULL,
	"planned_end" timestamp with time zone NOT NULL,
	"cancelled" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "session_assignments_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "session_assignments_one_person_check" CHECK (("session_assignments"."anchor_id" is null) <> ("session_assignments"."crew_member_id" is null))
);
--> statement-breakpoint
ALTER TABLE "session_assignments" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "session_showings" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"session_id" text NOT NULL,
	"kind" text NOT NULL,
	"product_id" text NOT NULL,
	"sku_id" text,
	"slot_id" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone,
	CONSTRAINT "session_showings_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "session_showings" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "run_of_show_slots" ADD CONSTRAINT "run_of_show_slots_tenant_id_session_id_live_sessions_tenant_id_id_fk" FOREIGN KEY ("tenant_id","session_id") REFERENCES "public"."live_sessions"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_of_show_slots" ADD CONSTRAINT "run_of_show_slots_tenant_id_product_id_products_tenant_id_id_fk" FOREIGN KEY ("tenant_id","product_id") REFERENCES "public"."products"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_of_show_slots" ADD CONSTRAINT "run_of_show_slots_tenant_id_sku_id_skus_tenant_id_id_fk" FOREIGN KEY ("tenant_id","sku_id") REFERENCES "public"."skus"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_of_show_slots" ADD CONSTRAINT "run_of_show_slots_tenant_id_pool_id_supply_pools_tenant_id_id_fk" FOREIGN KEY ("tenant_id","pool_id") REFERENCES "public"."supply_pools"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_assignments" ADD CONSTRAINT "session_assignments_tenant_id_session_id_live_sessions_tenant_id_id_fk" FOREIGN KEY ("tenant_id","session_id") REFERENCES "public"."live_sessions"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_assignments" ADD CONSTRAINT "session_assignments_tenant_id_anchor_id_anchors_tenant_id_id_fk" FOREIGN KEY ("tenant_id","anchor_id") REFERENCES "public"."anchors"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_assignments" ADD CONSTRAINT "session_assignments_tenant_id_crew_member_id_crew_members_tenant_id_id_fk" FOREIGN KEY ("tenant_id","crew_member_id") REFERENCES "public"."crew_members"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_showings" ADD CONSTRAINT "session_showings_tenant_id_session_id_live_sessions_tenant_id_id_fk" FOREIGN KEY ("tenant_id","session_id") REFERENCES "public"."live_sessions"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_showings" ADD CONSTRAINT "session_showings_tenant_id_product_id_products_tenant_id_id_fk" FOREIGN KEY ("tenant_id","product_id") REFERENCES "public"."products"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_showings" ADD CONSTRAINT "session_showings_tenant_id_sku_id_skus_tenant_id_id_fk" FOREIGN KEY ("tenant_id","sku_id") REFERENCES "public"."skus"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_showings" ADD CONSTRAINT "session_showings_tenant_id_slot_id_run_of_show_slots_tenant_id_id_fk" FOREIGN KEY ("tenant_id","slot_id") REFERENCES "public"."run_of_show_slots"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "calendar_feeds_subject_idx" ON "calendar_feeds" USING btree ("tenant_id","subject_type","subject_id");--> statement-breakpoint
CREATE UNIQUE INDEX "calendar_feeds_token_idx" ON "calendar_feeds" USING btree ("tenant_id","token_hash");--> statement-breakpoint
CREATE INDEX "live_sessions_planned_idx" ON "live_sessions" USING btree ("tenant_id","planned_start");--> statement-breakpoint
CREATE INDEX "run_of_show_slots_session_idx" ON "run_of_show_slots" USING btree ("tenant_id","session_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "session_assignments_anchor_idx" ON "session_assignments" USING btree ("tenant_id","session_id","anchor_id");--> statement-breakpoint
CREATE UNIQUE INDEX "session_assignments_crew_idx" ON "session_assignments" USING btree ("tenant_id","session_id","crew_member_id");--> statement-breakpoint
CREATE INDEX "session_assignments_session_idx" ON "session_assignments" USING btree ("tenant_id","session_id");--> statement-breakpoint
CREATE UNIQUE INDEX "session_showings_current_pin_idx" ON "session_showings" USING btree ("tenant_id","session_id") WHERE "session_showings"."kind" = 'pin' and "session_showings"."ended_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "session_showings_on_shelf_idx" ON "session_showings" USING btree ("tenant_id","session_id","product_id",coalesce("sku_id", '')) WHERE "session_showings"."kind" = 'shelf' and "session_showings"."ended_at" is null;--> statement-breakpoint
CREATE INDEX "session_showings_session_idx" ON "session_showings" USING btree ("tenant_id","session_id","started_at");--> statement-breakpoint
CREATE POLICY "calendar_feeds_tenant_isolation" ON "calendar_feeds" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));--> statement-breakpoint
CREATE POLICY "crew_members_tenant_isolation" ON "crew_members" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));--> statement-breakpoint
CREATE POLICY "live_sessions_tenant_isolation" ON "live_sessions" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));--> statement-breakpoint
CREATE POLICY "run_of_show_slots_tenant_isolation" ON "run_of_show_slots" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));--> statement-breakpoint
CREATE POLICY "session_assignments_tenant_isolation" ON "session_assignments" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));--> statement-breakpoint
CREATE POLICY "session_showings_tenant_isolation" ON "session_showings" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));