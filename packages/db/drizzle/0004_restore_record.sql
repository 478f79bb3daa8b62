-- A restore record keeps its own copy of what it restored (id, label, kind, time), so the timeline can
-- still name it after retention drops that automatic checkpoint. Existing records are filled from their
-- source while it still exists (before this, a restore record's label held the source's id).
ALTER TABLE "doc_versions" ADD COLUMN "restored_from" jsonb;--> statement-breakpoint
UPDATE "doc_versions" AS r SET "restored_from" = jsonb_build_object(
	'id', s."id", 'label', s."label", 'kind', s."kind",
	'createdAt', to_char(s."created_at" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
FROM "doc_versions" AS s
WHERE r."kind" = 'restore' AND r."restored_from" IS NULL AND s."id" = r."label" AND s."doc_name" = r."doc_name";
