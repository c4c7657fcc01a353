CREATE TABLE "consultation_messages" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"consultation_id" text NOT NULL,
	"author" text NOT NULL,
	"text" text NOT NULL,
	"agent" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "consultation_messages_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "consultation_messages" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "consultations" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"product_id" text NOT NULL,
	"anchor_id" text,
	"buyer_id" text NOT NULL,
	"channel" text NOT NULL,
	"question" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"during_live" boolean DEFAULT false NOT NULL,
	"live_session_id" text,
	"claim_key" text,
	"claimed_by" jsonb,
	"claimed_at" timestamp with time zone,
	"claim_expires_at" timestamp with time zone,
	"answered_by" jsonb,
	"first_response_at" timestamp with time zone,
	"first_response_seconds" integer,
	"closed_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "consultations_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "consultations_claim_check" CHECK (("consultations"."claim_key" is null) = ("consultations"."claimed_by" is null) and ("consultations"."claim_key" is null) = ("consultations"."claim_expires_at" is null)),
	CONSTRAINT "consultations_response_check" CHECK ("consultations"."first_response_seconds" is null or "consultations"."first_response_seconds" >= 0)
);
--> statement-breakpoint
ALTER TABLE "consultations" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "consultation_messages" ADD CONSTRAINT "consultation_messages_tenant_id_consultation_id_consultations_tenant_id_id_fk" FOREIGN KEY ("tenant_id","consultation_id") REFERENCES "public"."consultations"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consultations" ADD CONSTRAINT "consultations_tenant_id_product_id_products_tenant_id_id_fk" FOREIGN KEY ("tenant_id","product_id") REFERENCES "public"."products"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consultations" ADD CONSTRAINT "consultations_tenant_id_anchor_id_anchors_tenant_id_id_fk" FOREIGN KEY ("tenant_id","anchor_id") REFERENCES "public"."anchors"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consultations" ADD CONSTRAINT "consultations_tenant_id_buyer_id_buyers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","buyer_id") REFERENCES "public"."buyers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consultations" ADD CONSTRAINT "consultations_tenant_id_live_session_id_live_sessions_tenant_id_id_fk" FOREIGN KEY ("tenant_id","live_session_id") REFERENCES "public"."live_sessions"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "consultation_messages_ticket_idx" ON "consultation_messages" USING btree ("tenant_id","consultation_id");--> statement-breakpoint
CREATE INDEX "consultations_anchor_idx" ON "consultations" USING btree ("tenant_id","anchor_id","created_at");--> statement-breakpoint
CREATE INDEX "consultations_product_idx" ON "consultations" USING btree ("tenant_id","product_id","created_at");--> statement-breakpoint
CREATE INDEX "consultations_status_idx" ON "consultations" USING btree ("tenant_id","status");--> statement-breakpoint
CREATE POLICY "consultation_messages_tenant_isolation" ON "consultation_messages" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));--> statement-breakpoint
CREATE POLICY "consultations_tenant_isolation" ON "consultations" AS PERMISSIVE FOR ALL TO "showrunner_app" USING (tenant_id = (select current_setting('app.tenant_id', true))) WITH CHECK (tenant_id = (select current_setting('app.tenant_id', true)));