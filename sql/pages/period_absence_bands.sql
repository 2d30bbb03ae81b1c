-- Students by absence band in one school year and period.
select school_id, band_order, band, students, share, suppressed
from marts.absence_bands
where school_year = $school_year
  and period = $period
order by school_id, band_order;
