-- mcgt sql example (run from the checkout): Parquet documents in, Parquet document scores and rejects out.
--   scripts/mcgt sql -f scripts/sql/json-to-parquet.sql              # a Parquet input from scripts/sql/docs.jsonl
--   scripts/mcgt sql --model minilm -f scripts/sql/score-parquet.sql
-- The input is a folder (or one file) of Parquet files with a string id and a string text column; mcgt_score wants
-- them as columns doc_id and text. Other columns are allowed and ignored.
CREATE TABLE docs (id STRING, text STRING) WITH (
  'connector' = 'filesystem', 'path' = 'out/sql/docs-parquet', 'format' = 'parquet');

CREATE TABLE scores (doc_id STRING, tokens INT, dropped_tokens INT, chunks INT, macs BIGINT, ungated_macs BIGINT,
                     lambda_min BIGINT, lambda_mean DOUBLE, lambda_max BIGINT, embedding ARRAY<FLOAT>) WITH (
  'connector' = 'filesystem', 'path' = 'out/sql/scores-parquet', 'format' = 'parquet');

CREATE TABLE rejects (doc_id STRING, reject_reason STRING) WITH (
  'connector' = 'filesystem', 'path' = 'out/sql/rejects-parquet', 'format' = 'parquet');

CREATE TEMPORARY VIEW input_docs AS SELECT id AS doc_id, text FROM docs;

-- one row per chunk, per document and per reject; one job routes them
CREATE TEMPORARY VIEW scored AS SELECT * FROM mcgt_score(input => TABLE input_docs PARTITION BY doc_id);

EXECUTE STATEMENT SET BEGIN
  INSERT INTO scores SELECT doc_id, tokens, dropped_tokens, chunks, macs, ungated_macs, lambda_min, lambda_mean,
                            lambda_max, embedding FROM scored WHERE kind = 'document';
  INSERT INTO rejects SELECT doc_id, reject_reason FROM scored WHERE kind = 'reject';
END;
