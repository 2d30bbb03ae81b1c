-- How a decimal reads in a message: as extracts write numbers, without the
-- trailing zeros of its scale (417.000 as 417, 0.500 as 0.5; NULL stays NULL).
create or replace temp macro decimal_text(number) as
    case
        when contains(number::varchar, '.') then rtrim(rtrim(number::varchar, '0'), '.')
        else number::varchar
    end;
