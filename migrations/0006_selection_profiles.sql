CREATE TABLE "anchor_sales_profiles" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"category_units" jsonb NOT NULL,
	"recent" jsonb NOT NULL,
	"refreshed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "anchor_sales_profiles_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "anchor_sales_profiles" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "selection_index" ADD COLUMN "title" text NOT NULL;--> statement-breakpoint
ALTER TABLE "selection_index" ADD COLUMN "list_price" bigint NOT NULL;--> statement-breakpoint
ALTER TABLE "selection_index" ADD COLUMN "currency" text NOT NULL;--> statement-breakpoint
ALTER TABLE "selection_index" ADD COLUMN "commission_rate" double precision NOT NULL;--> statement-breakpoint
ALTER TABLE "selection_index" ADD COLUMN "repurchase_rate" double precision;--> statement-breakpoint
ALTER TABLE "selection_index" ADD COLUMN "brand_tier" text NOT NULL;--> statement-breakpoint
ALTER TABLE "selection_index" ADD COLUMN "stock" integer NOT NULL;--> statement-breakpoint
ALTER TABLE "selection_index" ADD COLUMN "reputation" double precision;--> statement-breakpoint
CREATE POLICY "anchor_sales_profiles_tenant_isolation" ON "anchor_sales_profiles" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));