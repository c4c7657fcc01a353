CREATE TABLE "anchor_contracts" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"anchor_id" text NOT NULL,
	"mcn_share_rate" double precision NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date,
	"note" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "anchor_contracts_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "anchor_contracts_rate_check" CHECK ("anchor_contracts"."mcn_share_rate" >= 0 and "anchor_contracts"."mcn_share_rate" <= 1),
	CONSTRAINT "anchor_contracts_period_check" CHECK ("anchor_contracts"."ends_on" is null or "anchor_contracts"."ends_on" >= "anchor_contracts"."starts_on")
);
--> statement-breakpoint
ALTER TABLE "anchor_contracts" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "commission_entries" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"anchor_id" text NOT NULL,
	"order_id" text NOT NULL,
	"order_item_id" text NOT NULL,
	"kind" text NOT NULL,
	"source_id" text NOT NULL,
	"currency" text NOT NULL,
	"item_amount" bigint NOT NULL,
	"commission" bigint NOT NULL,
	"mcn_share" bigint NOT NULL,
	"mcn_share_rate" double precision NOT NULL,
	"contract_id" text,
	"period" text NOT NULL,
	"event_period" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "commission_entries_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "commission_entries_period_check" CHECK ("commission_entries"."period" ~ '^[0-9]{4}-(0[1-9]|1[0-2])$' and "commission_entries"."period" >= "commission_entries"."event_period"),
	CONSTRAINT "commission_entries_sign_check" CHECK (("commission_entries"."kind" = 'sale') = ("commission_entries"."commission" >= 0 and "commission_entries"."mcn_share" >= 0 and "commission_entries"."item_amount" >= 0) or ("commission_entries"."commission" = 0 and "commission_entries"."mcn_share" = 0 and "commission_entries"."item_amount" = 0))
);
--> statement-breakpoint
ALTER TABLE "commission_entries" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "settlement_statements" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"period" text NOT NULL,
	"status" text DEFAULT 'closing' NOT NULL,
	"job_id" text,
	"totals" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"anchors" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"entry_count" bigint DEFAULT 0 NOT NULL,
	"closed_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "settlement_statements_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "settlement_statements_period_check" CHECK ("settlement_statements"."period" ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
	CONSTRAINT "settlement_statements_closed_check" CHECK (("settlement_statements"."status" = 'closed') = ("settlement_statements"."closed_at" is not null))
);
--> statement-breakpoint
ALTER TABLE "settlement_statements" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "anchor_contracts" ADD CONSTRAINT "anchor_contracts_tenant_id_anchor_id_anchors_tenant_id_id_fk" FOREIGN KEY ("tenant_id","anchor_id") REFERENCES "public"."anchors"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "anchor_contracts_anchor_idx" ON "anchor_contracts" USING btree ("tenant_id","anchor_id","starts_on");--> statement-breakpoint
CREATE UNIQUE INDEX "commission_entries_source_key" ON "commission_entries" USING btree ("tenant_id","order_item_id","kind","source_id");--> statement-breakpoint
CREATE INDEX "commission_entries_period_idx" ON "commission_entries" USING btree ("tenant_id","period","anchor_id");--> statement-breakpoint
CREATE INDEX "commission_entries_item_idx" ON "commission_entries" USING btree ("tenant_id","order_item_id");--> statement-breakpoint
CREATE INDEX "commission_entries_order_idx" ON "commission_entries" USING btree ("tenant_id","order_id");--> statement-breakpoint
CREATE UNIQUE INDEX "settlement_statements_period_key" ON "settlement_statements" USING btree ("tenant_id","period");--> statement-breakpoint
CREATE POLICY "anchor_contracts_tenant_isolation" ON "anchor_contracts" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));--> statement-breakpoint
CREATE POLICY "commission_entries_tenant_isolation" ON "commission_entries" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));--> statement-breakpoint
CREATE POLICY "settlement_statements_tenant_isolation" ON "settlement_statements" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));