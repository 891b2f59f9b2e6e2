CREATE TABLE "audit_leaf_hashes" (
	"seq" bigint PRIMARY KEY NOT NULL,
	"leaf_hash" "bytea" NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_tree_heads" (
	"tree_size" bigint PRIMARY KEY NOT NULL,
	"root_hash" text NOT NULL,
	"signed_head" text NOT NULL,
	"frontier" jsonb NOT NULL,
	"sealed_at" timestamp with time zone DEFAULT now() NOT NULL
);
