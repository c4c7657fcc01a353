CREATE TABLE "reviews" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"order_id" text NOT NULL,
	"order_item_id" text NOT NULL,
	"product_id" text NOT NULL,
	"sku_id" text,
	"supplier_id" text NOT NULL,
	"anchor_id" text NOT NULL,
	"buyer_id" text NOT NULL,
	"rating" integer NOT NULL,
	"text" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reviews_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "reviews_rating_check" CHECK ("reviews"."rating" between 1 and 5),
	CONSTRAINT "reviews_text_check" CHECK ("reviews"."text" is null or char_length("reviews"."text") between 1 and 2000)
);
--> statement-breakpoint
ALTER TABLE "reviews" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "review_ratings" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"supplier_id" text NOT NULL,
	"product_id" text NOT NULL,
	"rating" integer NOT NULL,
	"rated_on" date NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "review_ratings_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "review_ratings_rating_check" CHECK ("review_ratings"."rating" between 1 and 5)
);
--> statement-breakpoint
ALTER TABLE "review_ratings" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "review_ratings" ADD CONSTRAINT "review_ratings_tenant_id_supplier_id_suppliers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","supplier_id") REFERENCES "public"."suppliers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "reviews_order_item_key" ON "reviews" USING btree ("tenant_id","order_item_id");--> statement-breakpoint
CREATE INDEX "reviews_product_idx" ON "reviews" USING btree ("tenant_id","product_id","id");--> statement-breakpoint
CREATE INDEX "reviews_supplier_idx" ON "reviews" USING btree ("tenant_id","supplier_id","id");--> statement-breakpoint
CREATE INDEX "reviews_anchor_idx" ON "reviews" USING btree ("tenant_id","anchor_id","id");--> statement-breakpoint
CREATE INDEX "reviews_order_idx" ON "reviews" USING btree ("tenant_id","order_id");--> statement-breakpoint
CREATE INDEX "review_ratings_supplier_idx" ON "review_ratings" USING btree ("tenant_id","supplier_id","rated_on");--> statement-breakpoint
CREATE POLICY "reviews_tenant_isolation" ON "reviews" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));--> statement-breakpoint
CREATE POLICY "review_ratings_tenant_isolation" ON "review_ratings" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));