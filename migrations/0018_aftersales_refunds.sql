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
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_tenant_id_order_id_refund_ledgers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","order_id") REFERENCES "public"."refund_ledgers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "refund_ledgers_order_idx" ON "refund_ledgers" USING btree ("tenant_id","order_id");--> statement-breakpoint
CREATE INDEX "refunds_order_idx" ON "refunds" USING btree ("tenant_id","order_id");--> statement-breakpoint
CREATE INDEX "refunds_status_idx" ON "refunds" USING btree ("tenant_id","status","id");--> statement-breakpoint
CREATE POLICY "refund_ledgers_tenant_isolation" ON "refund_ledgers" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));--> statement-breakpoint
CREATE POLICY "refunds_tenant_isolation" ON "refunds" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));