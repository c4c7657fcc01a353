-- Settlements: what drizzle cannot express. Re-runnable on its own.
-- One anchor's contract periods never overlap (days, both ends inclusive; null end: open-ended).
-- The exclusion constraint decides it in the database, so two concurrent writes cannot both commit.
CREATE EXTENSION IF NOT EXISTS btree_gist;--> statement-breakpoint
ALTER TABLE "anchor_contracts" DROP CONSTRAINT IF EXISTS "anchor_contracts_no_overlap";--> statement-breakpoint
ALTER TABLE "anchor_contracts" ADD CONSTRAINT "anchor_contracts_no_overlap"
  EXCLUDE USING gist ("tenant_id" WITH =, "anchor_id" WITH =, daterange("starts_on", "ends_on", '[]') WITH &&);--> statement-breakpoint
-- The commission ledger is insert-only: a correction is a new entry, never an edit.
CREATE OR REPLACE FUNCTION commission_entries_insert_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'commission entries are insert-only (% refused)', TG_OP USING ERRCODE = 'check_violation';
END
$$;--> statement-breakpoint
DROP TRIGGER IF EXISTS commission_entries_insert_only ON "commission_entries";--> statement-breakpoint
CREATE TRIGGER commission_entries_insert_only BEFORE UPDATE OR DELETE ON "commission_entries"
  FOR EACH ROW EXECUTE FUNCTION commission_entries_insert_only();--> statement-breakpoint
-- A closed statement never changes; the only change a statement ever takes is closing → closed.
CREATE OR REPLACE FUNCTION settlement_statements_closed_is_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status = 'closed' THEN
    RAISE EXCEPTION 'settlement statement % is closed and never changes', OLD.id USING ERRCODE = 'check_violation';
  END IF;
  IF TG_OP = 'UPDATE' AND (NEW.period <> OLD.period OR NEW.tenant_id <> OLD.tenant_id) THEN
    RAISE EXCEPTION 'a settlement statement keeps its period' USING ERRCODE = 'check_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END
$$;--> statement-breakpoint
DROP TRIGGER IF EXISTS settlement_statements_closed_is_final ON "settlement_statements";--> statement-breakpoint
CREATE TRIGGER settlement_statements_closed_is_final BEFORE UPDATE OR DELETE ON "settlement_statements"
  FOR EACH ROW EXECUTE FUNCTION settlement_statements_closed_is_final();
