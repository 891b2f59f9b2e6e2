CREATE TABLE "citizen_issuers" (
	"id" text PRIMARY KEY NOT NULL,
	"display_name" text NOT NULL,
	"jwks" jsonb,
	"jwks_uri" text,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "citizen_issuers_has_keys" CHECK ("citizen_issuers"."jwks" is not null or "citizen_issuers"."jwks_uri" is not null)
);
--> statement-breakpoint
CREATE TABLE "parties" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"display_name" text NOT NULL,
	"jwks" jsonb,
	"jwks_uri" text,
	"webhook_url" text,
	"webhook_secret" text,
	"member_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"dpop_required" boolean DEFAULT false NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "parties_has_keys" CHECK ("parties"."jwks" is not null or "parties"."jwks_uri" is not null)
);
--> statement-breakpoint
CREATE INDEX "parties_inactive_idx" ON "parties" USING btree ("id") WHERE "parties"."active" = false;