CREATE TABLE "status_periods" (
	"event_id" uuid PRIMARY KEY NOT NULL,
	"person_key" text NOT NULL,
	"party_id" text NOT NULL,
	"category" text NOT NULL,
	"kind" text NOT NULL,
	"data" jsonb NOT NULL,
	"valid_from" date NOT NULL,
	"valid_until" date
);
--> statement-breakpoint
ALTER TABLE "status_periods" ADD CONSTRAINT "status_periods_event_id_status_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."status_events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "status_periods_key_idx" ON "status_periods" USING btree ("person_key","party_id","category");--> statement-breakpoint
CREATE INDEX "status_periods_from_idx" ON "status_periods" USING btree ("valid_from");--> statement-breakpoint
-- Periods for every event published before this table existed.
INSERT INTO "status_periods" ("event_id", "person_key", "party_id", "category", "kind", "data", "valid_from", "valid_until")
SELECT "id", "person_key", "party_id", "category", "kind", "data", "effective_date",
       lead("effective_date") OVER (PARTITION BY "person_key", "party_id", "category" ORDER BY "effective_date", "position")
FROM "status_events";
