"""Report rendering: figures from small aggregate tables, one Jinja2 template for every school."""
