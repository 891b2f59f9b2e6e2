CREATE TABLE "deliveries" (
	"id" uuid PRIMARY KEY NOT NULL,
	"party_id" text NOT NULL,
	"event_type" text NOT NULL,
	"payload" jsonb NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"not_before" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"last_attempt_at" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	"relayed_at" timestamp with time zone,
	"generation" integer DEFAULT 0 NOT NULL,
	"sip_id" uuid,
	"meeting_id" uuid,
	"invitation_id" uuid,
	"consent_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "withdrawal_notices" (
	"consent_id" uuid NOT NULL,
	"party_id" text NOT NULL,
	"delivery_id" uuid NOT NULL,
	"notified_at" timestamp with time zone DEFAULT now() NOT NULL,
	"acknowledged_at" timestamp with time zone,
	"acknowledged_by_officer" text,
	CONSTRAINT "withdrawal_notices_consent_id_party_id_pk" PRIMARY KEY("consent_id","party_id")
);
--> statement-breakpoint
CREATE TABLE "invitations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"meeting_id" uuid NOT NULL,
	"sip_id" uuid NOT NULL,
	"participant_kind" text NOT NULL,
	"party_id" text,
	"role" text NOT NULL,
	"display_name" text NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"rsvp" text,
	"proposed_starts_at" timestamp with time zone,
	"rsvp_comment" text,
	"responded_at" timestamp with time zone,
	"responded_by_officer" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "meetings" (
	"id" uuid PRIMARY KEY NOT NULL,
	"sip_id" uuid NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"duration_minutes" integer NOT NULL,
	"place" text,
	"video_link" text,
	"interpreter_language" text,
	"agenda" jsonb NOT NULL,
	"status" text DEFAULT 'scheduled' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"called_by_party" text NOT NULL,
	"called_by_officer" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sips" (
	"id" uuid PRIMARY KEY NOT NULL,
	"person_key" text NOT NULL,
	"consent_id" uuid NOT NULL,
	"phase" text NOT NULL,
	"participants" text[] NOT NULL,
	"principal_party" text NOT NULL,
	"coordinator" jsonb NOT NULL,
	"needs" jsonb NOT NULL,
	"goals" jsonb NOT NULL,
	"actions" jsonb NOT NULL,
	"next_follow_up_on" date,
	"closure_reason" text,
	"closed_at" timestamp with time zone,
	"opened_by_party" text NOT NULL,
	"opened_by_officer" text NOT NULL,
	"opened_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_meeting_id_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meetings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_sip_id_sips_id_fk" FOREIGN KEY ("sip_id") REFERENCES "public"."sips"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meetings" ADD CONSTRAINT "meetings_sip_id_sips_id_fk" FOREIGN KEY ("sip_id") REFERENCES "public"."sips"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sips" ADD CONSTRAINT "sips_person_key_persons_person_key_fk" FOREIGN KEY ("person_key") REFERENCES "public"."persons"("person_key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sips" ADD CONSTRAINT "sips_consent_id_consents_id_fk" FOREIGN KEY ("consent_id") REFERENCES "public"."consents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "deliveries_unrelayed_idx" ON "deliveries" USING btree ("created_at") WHERE "deliveries"."state" = 'pending';--> statement-breakpoint
CREATE INDEX "deliveries_party_idx" ON "deliveries" USING btree ("party_id","state");--> statement-breakpoint
CREATE INDEX "deliveries_meeting_idx" ON "deliveries" USING btree ("meeting_id");--> statement-breakpoint
CREATE INDEX "deliveries_sip_idx" ON "deliveries" USING btree ("sip_id");--> statement-breakpoint
CREATE INDEX "invitations_meeting_idx" ON "invitations" USING btree ("meeting_id");--> statement-breakpoint
CREATE INDEX "invitations_party_idx" ON "invitations" USING btree ("party_id") WHERE "invitations"."party_id" is not null;--> statement-breakpoint
CREATE INDEX "meetings_sip_idx" ON "meetings" USING btree ("sip_id");--> statement-breakpoint
CREATE INDEX "sips_consent_idx" ON "sips" USING btree ("consent_id");--> statement-breakpoint
CREATE INDEX "sips_person_idx" ON "sips" USING btree ("person_key");