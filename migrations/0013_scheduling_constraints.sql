-- One person cannot be on two overlapping sessions that are not cancelled. Exclusion constraints
-- decide it inside the database, so two concurrent schedules of one anchor or crew member cannot
-- both commit (the second waits for the first and is refused). Half-open ranges: a session that
-- ends at 14:00 does not overlap one that starts at 14:00.
CREATE EXTENSION IF NOT EXISTS btree_gist;--> statement-breakpoint
ALTER TABLE "session_assignments" ADD CONSTRAINT "session_assignments_anchor_overlap"
  EXCLUDE USING gist ("tenant_id" WITH =, "anchor_id" WITH =, tstzrange("planned_start", "planned_end", '[)') WITH &&)
  WHERE ("anchor_id" IS NOT NULL AND NOT "cancelled");--> statement-breakpoint
ALTER TABLE "session_assignments" ADD CONSTRAINT "session_assignments_crew_overlap"
  EXCLUDE USING gist ("tenant_id" WITH =, "crew_member_id" WITH =, tstzrange("planned_start", "planned_end", '[)') WITH &&)
  WHERE ("crew_member_id" IS NOT NULL AND NOT "cancelled");
