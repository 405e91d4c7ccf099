-- mcgt sql example (run from the checkout): JSON lines documents in, JSON lines document scores and rejects out.
--   scripts/mcgt sql --model minilm -f scripts/sql/score-json.sql
-- The input needs an id and a text; mcgt_score wants them as columns doc_id and text.
CREATE TABLE docs (id STRING, text STRING) WITH (
  'connector' = 'filesystem', 'path' = 'scripts/sql/docs.jsonl', 'format' = 'json');

CREATE TABLE scores (doc_id STRING, tokens INT, dropped_tokens INT, chunks INT, macs BIGINT, ungated_macs BIGINT,
                     lambda_min BIGINT, lambda_mean DOUBLE, lambda_max BIGINT, embedding ARRAY<FLOAT>) WITH (
  'connector' = 'filesystem', 'path' = 'out/sql/scores', 'format' = 'json');

CREATE TABLE rejects (doc_id STRING, reject_reason STRING) WITH (
  'connector' = 'filesystem', 'path' = 'out/sql/rejects', 'format' = 'json');

CREATE TEMPORARY VIEW input_docs AS SELECT id AS doc_id, text FROM docs;

-- one row per chunk, per document and per reject; one job routes them
CREATE TEMPORARY VIEW scored AS SELECT * FROM mcgt_score(input => TABLE input_docs PARTITION BY doc_id);

EXECUTE STATEMENT SET BEGIN
  INSERT INTO scores SELECT doc_id, tokens, dropped_tokens, chunks, macs, ungated_macs, lambda_min, lambda_mean,
                            lambda_max, embedding FROM scored WHERE kind = 'document';
  INSERT INTO rejects SELECT doc_id, reject_reason FROM scored WHERE kind = 'reject';
END;
