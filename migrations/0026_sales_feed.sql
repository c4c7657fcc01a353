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
CREATE TABLE "order_sales" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"order_id" text NOT NULL,
	"anchor_id" text NOT NULL,
	"product_id" text NOT NULL,
	"product_title" text NOT NULL,
	"category" text NOT NULL,
	"quantity" integer NOT NULL,
	"amount" bigint NOT NULL,
	"currency" text NOT NULL,
	"returned_quantity" integer DEFAULT 0 NOT NULL,
	"disputes" integer DEFAULT 0 NOT NULL,
	"sold_on" date NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "order_sales_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "order_sales_quantity_check" CHECK ("order_sales"."quantity" > 0 and "order_sales"."returned_quantity" >= 0 and "order_sales"."returned_quantity" <= "order_sales"."quantity" and "order_sales"."disputes" >= 0)
);
--> statement-breakpoint
ALTER TABLE "order_sales" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "sales_cutovers" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"first_order_on" date NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sales_cutovers_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "sales_cutovers" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "order_sales" ADD CONSTRAINT "order_sales_tenant_id_anchor_id_anchors_tenant_id_id_fk" FOREIGN KEY ("tenant_id","anchor_id") REFERENCES "public"."anchors"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sales_cutovers" ADD CONSTRAINT "sales_cutovers_tenant_id_id_anchors_tenant_id_id_fk" FOREIGN KEY ("tenant_id","id") REFERENCES "public"."anchors"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "order_sales_anchor_idx" ON "order_sales" USING btree ("tenant_id","anchor_id","sold_on");--> statement-breakpoint
CREATE INDEX "order_sales_sold_on_idx" ON "order_sales" USING btree ("tenant_id","sold_on");--> statement-breakpoint
CREATE INDEX "order_sales_order_idx" ON "order_sales" USING btree ("tenant_id","order_id");--> statement-breakpoint
CREATE POLICY "order_sale_adjustments_tenant_isolation" ON "order_sale_adjustments" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));--> statement-breakpoint
CREATE POLICY "order_sales_tenant_isolation" ON "order_sales" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));--> statement-breakpoint
CREATE POLICY "sales_cutovers_tenant_isolation" ON "sales_cutovers" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));