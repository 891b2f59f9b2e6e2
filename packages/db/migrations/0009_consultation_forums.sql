CREATE TABLE "consultation_advice" (
	"case_id" uuid NOT NULL,
	"party_id" text NOT NULL,
	"advice" text NOT NULL,
	"recorded_by_officer" text NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "consultation_advice_case_id_party_id_pk" PRIMARY KEY("case_id","party_id")
);
--> statement-breakpoint
CREATE TABLE "consultation_cases" (
	"id" uuid PRIMARY KEY NOT NULL,
	"forum_id" uuid NOT NULL,
	"meeting_id" uuid,
	"kind" text NOT NULL,
	"category" text NOT NULL,
	"question" text NOT NULL,
	"addressed_to" text,
	"age_band" text,
	"sex" text,
	"household" text,
	"assistance_duration" text,
	"person_key" text,
	"consent_id" uuid,
	"raised_by_party" text NOT NULL,
	"raised_by_officer" text NOT NULL,
	"raised_at" timestamp with time zone DEFAULT now() NOT NULL,
	"advice_followed" boolean,
	"next_steps" text[],
	"follow_up_note" text,
	"followed_up_at" timestamp with time zone,
	"followed_up_by_officer" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "consultation_cases_kind" CHECK (case "consultation_cases"."kind"
        when 'named' then "consultation_cases"."person_key" is not null and "consultation_cases"."consent_id" is not null
          and "consultation_cases"."age_band" is null and "consultation_cases"."sex" is null and "consultation_cases"."household" is null and "consultation_cases"."assistance_duration" is null
        else "consultation_cases"."person_key" is null and "consultation_cases"."consent_id" is null
          and "consultation_cases"."age_band" is not null and "consultation_cases"."sex" is not null and "consultation_cases"."household" is not null
          and "consultation_cases"."assistance_duration" is not null
      end),
	CONSTRAINT "consultation_cases_follow_up" CHECK (("consultation_cases"."advice_followed" is null) = ("consultation_cases"."followed_up_at" is null) and ("consultation_cases"."advice_followed" is null) = ("consultation_cases"."next_steps" is null))
);
--> statement-breakpoint
CREATE TABLE "consultation_forums" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"forbund_id" text NOT NULL,
	"convener_party" text NOT NULL,
	"member_parties" text[] NOT NULL,
	"contacts" jsonb NOT NULL,
	"rhythm" text NOT NULL,
	"duration_minutes" integer NOT NULL,
	"place" text,
	"video_link" text,
	"created_by_party" text NOT NULL,
	"created_by_officer" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "consultation_meetings" (
	"id" uuid PRIMARY KEY NOT NULL,
	"forum_id" uuid NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"duration_minutes" integer NOT NULL,
	"place" text,
	"video_link" text,
	"theme" text,
	"status" text DEFAULT 'scheduled' NOT NULL,
	"cancellation_reason" text,
	"version" integer DEFAULT 1 NOT NULL,
	"called_by_party" text NOT NULL,
	"called_by_officer" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "consultation_advice" ADD CONSTRAINT "consultation_advice_case_id_consultation_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."consultation_cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consultation_cases" ADD CONSTRAINT "consultation_cases_forum_id_consultation_forums_id_fk" FOREIGN KEY ("forum_id") REFERENCES "public"."consultation_forums"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consultation_cases" ADD CONSTRAINT "consultation_cases_meeting_id_consultation_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."consultation_meetings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consultation_cases" ADD CONSTRAINT "consultation_cases_person_key_persons_person_key_fk" FOREIGN KEY ("person_key") REFERENCES "public"."persons"("person_key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consultation_cases" ADD CONSTRAINT "consultation_cases_consent_id_consents_id_fk" FOREIGN KEY ("consent_id") REFERENCES "public"."consents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consultation_meetings" ADD CONSTRAINT "consultation_meetings_forum_id_consultation_forums_id_fk" FOREIGN KEY ("forum_id") REFERENCES "public"."consultation_forums"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "consultation_cases_forum_idx" ON "consultation_cases" USING btree ("forum_id","meeting_id");--> statement-breakpoint
CREATE INDEX "consultation_cases_meeting_idx" ON "consultation_cases" USING btree ("meeting_id");--> statement-breakpoint
CREATE INDEX "consultation_cases_consent_idx" ON "consultation_cases" USING btree ("consent_id") WHERE "consultation_cases"."consent_id" is not null;--> statement-breakpoint
CREATE INDEX "consultation_cases_person_idx" ON "consultation_cases" USING btree ("person_key") WHERE "consultation_cases"."person_key" is not null;--> statement-breakpoint
CREATE INDEX "consultation_forums_forbund_idx" ON "consultation_forums" USING btree ("forbund_id");--> statement-breakpoint
CREATE INDEX "consultation_forums_members_idx" ON "consultation_forums" USING gin ("member_parties");--> statement-breakpoint
CREATE INDEX "consultation_meetings_forum_idx" ON "consultation_meetings" USING btree ("forum_id","starts_at");