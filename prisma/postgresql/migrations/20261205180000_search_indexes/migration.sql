-- Indexes for searching and paging at scale (docs/decisions/060-batch-search-on-postgresql.md). The SQLite twin,
-- prisma/migrations/20261205180000_search_indexes, changes nothing.

-- The batch list's search: the id and remote id start with the text, or the description, a metadata value or the
-- input file's name contains it, case ignored (lib/server/batches/list.ts). Trigram indexes answer LIKE and ILIKE
-- with a leading wildcard. pg_trgm ships with PostgreSQL (Debian's postgresql package) and is trusted since
-- PostgreSQL 13, so the database owner may create it.
CREATE EXTENSION IF NOT EXISTS "pg_trgm";

-- The values of a metadata object as one text, one value a line (keys left out, so a key name does not match every
-- batch that has it). The query tests each value again, so a search spanning two values does not match.
CREATE FUNCTION "batchboard_metadata_text"(metadata JSONB) RETURNS TEXT
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT CASE WHEN jsonb_typeof(metadata) = 'object' THEN (SELECT string_agg(value, E'\n') FROM jsonb_each_text(metadata)) END $$;

-- One multicolumn GIN index serves a condition on any of its columns, so the search's OR is a BitmapOr of its parts.
CREATE INDEX "Batch_search_idx" ON "Batch" USING GIN ("id" gin_trgm_ops, "remoteId" gin_trgm_ops, "description" gin_trgm_ops, "batchboard_metadata_text"("metadata") gin_trgm_ops);

CREATE INDEX "File_filename_search_idx" ON "File" USING GIN ("filename" gin_trgm_ops);

-- The results page's sorts (lib/server/results/query.ts) put a row without a line or tokens first, as SQLite does,
-- and end with the row id: ORDER BY line NULLS FIRST, id. The schema's (batchId, line) indexes sort NULLs last, so
-- PostgreSQL sorted a whole batch for every page. These match the orders exactly (read backwards for descending).
CREATE INDEX "ResultRow_batchId_line_id_idx" ON "ResultRow"("batchId", "line" NULLS FIRST, "id");
CREATE INDEX "ResultRow_batchId_status_line_id_idx" ON "ResultRow"("batchId", "status", "line" NULLS FIRST, "id");
CREATE INDEX "ResultRow_batchId_totalTokens_line_id_idx" ON "ResultRow"("batchId", "totalTokens" NULLS FIRST, "line" NULLS FIRST, "id");
