ALTER TABLE "interaction_inbox" DROP CONSTRAINT "interaction_inbox_tenant_id_session_id_live_sessions_tenant_id_id_fk";
--> statement-breakpoint
CREATE INDEX "interaction_inbox_moved_idx" ON "interaction_inbox" USING btree ("moved_at") WHERE "interaction_inbox"."moved_at" is not null;