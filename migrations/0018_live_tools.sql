CREATE TABLE "live_coupon_claims" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"coupon_id" text NOT NULL,
	"buyer_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "live_coupon_claims_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "live_coupon_claims" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "live_coupon_holdings" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"coupon_id" text NOT NULL,
	"buyer_id" text NOT NULL,
	"claimed" integer NOT NULL,
	"per_buyer_limit" integer NOT NULL,
	CONSTRAINT "live_coupon_holdings_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "live_coupon_holdings_limit_check" CHECK ("live_coupon_holdings"."claimed" >= 1 and "live_coupon_holdings"."claimed" <= "live_coupon_holdings"."per_buyer_limit")
);
--> statement-breakpoint
ALTER TABLE "live_coupon_holdings" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "live_coupons" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"session_id" text,
	"product_id" text,
	"name" text NOT NULL,
	"discount_percent" integer,
	"discount_amount" bigint,
	"currency" text,
	"total_limit" integer NOT NULL,
	"per_buyer_limit" integer NOT NULL,
	"issued_count" integer DEFAULT 0 NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"starts_at" timestamp with time zone,
	"ends_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "live_coupons_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "live_coupons_issued_check" CHECK ("live_coupons"."issued_count" >= 0 and "live_coupons"."issued_count" <= "live_coupons"."total_limit"),
	CONSTRAINT "live_coupons_limits_check" CHECK ("live_coupons"."per_buyer_limit" >= 1 and "live_coupons"."total_limit" >= 1),
	CONSTRAINT "live_coupons_discount_check" CHECK (("live_coupons"."discount_percent" is null) <> ("live_coupons"."discount_amount" is null) and ("live_coupons"."discount_amount" is null) = ("live_coupons"."currency" is null))
);
--> statement-breakpoint
ALTER TABLE "live_coupons" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "live_draw_entries" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"draw_id" text NOT NULL,
	"buyer_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "live_draw_entries_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "live_draw_entries" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "live_draws" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"session_id" text NOT NULL,
	"prize" text NOT NULL,
	"winners_count" integer NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"seed" "bytea" NOT NULL,
	"commitment" text NOT NULL,
	"entry_count" integer,
	"entries_sha256" text,
	"winners" jsonb,
	"closed_at" timestamp with time zone,
	"drawn_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "live_draws_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "live_draws_winners_check" CHECK ("live_draws"."winners_count" >= 1),
	CONSTRAINT "live_draws_seed_check" CHECK (octet_length("live_draws"."seed") = 32)
);
--> statement-breakpoint
ALTER TABLE "live_draws" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "live_poll_votes" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"poll_id" text NOT NULL,
	"buyer_id" text NOT NULL,
	"option" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "live_poll_votes_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "live_poll_votes_option_check" CHECK ("live_poll_votes"."option" >= 0)
);
--> statement-breakpoint
ALTER TABLE "live_poll_votes" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "live_polls" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"session_id" text NOT NULL,
	"question" text NOT NULL,
	"options" jsonb NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"opened_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "live_polls_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "live_polls" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "live_questions" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"session_id" text NOT NULL,
	"buyer_id" text NOT NULL,
	"text" text NOT NULL,
	"answer_text" text,
	"answered_by" jsonb,
	"answered_crew_member_id" text,
	"answered_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "live_questions_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "live_questions_answer_check" CHECK (("live_questions"."answered_at" is null) = ("live_questions"."answer_text" is null))
);
--> statement-breakpoint
ALTER TABLE "live_questions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "live_coupon_claims" ADD CONSTRAINT "live_coupon_claims_tenant_id_coupon_id_live_coupons_tenant_id_id_fk" FOREIGN KEY ("tenant_id","coupon_id") REFERENCES "public"."live_coupons"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_coupon_claims" ADD CONSTRAINT "live_coupon_claims_tenant_id_buyer_id_buyers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","buyer_id") REFERENCES "public"."buyers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_coupon_holdings" ADD CONSTRAINT "live_coupon_holdings_tenant_id_coupon_id_live_coupons_tenant_id_id_fk" FOREIGN KEY ("tenant_id","coupon_id") REFERENCES "public"."live_coupons"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_coupon_holdings" ADD CONSTRAINT "live_coupon_holdings_tenant_id_buyer_id_buyers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","buyer_id") REFERENCES "public"."buyers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_coupons" ADD CONSTRAINT "live_coupons_tenant_id_session_id_live_sessions_tenant_id_id_fk" FOREIGN KEY ("tenant_id","session_id") REFERENCES "public"."live_sessions"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_coupons" ADD CONSTRAINT "live_coupons_tenant_id_product_id_products_tenant_id_id_fk" FOREIGN KEY ("tenant_id","product_id") REFERENCES "public"."products"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_draw_entries" ADD CONSTRAINT "live_draw_entries_tenant_id_draw_id_live_draws_tenant_id_id_fk" FOREIGN KEY ("tenant_id","draw_id") REFERENCES "public"."live_draws"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_draw_entries" ADD CONSTRAINT "live_draw_entries_tenant_id_buyer_id_buyers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","buyer_id") REFERENCES "public"."buyers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_draws" ADD CONSTRAINT "live_draws_tenant_id_session_id_live_sessions_tenant_id_id_fk" FOREIGN KEY ("tenant_id","session_id") REFERENCES "public"."live_sessions"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_poll_votes" ADD CONSTRAINT "live_poll_votes_tenant_id_poll_id_live_polls_tenant_id_id_fk" FOREIGN KEY ("tenant_id","poll_id") REFERENCES "public"."live_polls"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_poll_votes" ADD CONSTRAINT "live_poll_votes_tenant_id_buyer_id_buyers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","buyer_id") REFERENCES "public"."buyers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_polls" ADD CONSTRAINT "live_polls_tenant_id_session_id_live_sessions_tenant_id_id_fk" FOREIGN KEY ("tenant_id","session_id") REFERENCES "public"."live_sessions"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_questions" ADD CONSTRAINT "live_questions_tenant_id_session_id_live_sessions_tenant_id_id_fk" FOREIGN KEY ("tenant_id","session_id") REFERENCES "public"."live_sessions"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_questions" ADD CONSTRAINT "live_questions_tenant_id_buyer_id_buyers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","buyer_id") REFERENCES "public"."buyers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_questions" ADD CONSTRAINT "live_questions_tenant_id_answered_crew_member_id_crew_members_tenant_id_id_fk" FOREIGN KEY ("tenant_id","answered_crew_member_id") REFERENCES "public"."crew_members"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "live_coupon_claims_coupon_idx" ON "live_coupon_claims" USING btree ("tenant_id","coupon_id","id");--> statement-breakpoint
CREATE INDEX "live_coupons_session_idx" ON "live_coupons" USING btree ("tenant_id","session_id");--> statement-breakpoint
CREATE UNIQUE INDEX "live_draw_entries_buyer_idx" ON "live_draw_entries" USING btree ("tenant_id","draw_id","buyer_id");--> statement-breakpoint
CREATE INDEX "live_draws_session_idx" ON "live_draws" USING btree ("tenant_id","session_id","id");--> statement-breakpoint
CREATE INDEX "live_polls_session_idx" ON "live_polls" USING btree ("tenant_id","session_id","id");--> statement-breakpoint
CREATE INDEX "live_questions_session_idx" ON "live_questions" USING btree ("tenant_id","session_id","id");--> statement-breakpoint
CREATE POLICY "live_coupon_claims_tenant_isolation" ON "live_coupon_claims" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));--> statement-breakpoint
CREATE POLICY "live_coupon_holdings_tenant_isolation" ON "live_coupon_holdings" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));--> statement-breakpoint
CREATE POLICY "live_coupons_tenant_isolation" ON "live_coupons" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));--> statement-breakpoint
CREATE POLICY "live_draw_entries_tenant_isolation" ON "live_draw_entries" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));--> statement-breakpoint
CREATE POLICY "live_draws_tenant_isolation" ON "live_draws" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));--> statement-breakpoint
CREATE POLICY "live_poll_votes_tenant_isolation" ON "live_poll_votes" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));--> statement-breakpoint
CREATE POLICY "live_polls_tenant_isolation" ON "live_polls" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));--> statement-breakpoint
CREATE POLICY "live_questions_tenant_isolation" ON "live_questions" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));