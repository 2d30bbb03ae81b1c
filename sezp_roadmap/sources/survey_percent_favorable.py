"""Family survey results as survey vendors export them (Panorama-style): percent favorable per school and topic.

Everything is in the bundled profile (survey-percent-favorable.yaml): each row
is one topic (or item) of one school's administration, with the vendor's
percent favorable and its respondents, read as the family_survey_summary
extract. The answers behind a vendor's percentage are not in such a file, so
it is not written as family_survey rows: the metrics say what the figure is
(docs/metrics.md, "The vendor's family survey figures").
"""

from __future__ import annotations

from pathlib import Path

NAME = "survey-percent-favorable"
PROFILE = Path(__file__).with_name("survey-percent-favorable.yaml")
