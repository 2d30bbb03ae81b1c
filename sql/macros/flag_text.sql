-- How a flag reads in a message: Y or N, as the extracts write it (NULL stays NULL).
create or replace temp macro flag_text(flag) as
    case when flag then 'Y' when not flag then 'N' end;
