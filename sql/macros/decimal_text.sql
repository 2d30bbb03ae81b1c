-- How a decimal reads in a message: as extracts write numbers, without the
-- trailing zeros of its scale (417.000 as 417, 0.500 as 0.5; NULL stays NULL).
-- A whole number is printed as one: the text of a decimal, trimmed, costs
-- nearly three times as much, and ingest prints every decimal cell it reads.
create or replace temp macro decimal_text(number) as
    case
        when number = trunc(number) then trunc(number)::bigint::varchar
        else rtrim(number::varchar, '0')
    end;
