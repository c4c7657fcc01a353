CREATE TABLE "buyer_keys" (
	"tenant_id" text NOT NULL,
	"secret" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "buyer_keys_tenant_id_pk" PRIMARY KEY("tenant_id")
);
--> statement-breakpoint
ALTER TABLE "buyer_keys" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "buyers" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"platform" text NOT NULL,
	"pseudonym" text NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "buyers_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "buyers" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE UNIQUE INDEX "buyers_pseudonym_key" ON "buyers" USING btree ("tenant_id","platform","pseudonym");--> statement-breakpoint
CREATE POLICY "buyer_keys_tenant_isolation" ON "buyer_keys" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));--> statement-breakpoint
CREATE POLICY "buyers_tenant_isolation" ON "buyers" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));