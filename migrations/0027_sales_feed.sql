CREATE TABLE "order_sale_adjustments" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"source_id" text NOT NULL,
	"order_item_id" text NOT NULL,
	"kind" text NOT NULL,
	"quantity" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "order_sale_adjustments_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "order_sale_adjustments_quantity_check" CHECK ("order_sale_adjustments"."quantity" > 0)
);
--> statement-breakpoint
ALTER TABLE "order_sale_adjustments" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "sales_cutovers" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"first_order_on" date NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sales_cutovers_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "sales_cutovers" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "anchor_sales" ADD COLUMN "order_id" text;--> statement-breakpoint
ALTER TABLE "anchor_sales" ADD COLUMN "order_item_id" text;--> statement-breakpoint
ALTER TABLE "anchor_sales" ADD COLUMN "superseded" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "sales_cutovers" ADD CONSTRAINT "sales_cutovers_tenant_id_id_anchors_tenant_id_id_fk" FOREIGN KEY ("tenant_id","id") REFERENCES "public"."anchors"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "anchor_sales_order_item_idx" ON "anchor_sales" USING btree ("tenant_id","order_item_id");--> statement-breakpoint
CREATE INDEX "anchor_sales_order_idx" ON "anchor_sales" USING btree ("tenant_id","order_id");--> statement-breakpoint
CREATE POLICY "order_sale_adjustments_tenant_isolation" ON "order_sale_adjustments" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));--> statement-breakpoint
CREATE POLICY "sales_cutovers_tenant_isolation" ON "sales_cutovers" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));