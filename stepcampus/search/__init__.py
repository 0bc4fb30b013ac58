"""Full-text search over the installed courses: `SearchIndex` and the `Hit`s it returns."""

from stepcampus.search.index import INDEX_FILE, Hit, SearchIndex, snippet_html
from stepcampus.search.query import fts_query

__all__ = ["INDEX_FILE", "Hit", "SearchIndex", "fts_query", "snippet_html"]
