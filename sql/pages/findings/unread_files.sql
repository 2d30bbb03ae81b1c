-- The entries of the landing folder the run did not read (sezp_roadmap.unread):
-- files with other names and subfolders, each with the extract it may be and
-- what to do. Listed on the data-quality page.
select
    name,
    folder,
    nearest,
    why,
    todo
from meta.unread_files
order by name;
