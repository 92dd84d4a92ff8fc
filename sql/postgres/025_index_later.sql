-- The twin of sql/sqlite/025_index_later.sql, which lets an import index
-- its stories for search once a batch.  PostgreSQL has nothing to change:
-- its search column is computed with its row.  The file exists so that
-- both engines count the same schema versions ('dateline copy' refuses a
-- source whose version is newer than the destination's).
SELECT 1;
