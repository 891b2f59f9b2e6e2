CREATE TABLE "signal_changes" (
	"person_key" text PRIMARY KEY NOT NULL,
	"due_at" timestamp with time zone DEFAULT now() NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "signal_schedule" (
	"person_key" text PRIMARY KEY NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "signal_thresholds" (
	"forbund_id" text NOT NULL,
	"rule_id" text NOT NULL,
	"thresholds" jsonb NOT NULL,
	"updated_by_officer" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "signal_thresholds_forbund_id_rule_id_pk" PRIMARY KEY("forbund_id","rule_id")
);
--> statement-breakpoint
CREATE TABLE "signals" (
	"id" uuid PRIMARY KEY NOT NULL,
	"person_key" text NOT NULL,
	"rule_id" text NOT NULL,
	"party_id" text NOT NULL,
	"purpose" text NOT NULL,
	"categories" text[] NOT NULL,
	"consent_ids" uuid[] NOT NULL,
	"forbund_id" text,
	"thresholds" jsonb NOT NULL,
	"condition_since" date NOT NULL,
	"references" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"state" text DEFAULT 'open' NOT NULL,
	"raised_at" timestamp with time zone NOT NULL,
	"cleared_at" timestamp with time zone,
	"cleared_because" text,
	"acknowledged_at" timestamp with time zone,
	"acknowledgement_outcome" text,
	"acknowledgement_reason" text,
	"acknowledged_by_officer" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "signals_cleared" CHECK (("signals"."state" = 'cleared') = ("signals"."cleared_at" is not null) and ("signals"."cleared_at" is null) = ("signals"."cleared_because" is null)),
	CONSTRAINT "signals_acknowledged" CHECK (("signals"."acknowledged_at" is null) = ("signals"."acknowledgement_outcome" is null) and ("signals"."acknowledged_at" is null) = ("signals"."acknowledged_by_officer" is null))
);
--> statement-breakpoint
ALTER TABLE "signals" ADD CONSTRAINT "signals_person_key_persons_person_key_fk" FOREIGN KEY ("person_key") REFERENCES "public"."persons"("person_key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "signal_changes_due_idx" ON "signal_changes" USING btree ("due_at");--> statement-breakpoint
CREATE INDEX "signal_schedule_due_idx" ON "signal_schedule" USING btree ("due_at");--> statement-breakpoint
CREATE UNIQUE INDEX "signals_one_open_idx" ON "signals" USING btree ("person_key","rule_id","party_id") WHERE "signals"."cleared_at" is null;--> statement-breakpoint
CREATE INDEX "signals_party_idx" ON "signals" USING btree ("party_id","raised_at");--> statement-breakpoint
CREATE INDEX "signals_person_idx" ON "signals" USING btree ("person_key");--> statement-breakpoint
CREATE INDEX "signals_raised_idx" ON "signals" USING btree ("raised_at");--> statement-breakpoint
-- Signals are evaluated for the persons whose case changed. These triggers record the person in the
-- transaction that makes the change, so a change can never commit unnoticed — a cursor over
-- status_events could not promise that, since rows become visible in commit order, not in id or
-- timestamp order. DO NOTHING takes no lock on a row that is already there, and persons go in key
-- order, so concurrent publications cannot deadlock on it.
CREATE FUNCTION signal_changes_mark() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO signal_changes (person_key)
  SELECT DISTINCT person_key FROM changed_rows ORDER BY person_key
  ON CONFLICT (person_key) DO NOTHING;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE FUNCTION signal_changes_mark_meetings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO signal_changes (person_key)
  SELECT DISTINCT s.person_key FROM changed_rows m JOIN sips s ON s.id = m.sip_id ORDER BY s.person_key
  ON CONFLICT (person_key) DO NOTHING;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER status_events_signal_changes AFTER INSERT ON status_events
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION signal_changes_mark();
--> statement-breakpoint
CREATE TRIGGER consents_inserted_signal_changes AFTER INSERT ON consents
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION signal_changes_mark();
--> statement-breakpoint
CREATE TRIGGER consents_updated_signal_changes AFTER UPDATE ON consents
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION signal_changes_mark();
--> statement-breakpoint
CREATE TRIGGER sips_inserted_signal_changes AFTER INSERT ON sips
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION signal_changes_mark();
--> statement-breakpoint
CREATE TRIGGER sips_updated_signal_changes AFTER UPDATE ON sips
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION signal_changes_mark();
--> statement-breakpoint
CREATE TRIGGER meetings_inserted_signal_changes AFTER INSERT ON meetings
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION signal_changes_mark_meetings();
--> statement-breakpoint
CREATE TRIGGER meetings_updated_signal_changes AFTER UPDATE ON meetings
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION signal_changes_mark_meetings();
