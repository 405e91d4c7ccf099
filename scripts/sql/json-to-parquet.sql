-- mcgt sql example (run from the checkout): turns the JSON lines sample into a Parquet input for score-parquet.sql.
--   scripts/mcgt sql -f scripts/sql/json-to-parquet.sql
-- No mcgt function is called, so no model is needed. Writes Parquet part files to out/sql/docs-parquet/ (a folder
-- is a table: point score-parquet.sql at your own Parquet files of documents instead).
CREATE TABLE docs_json (id STRING, text STRING) WITH (
  'connector' = 'filesystem', 'path' = 'scripts/sql/docs.jsonl', 'format' = 'json');

CREATE TABLE docs_parquet (id STRING, text STRING) WITH (
  'connector' = 'filesystem', 'path' = 'out/sql/docs-parquet', 'format' = 'parquet');

INSERT INTO docs_parquet SELECT id, text FROM docs_json;
