-- Unsuppressed metric cells, filled by the files in sql/metrics/. Never published.
create or replace table work.metric_cells (
    school_id varchar,
    school_year integer,
    period varchar,
    metric varchar,
    subgroup varchar,
    n bigint,
    numerator double,
    denominator double,
    value double
);
