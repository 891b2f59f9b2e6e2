-- The access log is append-only: rows are never deleted, and the only change ever made to a row is
-- the sequencer giving it its position (seq, once, from null). Anything else is refused here, in the
-- database, whatever code or console attempts it.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR TG_OP = 'TRUNCATE' THEN
    RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF OLD.seq IS NOT NULL OR NEW.seq IS NULL
     OR (to_jsonb(NEW) - 'seq') IS DISTINCT FROM (to_jsonb(OLD) - 'seq') THEN
    RAISE EXCEPTION 'audit_log rows cannot be changed, only sequenced once' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER audit_log_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
