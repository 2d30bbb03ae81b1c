-- Working tables the files in sql/work/metrics/ fill. Never published.
--
-- metric_cells: unsuppressed cells, value = scale × numerator / denominator.
-- The moments sum_a2, sum_am and sum_m2 are Σa_i², Σa_i·m_i and Σm_i² over the
-- cell's students (or respondents) i, where a_i and m_i are i's own share of the
-- numerator and of the denominator (for a share of students a_i is 0 or 1 and
-- m_i = 1): with numerator = Σa_i and denominator = Σm_i they give the value's
-- standard error (sql/macros/interval_functions.sql, ratio_se), and, being sums,
-- they add up across disjoint groups and schools like the numerator does.
-- NULL for metrics with no interval (educator survey, SQR).
create or replace table work.metric_cells (
    school_id varchar,
    school_year integer,
    period varchar,
    metric varchar,
    subgroup varchar,
    n bigint,
    numerator double,
    denominator double,
    value double,
    sum_a2 double,
    sum_am double,
    sum_m2 double
);

-- other_cells: for a subgroup g, the cell of all the school's other students
-- (everyone not in g), behind the "compared to everyone else" gaps and the
-- discipline risk ratios. Metrics whose numerators add up get it in
-- sql/work/other_cells.sql as all minus g; the others compute it themselves.
-- The same columns as metric_cells: a cell is a cell, whoever it describes.
create or replace table work.other_cells as
select * from work.metric_cells
where false;

-- metric_labels: the human label of a topic or domain metric
-- (family_favorable:communication -> "Family survey: Communication").
create or replace table work.metric_labels (
    metric varchar,
    label varchar
);
