DROP INDEX "pool_items_product_idx";--> statement-breakpoint
CREATE INDEX "pool_items_product_idx" ON "pool_items" USING btree ("tenant_id","product_id","pool_id","price","supply_limit");