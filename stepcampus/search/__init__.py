"""Full-text search over the installed courses (`SearchIndex` and the `Hit`s it returns) and
the Q&A archive, transcripts and summaries of the installed webinar series (`QAArchive`)."""

from stepcampus.search.index import INDEX_FILE, Hit, SearchIndex, snippet_html
from stepcampus.search.qa import QAArchive, QAHit, SeriesInfo, SessionInfo, TextHit, TopicCount
from stepcampus.search.query import fts_query

__all__ = ["INDEX_FILE", "Hit", "QAArchive", "QAHit", "SearchIndex", "SeriesInfo",
           "SessionInfo", "TextHit", "TopicCount", "fts_query", "snippet_html"]
