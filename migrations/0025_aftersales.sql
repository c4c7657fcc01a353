CREATE TABLE "dispute_steps" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"dispute_id" text NOT NULL,
	"party" text NOT NULL,
	"kind" text NOT NULL,
	"text" text,
	"urls" text[] DEFAULT '{}'::text[] NOT NULL,
	"recorded_by" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "dispute_steps_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "dispute_steps" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "disputes" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"order_id" text NOT NULL,
	"refund_id" text,
	"stage" text DEFAULT 'merchant_response' NOT NULL,
	"currency" text NOT NULL,
	"deadline_at" timestamp with time zone,
	"escalated_at" timestamp with time zone,
	"outcome" text,
	"decided_amount" bigint,
	"decision_refund_id" text,
	"decided_by" text,
	"resolved_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "disputes_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "disputes_deadline_check" CHECK (("disputes"."stage" in ('merchant_response', 'buyer_reply')) = ("disputes"."deadline_at" is not null))
);
--> statement-breakpoint
ALTER TABLE "disputes" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "refund_ledgers" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"order_id" text NOT NULL,
	"currency" text NOT NULL,
	"paid" bigint NOT NULL,
	"reserved" bigint DEFAULT 0 NOT NULL,
	"refunded" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "refund_ledgers_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "refund_ledgers_amounts_check" CHECK ("refund_ledgers"."paid" >= 0 and "refund_ledgers"."reserved" >= 0 and "refund_ledgers"."reserved" <= "refund_ledgers"."paid" and "refund_ledgers"."refunded" >= 0 and "refund_ledgers"."refunded" <= "refund_ledgers"."reserved")
);
--> statement-breakpoint
ALTER TABLE "refund_ledgers" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "refunds" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"order_id" text NOT NULL,
	"order_item_id" text,
	"status" text DEFAULT 'requested' NOT NULL,
	"reason" text NOT NULL,
	"detail" text,
	"amount" bigint NOT NULL,
	"currency" text NOT NULL,
	"with_return" boolean DEFAULT false NOT NULL,
	"return_tracking_number" text,
	"return_carrier" text,
	"refusal_reason" text,
	"dispute_id" text,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"approved_at" timestamp with time zone,
	"refused_at" timestamp with time zone,
	"return_shipped_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "refunds_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "refunds_amount_check" CHECK ("refunds"."amount" > 0)
);
--> statement-breakpoint
ALTER TABLE "refunds" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "dispute_steps" ADD CONSTRAINT "dispute_steps_tenant_id_dispute_id_disputes_tenant_id_id_fk" FOREIGN KEY ("tenant_id","dispute_id") REFERENCES "public"."disputes"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_tenant_id_refund_id_refunds_tenant_id_id_fk" FOREIGN KEY ("tenant_id","refund_id") REFERENCES "public"."refunds"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_tenant_id_order_id_refund_ledgers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","order_id") REFERENCES "public"."refund_ledgers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "dispute_steps_dispute_idx" ON "dispute_steps" USING btree ("tenant_id","dispute_id","at");--> statement-breakpoint
CREATE INDEX "disputes_order_idx" ON "disputes" USING btree ("tenant_id","order_id");--> statement-breakpoint
CREATE INDEX "disputes_deadline_idx" ON "disputes" USING btree ("stage","deadline_at");--> statement-breakpoint
CREATE INDEX "refund_ledgers_order_idx" ON "refund_ledgers" USING btree ("tenant_id","order_id");--> statement-breakpoint
CREATE INDEX "refunds_order_idx" ON "refunds" USING btree ("tenant_id","order_id");--> statement-breakpoint
CREATE INDEX "refunds_status_idx" ON "refunds" USING btree ("tenant_id","status","id");--> statement-breakpoint
CREATE POLICY "dispute_steps_tenant_isolation" ON "dispute_steps" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));--> statement-breakpoint
CREATE POLICY "disputes_tenant_isolation" ON "disputes" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));--> statement-breakpoint
CREATE POLICY "refund_ledgers_tenant_isolation" ON "refund_ledgers" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));--> statement-breakpoint
CREATE POLICY "refunds_tenant_isolation" ON "refunds" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));