CREATE TABLE "anchor_standards" (
	"id" text PRIMARY KEY NOT NULL,
	"version" integer NOT NULL,
	"title" text NOT NULL,
	"rules" jsonb NOT NULL,
	"severity_weights" jsonb NOT NULL,
	"strike_window_days" integer NOT NULL,
	"suspension_threshold" double precision NOT NULL,
	"published_by" text NOT NULL,
	"effective_from" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "anchor_standards_window_check" CHECK ("anchor_standards"."strike_window_days" > 0 and "anchor_standards"."suspension_threshold" > 0)
);
--> statement-breakpoint
CREATE TABLE "anchor_suspensions" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"anchor_id" text NOT NULL,
	"strikes" double precision NOT NULL,
	"threshold" double precision NOT NULL,
	"standard_id" text NOT NULL,
	"standard_version" integer NOT NULL,
	"violation_ids" text[] NOT NULL,
	"suspended_at" timestamp with time zone DEFAULT now() NOT NULL,
	"lifted_at" timestamp with time zone,
	"lifted_by" text,
	"lift_reason" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "anchor_suspensions_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "anchor_suspensions_lift_check" CHECK (("anchor_suspensions"."lifted_at" is null) = ("anchor_suspensions"."lifted_by" is null) and ("anchor_suspensions"."lifted_at" is null) = ("anchor_suspensions"."lift_reason" is null))
);
--> statement-breakpoint
ALTER TABLE "anchor_suspensions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "anchor_tier_changes" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"anchor_id" text NOT NULL,
	"review_id" text NOT NULL,
	"from_tier" text NOT NULL,
	"to_tier" text NOT NULL,
	"direction" text NOT NULL,
	"rank_in_tier" integer NOT NULL,
	"score" double precision NOT NULL,
	"measures" jsonb NOT NULL,
	"reasons" text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "anchor_tier_changes_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "anchor_tier_changes_one_step_check" CHECK (("anchor_tier_changes"."from_tier", "anchor_tier_changes"."to_tier") in (('tail', 'waist'), ('waist', 'head'), ('head', 'waist'), ('waist', 'tail')))
);
--> statement-breakpoint
ALTER TABLE "anchor_tier_changes" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "anchor_tiers" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"tier" text NOT NULL,
	"since" timestamp with time zone DEFAULT now() NOT NULL,
	"rank" integer NOT NULL,
	"score" double precision NOT NULL,
	"measures" jsonb NOT NULL,
	"review_id" text NOT NULL,
	"reviewed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "anchor_tiers_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "anchor_tiers" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "anchor_violations" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"anchor_id" text NOT NULL,
	"standard_id" text NOT NULL,
	"standard_version" integer NOT NULL,
	"rule_code" text NOT NULL,
	"rule_description" text NOT NULL,
	"severity" text NOT NULL,
	"strike_weight" double precision NOT NULL,
	"evidence_text" text NOT NULL,
	"evidence_urls" text[] NOT NULL,
	"session_id" text,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL,
	"recorded_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "anchor_violations_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "anchor_violations_weight_check" CHECK ("anchor_violations"."strike_weight" >= 0)
);
--> statement-breakpoint
ALTER TABLE "anchor_violations" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "anchor_standards" ADD CONSTRAINT "anchor_standards_published_by_organizations_id_fk" FOREIGN KEY ("published_by") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "anchor_suspensions" ADD CONSTRAINT "anchor_suspensions_standard_id_anchor_standards_id_fk" FOREIGN KEY ("standard_id") REFERENCES "public"."anchor_standards"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "anchor_suspensions" ADD CONSTRAINT "anchor_suspensions_tenant_id_anchor_id_anchors_tenant_id_id_fk" FOREIGN KEY ("tenant_id","anchor_id") REFERENCES "public"."anchors"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "anchor_tier_changes" ADD CONSTRAINT "anchor_tier_changes_tenant_id_anchor_id_anchors_tenant_id_id_fk" FOREIGN KEY ("tenant_id","anchor_id") REFERENCES "public"."anchors"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "anchor_tiers" ADD CONSTRAINT "anchor_tiers_tenant_id_id_anchors_tenant_id_id_fk" FOREIGN KEY ("tenant_id","id") REFERENCES "public"."anchors"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "anchor_violations" ADD CONSTRAINT "anchor_violations_standard_id_anchor_standards_id_fk" FOREIGN KEY ("standard_id") REFERENCES "public"."anchor_standards"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "anchor_violations" ADD CONSTRAINT "anchor_violations_tenant_id_anchor_id_anchors_tenant_id_id_fk" FOREIGN KEY ("tenant_id","anchor_id") REFERENCES "public"."anchors"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "anchor_standards_version_idx" ON "anchor_standards" USING btree ("version");--> statement-breakpoint
CREATE UNIQUE INDEX "anchor_suspensions_in_force_idx" ON "anchor_suspensions" USING btree ("tenant_id","anchor_id") WHERE lifted_at is null;--> statement-breakpoint
CREATE INDEX "anchor_suspensions_anchor_idx" ON "anchor_suspensions" USING btree ("tenant_id","anchor_id","suspended_at");--> statement-breakpoint
CREATE INDEX "anchor_tier_changes_anchor_idx" ON "anchor_tier_changes" USING btree ("tenant_id","anchor_id");--> statement-breakpoint
CREATE INDEX "anchor_tiers_rank_idx" ON "anchor_tiers" USING btree ("tenant_id","tier","rank");--> statement-breakpoint
CREATE INDEX "anchor_violations_anchor_idx" ON "anchor_violations" USING btree ("tenant_id","anchor_id","occurred_at");--> statement-breakpoint
CREATE POLICY "anchor_suspensions_tenant_isolation" ON "anchor_suspensions" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));--> statement-breakpoint
CREATE POLICY "anchor_tier_changes_tenant_isolation" ON "anchor_tier_changes" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));--> statement-breakpoint
CREATE POLICY "anchor_tiers_tenant_isolation" ON "anchor_tiers" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));--> statement-breakpoint
CREATE POLICY "anchor_violations_tenant_isolation" ON "anchor_violations" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));