CREATE TABLE "audit_log" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"seq" bigint,
	"txid" "xid8" DEFAULT pg_current_xact_id() NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"action" text NOT NULL,
	"party_id" text,
	"officer_id" text,
	"actor_person_key" text,
	"person_key" text NOT NULL,
	"purpose" text,
	"legal_basis" text,
	"consent_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"statutory_basis_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"categories" text[] DEFAULT '{}'::text[] NOT NULL,
	"request_id" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "consents" (
	"id" uuid PRIMARY KEY NOT NULL,
	"person_key" text NOT NULL,
	"given_by" text NOT NULL,
	"representative_kind" text,
	"representative_key" text,
	"parties" text[] NOT NULL,
	"categories" text[] NOT NULL,
	"purposes" text[] NOT NULL,
	"valid_from" timestamp with time zone NOT NULL,
	"valid_until" timestamp with time zone NOT NULL,
	"form" text NOT NULL,
	"evidence_reference" text NOT NULL,
	"plain_language_text" text NOT NULL,
	"legal_basis" text NOT NULL,
	"recorded_by_party" text NOT NULL,
	"recorded_by_officer" text NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	"revoked_by_party" text,
	"revoked_by_officer" text,
	"revocation_reason" text,
	CONSTRAINT "consents_period" CHECK ("consents"."valid_until" > "consents"."valid_from"),
	CONSTRAINT "consents_representative" CHECK (("consents"."given_by" = 'person') = ("consents"."representative_kind" is null and "consents"."representative_key" is null))
);
--> statement-breakpoint
CREATE TABLE "statutory_bases" (
	"id" text PRIMARY KEY NOT NULL,
	"reference" text NOT NULL,
	"description" text NOT NULL,
	"requester_kinds" text[] NOT NULL,
	"publisher_kinds" text[] NOT NULL,
	"categories" text[] NOT NULL,
	"purposes" text[] NOT NULL,
	"conditions" text[] DEFAULT '{}'::text[] NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"party_id" text NOT NULL,
	"operation" text NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"response_status" integer NOT NULL,
	"response_body" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_party_id_operation_key_pk" PRIMARY KEY("party_id","operation","key")
);
--> statement-breakpoint
CREATE TABLE "persons" (
	"person_key" text PRIMARY KEY NOT NULL,
	"sealed_number" text NOT NULL,
	"number_kind" text NOT NULL,
	"birth_year" smallint NOT NULL,
	"birth_month" smallint NOT NULL,
	"legal_sex" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "current_statuses" (
	"person_key" text NOT NULL,
	"party_id" text NOT NULL,
	"category" text NOT NULL,
	"event_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"effective_date" date NOT NULL,
	"data" jsonb NOT NULL,
	"published_at" timestamp with time zone NOT NULL,
	CONSTRAINT "current_statuses_person_key_category_party_id_pk" PRIMARY KEY("person_key","category","party_id")
);
--> statement-breakpoint
CREATE TABLE "status_events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"position" bigint GENERATED ALWAYS AS IDENTITY (sequence name "status_events_position_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"person_key" text NOT NULL,
	"party_id" text NOT NULL,
	"category" text NOT NULL,
	"kind" text NOT NULL,
	"effective_date" date NOT NULL,
	"data" jsonb NOT NULL,
	"officer_id" text NOT NULL,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "consents" ADD CONSTRAINT "consents_person_key_persons_person_key_fk" FOREIGN KEY ("person_key") REFERENCES "public"."persons"("person_key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "current_statuses" ADD CONSTRAINT "current_statuses_person_key_persons_person_key_fk" FOREIGN KEY ("person_key") REFERENCES "public"."persons"("person_key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "current_statuses" ADD CONSTRAINT "current_statuses_event_id_status_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."status_events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_events" ADD CONSTRAINT "status_events_person_key_persons_person_key_fk" FOREIGN KEY ("person_key") REFERENCES "public"."persons"("person_key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "audit_log_seq_idx" ON "audit_log" USING btree ("seq");--> statement-breakpoint
CREATE INDEX "audit_log_unsequenced_idx" ON "audit_log" USING btree ("id") WHERE "audit_log"."seq" is null;--> statement-breakpoint
CREATE INDEX "audit_log_person_idx" ON "audit_log" USING btree ("person_key","at");--> statement-breakpoint
CREATE INDEX "consents_person_idx" ON "consents" USING btree ("person_key");--> statement-breakpoint
CREATE INDEX "current_statuses_category_idx" ON "current_statuses" USING btree ("category","kind");--> statement-breakpoint
CREATE INDEX "status_events_person_idx" ON "status_events" USING btree ("person_key","category","effective_date","position");