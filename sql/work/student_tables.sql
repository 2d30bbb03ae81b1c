-- The student-level working tables, empty: sql/work/student_attendance.sql fills
-- them one school year at a time. Never published.
--
-- profiles: every combination of the attributes behind subgroups that a student
-- of the run has, with an id (subgroups are worked out per combination).
create or replace table work.profiles (
    profile_id integer,
    grade varchar,
    race_ethnicity varchar,
    gender varchar,
    ell boolean,
    former_ell boolean,
    swd boolean,
    low_income boolean
);

-- student_attendance: one row per student in membership, per school (and ZONE)
-- and period, with the attendance thresholds and the student's profile.
create or replace table work.student_attendance (
    student_id varchar,
    school_id varchar,
    school_year integer,
    period varchar,
    membership_days integer,
    absent_days decimal(18, 3),
    is_attending boolean,
    is_chronic boolean,
    is_severe boolean,
    profile_id integer
);

-- school_months: per school (and ZONE), period and month, the students enrolled
-- that month, and the number, membership and absent days of the period's
-- attending students (marts.monthly_attendance and monthly_discipline read them).
create or replace table work.school_months (
    school_id varchar,
    school_year integer,
    period varchar,
    month date,
    enrolled_students bigint,
    attending_students bigint,
    membership_days bigint,
    absent_days decimal(18, 3)
);
