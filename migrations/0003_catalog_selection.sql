CREATE TABLE "anchor_sales" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
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
	"external_id" text,
	"import_job_id" text,
	"import_line" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "anchor_sales_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "anchor_sales_quantity_check" CHECK ("anchor_sales"."quantity" > 0 and "anchor_sales"."returned_quantity" >= 0 and "anchor_sales"."returned_quantity" <= "anchor_sales"."quantity" and "anchor_sales"."disputes" >= 0)
);
--> statement-breakpoint
ALTER TABLE "anchor_sales" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "anchors" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"platform_handles" jsonb NOT NULL,
	"categories" text[] NOT NULL,
	"audience" jsonb NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "anchors_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "anchors" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "catalog_settings" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"value" jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "catalog_settings_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "catalog_settings" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "products" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"supplier_id" text NOT NULL,
	"external_id" text,
	"title" text NOT NULL,
	"category" text NOT NULL,
	"attributes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"images" text[] DEFAULT '{}'::text[] NOT NULL,
	"list_price" bigint NOT NULL,
	"currency" text NOT NULL,
	"stock" integer DEFAULT 0 NOT NULL,
	"commission_rate" double precision NOT NULL,
	"repurchase_rate" double precision,
	"brand_tier" text NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "products_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "products_list_price_check" CHECK ("products"."list_price" >= 0),
	CONSTRAINT "products_stock_check" CHECK ("products"."stock" >= 0),
	CONSTRAINT "products_commission_check" CHECK ("products"."commission_rate" >= 0 and "products"."commission_rate" <= 1)
);
--> statement-breakpoint
ALTER TABLE "products" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "skus" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"product_id" text NOT NULL,
	"code" text NOT NULL,
	"attributes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"price" bigint NOT NULL,
	"stock" integer DEFAULT 0 NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "skus_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "skus_stock_check" CHECK ("skus"."stock" >= 0)
);
--> statement-breakpoint
ALTER TABLE "skus" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "suppliers" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"micro" boolean DEFAULT false NOT NULL,
	"brand_tier" text NOT NULL,
	"contacts" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"documents" text[] DEFAULT '{}'::text[] NOT NULL,
	"status" text DEFAULT 'applied' NOT NULL,
	"reputation_score" double precision,
	"reputation_components" jsonb,
	"reputation_computed_at" timestamp with time zone,
	"probation_since" timestamp with time zone,
	"eliminated_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "suppliers_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "suppliers" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "pool_anchors" (
	"tenant_id" text NOT NULL,
	"pool_id" text NOT NULL,
	"anchor_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "pool_anchors_tenant_id_pool_id_anchor_id_pk" PRIMARY KEY("tenant_id","pool_id","anchor_id")
);
--> statement-breakpoint
ALTER TABLE "pool_anchors" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "pool_grants" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"pool_id" text NOT NULL,
	"grantee_tenant_id" text NOT NULL,
	"revoked_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "pool_grants_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "pool_grants" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "pool_items" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"pool_id" text NOT NULL,
	"product_id" text NOT NULL,
	"price" bigint,
	"supply_limit" integer,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "pool_items_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "pool_items_price_check" CHECK ("pool_items"."price" is null or "pool_items"."price" >= 0),
	CONSTRAINT "pool_items_supply_check" CHECK ("pool_items"."supply_limit" is null or "pool_items"."supply_limit" >= 0)
);
--> statement-breakpoint
ALTER TABLE "pool_items" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "supply_pools" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"built_by_organization_id" text NOT NULL,
	"built_by_kind" text NOT NULL,
	"access" text NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"item_count" integer DEFAULT 0 NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "supply_pools_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "supply_pools" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "product_sales_stats" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"units" integer NOT NULL,
	"head_units" integer NOT NULL,
	"anchors" integer NOT NULL,
	"refreshed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "product_sales_stats_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "product_sales_stats" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "selection_index" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"supplier_id" text NOT NULL,
	"category" text NOT NULL,
	"eligible" boolean NOT NULL,
	"quality" double precision NOT NULL,
	"margin" double precision NOT NULL,
	"long_term_value" double precision NOT NULL,
	"micro" boolean NOT NULL,
	"over_exposure" double precision NOT NULL,
	"prescore" double precision NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "selection_index_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "selection_index" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "admission_criteria" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"required_documents" text[] NOT NULL,
	"min_inspection_score" double precision,
	"min_survey_score" double precision,
	"min_reputation" double precision,
	"max_return_rate" double precision,
	"max_dispute_rate" double precision,
	"allowed_kinds" text[],
	"allowed_brand_tiers" text[],
	"active" boolean DEFAULT true NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "admission_criteria_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "admission_criteria" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "inspections" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"supplier_id" text NOT NULL,
	"product_id" text,
	"inspected_on" date NOT NULL,
	"result" text NOT NULL,
	"score" double precision NOT NULL,
	"defects" jsonb NOT NULL,
	"notes" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inspections_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "inspections" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "supplier_applications" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"supplier_id" text NOT NULL,
	"criteria_id" text NOT NULL,
	"status" text NOT NULL,
	"failures" jsonb NOT NULL,
	"evidence" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "supplier_applications_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "supplier_applications" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "surveys" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"supplier_id" text NOT NULL,
	"product_id" text,
	"surveyed_on" date NOT NULL,
	"respondents" integer NOT NULL,
	"ratings" jsonb NOT NULL,
	"score" double precision NOT NULL,
	"comments" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "surveys_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "surveys" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "anchor_sales" ADD CONSTRAINT "anchor_sales_tenant_id_anchor_id_anchors_tenant_id_id_fk" FOREIGN KEY ("tenant_id","anchor_id") REFERENCES "public"."anchors"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "products" ADD CONSTRAINT "products_tenant_id_supplier_id_suppliers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","supplier_id") REFERENCES "public"."suppliers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "skus" ADD CONSTRAINT "skus_tenant_id_product_id_products_tenant_id_id_fk" FOREIGN KEY ("tenant_id","product_id") REFERENCES "public"."products"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pool_anchors" ADD CONSTRAINT "pool_anchors_tenant_id_pool_id_supply_pools_tenant_id_id_fk" FOREIGN KEY ("tenant_id","pool_id") REFERENCES "public"."supply_pools"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pool_anchors" ADD CONSTRAINT "pool_anchors_tenant_id_anchor_id_anchors_tenant_id_id_fk" FOREIGN KEY ("tenant_id","anchor_id") REFERENCES "public"."anchors"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pool_grants" ADD CONSTRAINT "pool_grants_tenant_id_pool_id_supply_pools_tenant_id_id_fk" FOREIGN KEY ("tenant_id","pool_id") REFERENCES "public"."supply_pools"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pool_items" ADD CONSTRAINT "pool_items_tenant_id_pool_id_supply_pools_tenant_id_id_fk" FOREIGN KEY ("tenant_id","pool_id") REFERENCES "public"."supply_pools"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pool_items" ADD CONSTRAINT "pool_items_tenant_id_product_id_products_tenant_id_id_fk" FOREIGN KEY ("tenant_id","product_id") REFERENCES "public"."products"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inspections" ADD CONSTRAINT "inspections_tenant_id_supplier_id_suppliers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","supplier_id") REFERENCES "public"."suppliers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inspections" ADD CONSTRAINT "inspections_tenant_id_product_id_products_tenant_id_id_fk" FOREIGN KEY ("tenant_id","product_id") REFERENCES "public"."products"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_applications" ADD CONSTRAINT "supplier_applications_tenant_id_supplier_id_suppliers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","supplier_id") REFERENCES "public"."suppliers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supplier_applications" ADD CONSTRAINT "supplier_applications_tenant_id_criteria_id_admission_criteria_tenant_id_id_fk" FOREIGN KEY ("tenant_id","criteria_id") REFERENCES "public"."admission_criteria"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "surveys" ADD CONSTRAINT "surveys_tenant_id_supplier_id_suppliers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","supplier_id") REFERENCES "public"."suppliers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "surveys" ADD CONSTRAINT "surveys_tenant_id_product_id_products_tenant_id_id_fk" FOREIGN KEY ("tenant_id","product_id") REFERENCES "public"."products"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "anchor_sales_anchor_idx" ON "anchor_sales" USING btree ("tenant_id","anchor_id","sold_on");--> statement-breakpoint
CREATE INDEX "anchor_sales_sold_on_idx" ON "anchor_sales" USING btree ("tenant_id","sold_on");--> statement-breakpoint
CREATE INDEX "anchor_sales_product_idx" ON "anchor_sales" USING btree ("tenant_id","product_id");--> statement-breakpoint
CREATE UNIQUE INDEX "anchor_sales_external_id_idx" ON "anchor_sales" USING btree ("tenant_id","external_id");--> statement-breakpoint
CREATE UNIQUE INDEX "anchor_sales_import_line_idx" ON "anchor_sales" USING btree ("tenant_id","import_job_id","import_line");--> statement-breakpoint
CREATE UNIQUE INDEX "products_external_id_idx" ON "products" USING btree ("tenant_id","external_id");--> statement-breakpoint
CREATE INDEX "products_supplier_idx" ON "products" USING btree ("tenant_id","supplier_id");--> statement-breakpoint
CREATE INDEX "products_category_idx" ON "products" USING btree ("tenant_id","category");--> statement-breakpoint
CREATE UNIQUE INDEX "skus_code_idx" ON "skus" USING btree ("tenant_id","code");--> statement-breakpoint
CREATE INDEX "skus_product_idx" ON "skus" USING btree ("tenant_id","product_id");--> statement-breakpoint
CREATE INDEX "suppliers_status_idx" ON "suppliers" USING btree ("tenant_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "pool_grants_pool_grantee_idx" ON "pool_grants" USING btree ("tenant_id","pool_id","grantee_tenant_id");--> statement-breakpoint
CREATE INDEX "pool_grants_grantee_idx" ON "pool_grants" USING btree ("grantee_tenant_id");--> statement-breakpoint
CREATE UNIQUE INDEX "pool_items_pool_product_idx" ON "pool_items" USING btree ("tenant_id","pool_id","product_id");--> statement-breakpoint
CREATE INDEX "pool_items_product_idx" ON "pool_items" USING btree ("tenant_id","product_id","pool_id");--> statement-breakpoint
CREATE INDEX "selection_index_rank_idx" ON "selection_index" USING btree ("tenant_id","prescore" DESC NULLS LAST) WHERE eligible;--> statement-breakpoint
CREATE INDEX "selection_index_category_rank_idx" ON "selection_index" USING btree ("tenant_id","category","prescore" DESC NULLS LAST) WHERE eligible;--> statement-breakpoint
CREATE INDEX "selection_index_supplier_idx" ON "selection_index" USING btree ("tenant_id","supplier_id");--> statement-breakpoint
CREATE INDEX "inspections_supplier_idx" ON "inspections" USING btree ("tenant_id","supplier_id","inspected_on");--> statement-breakpoint
CREATE INDEX "supplier_applications_supplier_idx" ON "supplier_applications" USING btree ("tenant_id","supplier_id");--> statement-breakpoint
CREATE INDEX "surveys_supplier_idx" ON "surveys" USING btree ("tenant_id","supplier_id","surveyed_on");--> statement-breakpoint
CREATE POLICY "anchor_sales_tenant_isolation" ON "anchor_sales" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));--> statement-breakpoint
CREATE POLICY "anchors_tenant_isolation" ON "anchors" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));--> statement-breakpoint
CREATE POLICY "catalog_settings_tenant_isolation" ON "catalog_settings" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));--> statement-breakpoint
CREATE POLICY "products_tenant_isolation" ON "products" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));--> statement-breakpoint
CREATE POLICY "skus_tenant_isolation" ON "skus" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));--> statement-breakpoint
CREATE POLICY "suppliers_tenant_isolation" ON "suppliers" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));--> statement-breakpoint
CREATE POLICY "pool_anchors_tenant_isolation" ON "pool_anchors" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));--> statement-breakpoint
CREATE POLICY "pool_grants_tenant_isolation" ON "pool_grants" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true)) or grantee_tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));--> statement-breakpoint
CREATE POLICY "pool_items_tenant_isolation" ON "pool_items" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));--> statement-breakpoint
CREATE POLICY "supply_pools_tenant_isolation" ON "supply_pools" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));--> statement-breakpoint
CREATE POLICY "product_sales_stats_tenant_isolation" ON "product_sales_stats" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));--> statement-breakpoint
CREATE POLICY "selection_index_tenant_isolation" ON "selection_index" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));--> statement-breakpoint
CREATE POLICY "admission_criteria_tenant_isolation" ON "admission_criteria" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));--> statement-breakpoint
CREATE POLICY "inspections_tenant_isolation" ON "inspections" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));--> statement-breakpoint
CREATE POLICY "supplier_applications_tenant_isolation" ON "supplier_applications" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));--> statement-breakpoint
CREATE POLICY "surveys_tenant_isolation" ON "surveys" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));