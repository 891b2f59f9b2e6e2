CREATE TABLE "follow_up_facts" (
	"person_key" text PRIMARY KEY NOT NULL,
	"birth_year" smallint NOT NULL,
	"birth_month" smallint NOT NULL,
	"legal_sex" text NOT NULL,
	"facts_from" date NOT NULL,
	"single_party" boolean NOT NULL,
	"assistance_party" text,
	"assistance_active" boolean,
	"assistance_since" date,
	"planning_party" text,
	"planning_need_group" text,
	"incapacity_party" text,
	"incapacity_reported" boolean,
	"incapacity_suspected" boolean,
	"care_party" text,
	"care_in_contact" boolean,
	"certificate_party" text,
	"certificate_issued" boolean,
	"certificate_valid_from" text,
	"certificate_valid_until" text,
	"certificate_issuer" text,
	"diagnosis_party" text,
	"diagnosis_categories" text[],
	"insurance_party" text,
	"insurance_status" boolean,
	"compensation_set" boolean,
	"compensation_extent" text,
	"sgi" text,
	"coordination_party" text,
	"coordination_status" boolean,
	"reinforced_cooperation" boolean,
	"samordning" text,
	"employment_party" text,
	"employment_registered" boolean,
	"actively_seeking" boolean
);
--> statement-breakpoint
ALTER TABLE "follow_up_facts" ADD CONSTRAINT "follow_up_facts_person_key_persons_person_key_fk" FOREIGN KEY ("person_key") REFERENCES "public"."persons"("person_key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- The one definition of a follow_up_facts row, from the person's open status periods (their current
-- statuses). Each aggregate reads its category's single status when `single_party` holds; otherwise
-- the row is not used. The expressions mirror targetGroupFacts in packages/domain/src/follow-up.ts,
-- and services/metrics/test compares the two on varied data.
CREATE VIEW "follow_up_facts_source" AS
SELECT sp."person_key",
       pe."birth_year",
       pe."birth_month",
       pe."legal_sex",
       max(sp."valid_from") AS "facts_from",
       count(*) = count(DISTINCT sp."category") AS "single_party",
       min(sp."party_id") FILTER (WHERE sp."category" = 'assistance') AS "assistance_party",
       bool_or(sp."kind" = 'active') FILTER (WHERE sp."category" = 'assistance') AS "assistance_active",
       min((sp."data"->>'since')::date) FILTER (WHERE sp."category" = 'assistance' AND sp."kind" = 'active') AS "assistance_since",
       min(sp."party_id") FILTER (WHERE sp."category" = 'planning') AS "planning_party",
       min(sp."data"->>'needGroup') FILTER (WHERE sp."category" = 'planning' AND jsonb_typeof(sp."data"->'needGroup') = 'string') AS "planning_need_group",
       min(sp."party_id") FILTER (WHERE sp."category" = 'incapacity') AS "incapacity_party",
       bool_or(sp."kind" = 'reported_without_care_contact') FILTER (WHERE sp."category" = 'incapacity') AS "incapacity_reported",
       bool_or(sp."kind" = 'suspected_by_social_worker') FILTER (WHERE sp."category" = 'incapacity') AS "incapacity_suspected",
       min(sp."party_id") FILTER (WHERE sp."category" = 'care') AS "care_party",
       bool_or(sp."kind" = 'in_contact') FILTER (WHERE sp."category" = 'care') AS "care_in_contact",
       min(sp."party_id") FILTER (WHERE sp."category" = 'certificate') AS "certificate_party",
       bool_or(sp."kind" = 'issued') FILTER (WHERE sp."category" = 'certificate') AS "certificate_issued",
       min(sp."data"->>'validFrom') FILTER (WHERE sp."category" = 'certificate' AND sp."kind" = 'issued') AS "certificate_valid_from",
       min(sp."data"->>'validUntil') FILTER (WHERE sp."category" = 'certificate' AND sp."kind" = 'issued') AS "certificate_valid_until",
       min(sp."data"->>'issuerKind') FILTER (WHERE sp."category" = 'certificate' AND sp."kind" = 'issued') AS "certificate_issuer",
       min(sp."party_id") FILTER (WHERE sp."category" = 'diagnosis') AS "diagnosis_party",
       min(ARRAY(
         SELECT DISTINCT left(code, 3) COLLATE "C" AS c
         FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(sp."data"->'codes') = 'array' THEN sp."data"->'codes' ELSE '[]'::jsonb END) AS code
         ORDER BY 1
       )) FILTER (WHERE sp."category" = 'diagnosis' AND sp."kind" = 'recorded') AS "diagnosis_categories",
       min(sp."party_id") FILTER (WHERE sp."category" = 'insurance') AS "insurance_party",
       bool_or(sp."kind" = 'status') FILTER (WHERE sp."category" = 'insurance') AS "insurance_status",
       -- JavaScript truthiness of the JSON value, as `if (compensation)` reads it.
       bool_or(CASE jsonb_typeof(sp."data"->'compensation')
                 WHEN 'object' THEN true
                 WHEN 'array' THEN true
                 WHEN 'string' THEN sp."data"->'compensation' <> '""'::jsonb
                 WHEN 'number' THEN sp."data"->'compensation' <> '0'::jsonb
                 WHEN 'boolean' THEN sp."data"->'compensation' = 'true'::jsonb
                 ELSE false END) FILTER (WHERE sp."category" = 'insurance' AND sp."kind" = 'status') AS "compensation_set",
       min(sp."data"->'compensation'->>'extent') FILTER (WHERE sp."category" = 'insurance' AND sp."kind" = 'status') AS "compensation_extent",
       min(sp."data"->>'sgi') FILTER (WHERE sp."category" = 'insurance' AND sp."kind" = 'status') AS "sgi",
       min(sp."party_id") FILTER (WHERE sp."category" = 'coordination') AS "coordination_party",
       bool_or(sp."kind" = 'status') FILTER (WHERE sp."category" = 'coordination') AS "coordination_status",
       bool_or(sp."data"->'reinforcedCooperation' = 'true'::jsonb) FILTER (WHERE sp."category" = 'coordination' AND sp."kind" = 'status') AS "reinforced_cooperation",
       min(sp."data"->>'samordning') FILTER (WHERE sp."category" = 'coordination' AND sp."kind" = 'status') AS "samordning",
       min(sp."party_id") FILTER (WHERE sp."category" = 'employment') AS "employment_party",
       bool_or(sp."kind" = 'registered') FILTER (WHERE sp."category" = 'employment') AS "employment_registered",
       bool_or(sp."data"->'activelySeeking' = 'true'::jsonb) FILTER (WHERE sp."category" = 'employment' AND sp."kind" = 'registered') AS "actively_seeking"
FROM "status_periods" sp
JOIN "persons" pe ON pe."person_key" = sp."person_key"
WHERE sp."valid_until" IS NULL
GROUP BY sp."person_key", pe."birth_year", pe."birth_month", pe."legal_sex";
--> statement-breakpoint
-- Rows for everyone who has statuses from before this table existed.
INSERT INTO "follow_up_facts" SELECT * FROM "follow_up_facts_source";
