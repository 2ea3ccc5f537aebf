-- FerretDB 1.24 stores each collection as a table of jsonb documents and each MongoDB index
-- as a btree on (_jsonb -> 'field'), but asks for `field = value` as
-- (_jsonb -> 'field') @> 'value', which a btree cannot answer: every lookup, by _id too,
-- scanned its whole table (FerretDB issue #4646). A GIN index on the same expression answers
-- `@>`. This gives every single-field index FerretDB makes a GIN twin, as it makes it, and
-- once for the indexes made before. Run by `stack.py` at every start; it changes nothing twice.
--
-- FerretDB never reads a btree but for uniqueness and for updates by `_id` (`_jsonb -> '_id' =`,
-- a unique index): it pushes down no range and sorts only by record order. So an index that
-- is not unique is replaced by an empty one of the same name and columns (`WHERE false`), which
-- FerretDB can still drop: every document written cost an entry in each (a city's load wrote
-- some 2 million of them, a tenth of PostgreSQL's time inserting).
--
-- FerretDB prepares each lookup with the field's name as a parameter too,
-- `(_jsonb -> $1) @> $2`. After five runs on a connection PostgreSQL may keep a generic plan,
-- made without the parameters' values: no index on `(_jsonb -> '_id')` matches `_jsonb -> $1`,
-- and every lookup by `_id` scanned its table again (27 ms instead of 0.5 ms among 2,000 needs,
-- growing with the table). Plans made with the values, each time, use the GIN twins.
--
-- A GIN index puts what is inserted in a pending list first (`fastupdate`), merged into the
-- index once it passes `gin_pending_list_limit` (4 MB) or at a vacuum or analyze, and every
-- lookup reads that whole list: among 16,000 organisations just loaded, a lookup by `_id` took
-- 0.67 ms instead of 0.02 ms (a city's load: 8.8 s of PostgreSQL looking up the owners of the
-- register's 11,000 venues and services). The twins keep no pending list, at a cost to inserts
-- (200,000 rows: 3.9 s instead of 3.2 s).

ALTER DATABASE ferretdb SET plan_cache_mode = force_custom_plan;

CREATE OR REPLACE FUNCTION pbs_gin_twin(index_oid oid) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    definition text := pg_get_indexdef(index_oid);
    expression text := substring(definition from '\((_jsonb -> ''[^'']+''::text)\)');
    index pg_index := (SELECT i FROM pg_index i WHERE indexrelid = index_oid);
BEGIN
    IF definition NOT LIKE '%USING btree%' OR expression IS NULL OR index.indpred IS NOT NULL THEN
        RETURN;  -- not one of FerretDB's, or emptied already
    END IF;
    IF index.indnatts = 1 THEN
        EXECUTE format(
            'CREATE INDEX IF NOT EXISTS %I ON %s USING gin ((%s) jsonb_path_ops) WITH (fastupdate = off)',
            left((SELECT relname FROM pg_class WHERE oid = index_oid), 59) || '_gin',
            index.indrelid::regclass,
            expression
        );
    END IF;
    IF NOT index.indisunique THEN
        EXECUTE format('DROP INDEX %s', index_oid::regclass);
        EXECUTE definition || ' WHERE false';
    END IF;
END $$;

CREATE OR REPLACE FUNCTION pbs_gin_twins() RETURNS event_trigger LANGUAGE plpgsql AS $$
DECLARE
    made record;
BEGIN
    FOR made IN SELECT objid FROM pg_event_trigger_ddl_commands() WHERE command_tag = 'CREATE INDEX' LOOP
        PERFORM pbs_gin_twin(made.objid);
    END LOOP;
END $$;

DROP EVENT TRIGGER IF EXISTS pbs_gin_twins;
CREATE EVENT TRIGGER pbs_gin_twins ON ddl_command_end WHEN TAG IN ('CREATE INDEX') EXECUTE FUNCTION pbs_gin_twins();

SELECT count(pbs_gin_twin(i.indexrelid))
FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast');

DO $$
DECLARE
    twin regclass;
BEGIN  -- the twins made before with a pending list: without it, and what it holds merged
    FOR twin IN
        SELECT c.oid FROM pg_class c JOIN pg_am a ON a.oid = c.relam
        WHERE c.relkind = 'i' AND a.amname = 'gin' AND c.relname LIKE '%\_gin'
          AND NOT coalesce(c.reloptions @> '{fastupdate=off}', false)
    LOOP
        EXECUTE format('ALTER INDEX %s SET (fastupdate = off)', twin);
        PERFORM gin_clean_pending_list(twin);
    END LOOP;
END $$;
