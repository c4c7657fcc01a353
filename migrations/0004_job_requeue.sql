ALTER TABLE "jobs" ADD COLUMN "queue" text;--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "job_name" text;--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "envelope" jsonb;--> statement-breakpoint
CREATE INDEX "jobs_queued_idx" ON "jobs" USING btree ("created_at") WHERE state = 'queued';