CREATE TABLE "campaigns" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"goal" text NOT NULL,
	"channel" text NOT NULL,
	"budget" bigint NOT NULL,
	"committed" bigint DEFAULT 0 NOT NULL,
	"currency" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"attribution_model" text DEFAULT 'last_touch' NOT NULL,
	"lookback_days" integer DEFAULT 7 NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "campaigns_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "campaigns_dates_check" CHECK ("campaigns"."ends_at" > "campaigns"."starts_at"),
	CONSTRAINT "campaigns_budget_check" CHECK ("campaigns"."budget" >= 0 and "campaigns"."committed" >= 0 and "campaigns"."committed" <= "campaigns"."budget"),
	CONSTRAINT "campaigns_lookback_check" CHECK ("campaigns"."lookback_days" between 1 and 90)
);
--> statement-breakpoint
ALTER TABLE "campaigns" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "order_conversions" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"buyer_id" text NOT NULL,
	"anchor_id" text NOT NULL,
	"session_id" text,
	"code" text,
	"placed_at" timestamp with time zone NOT NULL,
	"paid_amount" bigint DEFAULT 0 NOT NULL,
	"currency" text NOT NULL,
	"paid_at" timestamp with time zone,
	"cancelled" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "order_conversions_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "order_conversions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "placements" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"campaign_id" text NOT NULL,
	"session_id" text NOT NULL,
	"kind" text NOT NULL,
	"cost" bigint NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"reported_impressions" bigint,
	"reported_visits" bigint,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "placements_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "placements_window_check" CHECK ("placements"."ends_at" > "placements"."starts_at"),
	CONSTRAINT "placements_cost_check" CHECK ("placements"."cost" >= 0),
	CONSTRAINT "placements_traffic_check" CHECK (coalesce("placements"."reported_impressions", 0) >= 0 and coalesce("placements"."reported_visits", 0) >= 0)
);
--> statement-breakpoint
ALTER TABLE "placements" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "touches" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"kind" text NOT NULL,
	"buyer_id" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"code" text,
	"campaign_id" text,
	"session_id" text,
	"anchor_id" text,
	"external_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "touches_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "touches" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "tracked_links" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"campaign_id" text NOT NULL,
	"code" text NOT NULL,
	"target_type" text NOT NULL,
	"session_id" text,
	"anchor_id" text,
	"product_id" text,
	"label" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tracked_links_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "tracked_links_target_check" CHECK (("tracked_links"."target_type" = 'session') = ("tracked_links"."session_id" is not null) and ("tracked_links"."target_type" = 'anchor') = ("tracked_links"."anchor_id" is not null) and ("tracked_links"."target_type" = 'product') = ("tracked_links"."product_id" is not null))
);
--> statement-breakpoint
ALTER TABLE "tracked_links" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "consultation_messages" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"consultation_id" text NOT NULL,
	"author" text NOT NULL,
	"text" text NOT NULL,
	"agent" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "consultation_messages_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "consultation_messages" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "consultations" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"product_id" text NOT NULL,
	"anchor_id" text,
	"buyer_id" text NOT NULL,
	"channel" text NOT NULL,
	"question" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"during_live" boolean DEFAULT false NOT NULL,
	"live_session_id" text,
	"claim_key" text,
	"claimed_by" jsonb,
	"claimed_at" timestamp with time zone,
	"claim_expires_at" timestamp with time zone,
	"answered_by" jsonb,
	"first_response_at" timestamp with time zone,
	"first_response_seconds" integer,
	"closed_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "consultations_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "consultations_claim_check" CHECK (("consultations"."claim_key" is null) = ("consultations"."claimed_by" is null) and ("consultations"."claim_key" is null) = ("consultations"."claim_expires_at" is null)),
	CONSTRAINT "consultations_response_check" CHECK ("consultations"."first_response_seconds" is null or "consultations"."first_response_seconds" >= 0)
);
--> statement-breakpoint
ALTER TABLE "consultations" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "placements" ADD CONSTRAINT "placements_tenant_id_campaign_id_campaigns_tenant_id_id_fk" FOREIGN KEY ("tenant_id","campaign_id") REFERENCES "public"."campaigns"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "placements" ADD CONSTRAINT "placements_tenant_id_session_id_live_sessions_tenant_id_id_fk" FOREIGN KEY ("tenant_id","session_id") REFERENCES "public"."live_sessions"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "touches" ADD CONSTRAINT "touches_tenant_id_buyer_id_buyers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","buyer_id") REFERENCES "public"."buyers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "touches" ADD CONSTRAINT "touches_tenant_id_campaign_id_campaigns_tenant_id_id_fk" FOREIGN KEY ("tenant_id","campaign_id") REFERENCES "public"."campaigns"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "touches" ADD CONSTRAINT "touches_tenant_id_session_id_live_sessions_tenant_id_id_fk" FOREIGN KEY ("tenant_id","session_id") REFERENCES "public"."live_sessions"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "touches" ADD CONSTRAINT "touches_tenant_id_anchor_id_anchors_tenant_id_id_fk" FOREIGN KEY ("tenant_id","anchor_id") REFERENCES "public"."anchors"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tracked_links" ADD CONSTRAINT "tracked_links_tenant_id_campaign_id_campaigns_tenant_id_id_fk" FOREIGN KEY ("tenant_id","campaign_id") REFERENCES "public"."campaigns"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tracked_links" ADD CONSTRAINT "tracked_links_tenant_id_session_id_live_sessions_tenant_id_id_fk" FOREIGN KEY ("tenant_id","session_id") REFERENCES "public"."live_sessions"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tracked_links" ADD CONSTRAINT "tracked_links_tenant_id_anchor_id_anchors_tenant_id_id_fk" FOREIGN KEY ("tenant_id","anchor_id") REFERENCES "public"."anchors"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tracked_links" ADD CONSTRAINT "tracked_links_tenant_id_product_id_products_tenant_id_id_fk" FOREIGN KEY ("tenant_id","product_id") REFERENCES "public"."products"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consultation_messages" ADD CONSTRAINT "consultation_messages_tenant_id_consultation_id_consultations_tenant_id_id_fk" FOREIGN KEY ("tenant_id","consultation_id") REFERENCES "public"."consultations"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consultations" ADD CONSTRAINT "consultations_tenant_id_product_id_products_tenant_id_id_fk" FOREIGN KEY ("tenant_id","product_id") REFERENCES "public"."products"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consultations" ADD CONSTRAINT "consultations_tenant_id_anchor_id_anchors_tenant_id_id_fk" FOREIGN KEY ("tenant_id","anchor_id") REFERENCES "public"."anchors"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consultations" ADD CONSTRAINT "consultations_tenant_id_buyer_id_buyers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","buyer_id") REFERENCES "public"."buyers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consultations" ADD CONSTRAINT "consultations_tenant_id_live_session_id_live_sessions_tenant_id_id_fk" FOREIGN KEY ("tenant_id","live_session_id") REFERENCES "public"."live_sessions"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "order_conversions_buyer_idx" ON "order_conversions" USING btree ("tenant_id","buyer_id");--> statement-breakpoint
CREATE INDEX "placements_campaign_idx" ON "placements" USING btree ("tenant_id","campaign_id");--> statement-breakpoint
CREATE UNIQUE INDEX "touches_external_key" ON "touches" USING btree ("tenant_id","external_id");--> statement-breakpoint
CREATE INDEX "touches_buyer_idx" ON "touches" USING btree ("tenant_id","buyer_id","occurred_at");--> statement-breakpoint
CREATE INDEX "touches_campaign_idx" ON "touches" USING btree ("tenant_id","campaign_id","kind");--> statement-breakpoint
CREATE INDEX "touches_session_idx" ON "touches" USING btree ("tenant_id","session_id","kind");--> statement-breakpoint
CREATE INDEX "touches_anchor_idx" ON "touches" USING btree ("tenant_id","anchor_id","kind","occurred_at");--> statement-breakpoint
CREATE UNIQUE INDEX "tracked_links_code_key" ON "tracked_links" USING btree ("tenant_id","code");--> statement-breakpoint
CREATE INDEX "tracked_links_campaign_idx" ON "tracked_links" USING btree ("tenant_id","campaign_id");--> statement-breakpoint
CREATE INDEX "consultation_messages_ticket_idx" ON "consultation_messages" USING btree ("tenant_id","consultation_id");--> statement-breakpoint
CREATE INDEX "consultations_anchor_idx" ON "consultations" USING btree ("tenant_id","anchor_id","created_at");--> statement-breakpoint
CREATE INDEX "consultations_product_idx" ON "consultations" USING btree ("tenant_id","product_id","created_at");--> statement-breakpoint
CREATE INDEX "consultations_status_idx" ON "consultations" USING btree ("tenant_id","status");--> statement-breakpoint
CREATE POLICY "campaigns_tenant_isolation" ON "campaigns" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));--> statement-breakpoint
CREATE POLICY "order_conversions_tenant_isolation" ON "order_conversions" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));--> statement-breakpoint
CREATE POLICY "placements_tenant_isolation" ON "placements" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));--> statement-breakpoint
CREATE POLICY "touches_tenant_isolation" ON "touches" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));--> statement-breakpoint
CREATE POLICY "tracked_links_tenant_isolation" ON "tracked_links" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));--> statement-breakpoint
CREATE POLICY "consultation_messages_tenant_isolation" ON "consultation_messages" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));--> statement-breakpoint
CREATE POLICY "consultations_tenant_isolation" ON "consultations" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));