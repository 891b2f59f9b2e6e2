CREATE TABLE "representations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"principal_key" text NOT NULL,
	"representative_key" text NOT NULL,
	"consent_id" uuid,
	"valid_from" timestamp with time zone NOT NULL,
	"valid_until" timestamp with time zone NOT NULL,
	"evidence_reference" text NOT NULL,
	"recorded_by_party" text NOT NULL,
	"recorded_by_officer" text NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone,
	"ended_by_party" text,
	"ended_by_officer" text,
	"end_reason" text,
	CONSTRAINT "representations_period" CHECK ("representations"."valid_until" > "representations"."valid_from")
);
--> statement-breakpoint
CREATE INDEX "representations_representative_idx" ON "representations" USING btree ("representative_key");--> statement-breakpoint
CREATE INDEX "representations_principal_idx" ON "representations" USING btree ("principal_key");