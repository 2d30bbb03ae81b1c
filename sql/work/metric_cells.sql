-- Working tables the files in sql/metrics/ fill. Never published.
--
-- metric_cells: unsuppressed cells, value = scale × numerator / denominator.
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

-- other_cells: for a subgroup g, the cell of all the school's other students
-- (everyone not in g), behind the "compared to everyone else" gaps and the
-- discipline risk ratios. Metrics whose numerators add up get it in
-- sql/work/other_cells.sql as all minus g; the others compute it themselves.
create or replace table work.other_cells (
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

-- metric_labels: the human label of a topic or domain metric
-- (family_favorable:communication -> "Family survey: Communication").
create or replace table work.metric_labels (
    metric varchar,
    label varchar
);
