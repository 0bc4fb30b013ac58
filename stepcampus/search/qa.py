"""`QAArchive`: the Q&A archive of the installed webinar series, and their transcripts and
summaries, searched and browsed through the search index (no Qt: the desktop and the CLI
both call this).

    archive = QAArchive.for_campus(campus)        # after SearchIndex.ensure_indexed(campus)
    archive.search("proteccion social", topic="cash transfers")
    archive.browse(series_id="social-protection-in-crises")
    archive.topics(), archive.series(), archive.sessions(series_id)
    archive.search_transcript("registry", series_id=..., session_id=...)   # jump to .start

How a search stays fast on a large archive (the benchmark: 100,000 entries, p95 under 20 ms):

- Filters (series, session, topic, transcript or summary) are tokens in a hidden column, so
  FTS5 intersects them with the words inside its doclists (see search/webinar.py).
- bm25 costs over a microsecond a match: ranking all 60,000 entries that hold "social"
  would take 65-90 ms. So only the newest-indexed CANDIDATES matches are scored. More than
  that means a very common word or a short prefix, which says little about which of those
  entries is meant; a second word brings the matches down to where ranking is exact.
- Snippets are made for the returned hits only, in one more pass over the matches between
  the lowest and highest of them (a query per hit would look the words up again each time,
  which costs milliseconds for a prefix the prefix index does not cover).
- A last word of two or three letters is looked up in a prefix index. A longer one is
  spelt out as the indexed words it begins ("protection" -> "protection" OR "protections"),
  from the `terms` table: FTS5 would otherwise merge the whole doclists of those words
  before returning the first row, and again in the snippet pass (9 ms each for "soci" over
  100,000 entries), where an OR of words is read lazily, only as far as the candidates go.
  Prefixes that stand for more than MAX_EXPANSION words stay prefixes.
- A one-letter last word is not a prefix (it would match almost every entry, and no
  prefix index covers it): "s" finds the word "s" until a second letter is typed.
"""

from __future__ import annotations

import html
import json
import re
import sqlite3
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from stepcampus.search.index import _MARK_CLOSE, _MARK_OPEN, SearchIndex, snippet_html
from stepcampus.search.query import fts_query
from stepcampus.search.webinar import (
    kind_tag,
    series_tag,
    session_tag,
    topic_key,
    topic_tag,
)

if TYPE_CHECKING:
    from stepcampus.campus import Campus

CANDIDATES = 2000  # matches scored at most per search (see the module's docstring)
# Private-use characters: tags begin with one (see search/webinar.py), queries never do.
_PRIVATE = re.compile("[\ue000-\uf8ff\U000f0000-\U0010ffff]")
_WORD = re.compile(r"[^\W_]+")
MIN_PREFIX = 2
INDEXED_PREFIX = 3  # the longest prefix the prefix indexes cover (search/webinar.py)
MAX_EXPANSION = 48
QUESTION_TOKENS = 64  # snippet() allows no more: the whole of nearly every question
ANSWER_TOKENS = 24
TEXT_TOKENS = 24
# question, answer, people (asked_by, answered_by), topics, tags (never matched by words)
QA_WEIGHTS = "4.0, 1.0, 2.0, 2.0, 0.0"
TEXT_WEIGHTS = "1.0, 0.0"


@dataclass(frozen=True)
class QAHit:
    series_id: str
    series_title: str
    session_id: str
    session_title: str
    entry_id: str
    question: str
    answer: str
    question_html: str  # escaped, matched words in <b>, "…" where cut
    answer_html: str  # the part of the answer around the matched words, the same way
    asked_by: str
    answered_by: str
    at: float | None  # seconds into the recording where the answer was given, if known
    topics: tuple[str, ...]
    language: str  # the session's language


@dataclass(frozen=True)
class TextHit:
    kind: str  # "transcript" | "summary"
    series_id: str
    series_title: str
    session_id: str
    session_title: str
    language: str
    start: float | None  # the cue where the first matched word is said; None for a summary
    paragraph_start: float | None  # where the transcript paragraph begins
    end: float | None
    anchor: str  # a summary paragraph or heading id; "" in a transcript
    speaker: str
    snippet_html: str


@dataclass(frozen=True)
class TopicCount:
    topic: str
    count: int


@dataclass(frozen=True)
class SeriesInfo:
    series_id: str
    title: str
    sessions: int  # sessions with at least one Q&A entry
    entries: int


@dataclass(frozen=True)
class SessionInfo:
    series_id: str
    series_title: str
    session_id: str
    title: str
    position: int  # in the series
    language: str
    start: str | None  # ISO date and time, if scheduled
    entries: int


_COLUMNS = ("SELECT q.id, q.series_id, s.title, q.session_id, w.title, w.language, q.entry_id, "
            "q.question, q.answer, q.asked_by, q.answered_by, q.at, q.topic_list ")
_SESSION = ("JOIN webinar_sessions AS w ON w.series_id = q.series_id "
            "AND w.session_id = q.session_id ")
_FROM_QA = f"FROM qa AS q JOIN series AS s ON s.series_id = q.series_id {_SESSION}"
# Browsing reads one series at a time in the order of an index, so nothing is sorted.
_COUNTS = ("SELECT s.series_id, sum(w.entries) FROM series AS s JOIN webinar_sessions AS w "
           "ON w.series_id = s.series_id GROUP BY s.series_id ORDER BY s.sort_key, s.series_id")
_TOPIC_COUNTS = ("SELECT s.series_id, c.entries FROM series AS s JOIN qa_topic_counts AS c "
                 "ON c.series_id = s.series_id WHERE c.topic_key = ? "
                 "ORDER BY s.sort_key, s.series_id")


class QAArchive:
    def __init__(self, index: SearchIndex) -> None:
        self.index = index

    @classmethod
    def for_campus(cls, campus: Campus) -> QAArchive:
        return cls(SearchIndex.for_campus(campus))

    # -- the Q&A ----------------------------------------------------------------------------
    def search(self, query: str, *, series_id: str | None = None,
               session_id: str | None = None, topic: str | None = None,
               limit: int = 30) -> list[QAHit]:
        """Entries holding every word (the last may be cut), best first, with snippets."""
        if limit <= 0:
            return []
        tags = _filter_tags(series_id, session_id)
        if topic is not None:
            tags.append(topic_tag(topic))
        try:
            with self.index.reading() as conn:
                words = _words(conn, "qa_fts", query)
                if not words:
                    return []
                match = _match(tags, words)
                ranked = _ranked(conn, "qa_fts", QA_WEIGHTS, match, limit)
                if not ranked:
                    return []
                marks = _snippets(conn, "qa_fts", match, ranked,
                                  [(0, QUESTION_TOKENS), (1, ANSWER_TOKENS)])
                rows = conn.execute(f"{_COLUMNS}{_FROM_QA}WHERE q.id IN ({_marks(ranked)})",
                                    ranked).fetchall()
        except sqlite3.DatabaseError as exc:
            self.index.recover(exc)
            return []
        by_id = {row[0]: row for row in rows}
        return [_qa_hit(by_id[i], *(snippet_html(m or "") for m in marks.get(i, ("", ""))))
                for i in ranked if i in by_id]

    def browse(self, *, series_id: str | None = None, session_id: str | None = None,
               topic: str | None = None, limit: int = 200, offset: int = 0) -> list[QAHit]:
        """Entries without a query: in series order (by title), session order, entry order."""
        _filter_tags(series_id, session_id)  # the same argument check as search()
        limit, offset = max(0, int(limit)), max(0, int(offset))
        key = None if topic is None else topic_key(topic)
        try:
            with self.index.reading() as conn:
                if series_id is not None:
                    rows = _browse_series(conn, series_id, session_id, key, limit, offset)
                else:
                    # Page across the series by their counts, then read each in index order:
                    # one query sorting every entry of the archive would take 300 ms deep in.
                    rows = []
                    counts = (_TOPIC_COUNTS, (key,)) if key is not None else (_COUNTS, ())
                    for sid, count in conn.execute(*counts):
                        if len(rows) >= limit:
                            break
                        if offset >= count:
                            offset -= count
                            continue
                        rows += _browse_series(conn, sid, None, key, limit - len(rows), offset)
                        offset = 0
        except sqlite3.DatabaseError as exc:
            self.index.recover(exc)
            return []
        return [_qa_hit(row, html.escape(row[7], quote=False), _lead(row[8])) for row in rows]

    def topics(self, series_id: str | None = None) -> list[TopicCount]:
        """Every topic with its number of entries, the most used first."""
        sql = "SELECT min(topic), sum(entries) FROM qa_topic_counts "
        params: list[object] = []
        if series_id is not None:
            sql += "WHERE series_id = ? "
            params.append(series_id)
        sql += "GROUP BY topic_key ORDER BY sum(entries) DESC, topic_key"
        return [TopicCount(topic, count) for topic, count in self.index.fetch(sql, params)]

    def series(self) -> list[SeriesInfo]:
        """The series that have Q&A, by title."""
        rows = self.index.fetch(
            "SELECT s.series_id, s.title, count(*), sum(w.entries) FROM series AS s "
            "JOIN webinar_sessions AS w ON w.series_id = s.series_id WHERE w.entries > 0 "
            "GROUP BY s.series_id ORDER BY s.sort_key, s.series_id")
        return [SeriesInfo(*row) for row in rows]

    def sessions(self, series_id: str | None = None) -> list[SessionInfo]:
        """The sessions that have Q&A, in series order then session order."""
        sql = ("SELECT w.series_id, s.title, w.session_id, w.title, w.position, w.language, "
               "w.start, w.entries FROM series AS s CROSS JOIN webinar_sessions AS w "
               "ON w.series_id = s.series_id WHERE w.entries > 0 ")
        params: list[object] = []
        if series_id is not None:
            sql += "AND s.series_id = ? "
            params.append(series_id)
        sql += "ORDER BY s.sort_key, s.series_id, w.position"
        return [SessionInfo(*row) for row in self.index.fetch(sql, params)]

    # -- transcripts and summaries ----------------------------------------------------------
    def search_transcript(self, query: str, *, series_id: str | None = None,
                          session_id: str | None = None, language: str | None = None,
                          limit: int = 30) -> list[TextHit]:
        """Transcript paragraphs holding the words, best first; `start` is the cue that says
        the first of them. language: the captions the player shows (None: the session's
        own language)."""
        return self._search_text("transcript", language, query, series_id, session_id, limit)

    def search_summaries(self, query: str, *, series_id: str | None = None,
                         session_id: str | None = None, limit: int = 30) -> list[TextHit]:
        """Paragraphs and headings of the sessions' written summaries, best first."""
        return self._search_text("summary", None, query, series_id, session_id, limit)

    def _search_text(self, kind: str, language: str | None, query: str,
                     series_id: str | None, session_id: str | None,
                     limit: int) -> list[TextHit]:
        if limit <= 0:
            return []
        tags = [*_filter_tags(series_id, session_id), kind_tag(kind, language)]
        try:
            with self.index.reading() as conn:
                words = _words(conn, "webinar_text_fts", query)
                if not words:
                    return []
                match = _match(tags, words)
                ranked = _ranked(conn, "webinar_text_fts", TEXT_WEIGHTS, match, limit)
                if not ranked:
                    return []
                # -1 tokens: highlight() as snippet(), the whole paragraph, to find its cue.
                marks = _snippets(conn, "webinar_text_fts", match, ranked,
                                  [(0, TEXT_TOKENS), (0, -1)])
                rows = conn.execute(
                    "SELECT t.id, t.kind, t.series_id, s.title, t.session_id, w.title, "
                    "t.language, t.start, t.end, t.anchor, t.speaker, t.cues "
                    "FROM webinar_text AS t JOIN series AS s ON s.series_id = t.series_id "
                    "JOIN webinar_sessions AS w ON w.series_id = t.series_id "
                    f"AND w.session_id = t.session_id WHERE t.id IN ({_marks(ranked)})",
                    ranked).fetchall()
        except sqlite3.DatabaseError as exc:
            self.index.recover(exc)
            return []
        by_id = {row[0]: row for row in rows}
        hits = []
        for i in ranked:
            if i not in by_id:
                continue
            (_, kind_, sid, stitle, sess, sesstitle, lang, start, end, anchor, speaker,
             cues) = by_id[i]
            snippet, whole = marks.get(i, ("", ""))
            hits.append(TextHit(kind_, sid, stitle, sess, sesstitle, lang,
                                _cue_start(json.loads(cues), whole, start), start, end,
                                anchor, speaker, snippet_html(snippet or "")))
        return hits


# -- helpers ---------------------------------------------------------------------------------
def _browse_series(conn: sqlite3.Connection, series_id: str, session_id: str | None,
                   key: str | None, limit: int, offset: int) -> list[tuple[Any, ...]]:
    if key is None:
        sql = f"{_COLUMNS}{_FROM_QA}WHERE q.series_id = ? "
        params: list[object] = [series_id]
        order = "q.session_position, q.position"
    else:
        sql = (f"{_COLUMNS}FROM qa_topics AS o JOIN qa AS q ON q.id = o.entry "
               f"JOIN series AS s ON s.series_id = q.series_id {_SESSION}"
               "WHERE o.topic_key = ? AND o.series_id = ? ")
        params = [key, series_id]
        order = "o.session_position, o.position"
    if session_id is not None:
        sql += "AND q.session_id = ? "
        params.append(session_id)
    sql += f"ORDER BY {order} LIMIT ? OFFSET ?"
    return conn.execute(sql, [*params, limit, offset]).fetchall()


def _filter_tags(series_id: str | None, session_id: str | None) -> list[str]:
    if session_id is not None and series_id is None:
        raise ValueError("a session is named within its series: give series_id too")
    tags = []
    if series_id is not None:
        tags.append(series_tag(series_id))
    if session_id is not None and series_id is not None:
        tags.append(session_tag(series_id, session_id))
    return tags


def _words(conn: sqlite3.Connection, source: str, query: str) -> str:
    """fts_query's expression, its last prefix spelt out as words where that is faster."""
    # Composed, so that "é" typed as e + accent is one letter of the word, as indexed.
    words = fts_query(unicodedata.normalize("NFC", _PRIVATE.sub(" ", query)), MIN_PREFIX)
    if not words.endswith("*"):
        return words
    # Chunks hold no spaces, so the last phrase is the text after the last one.
    head, _, last = words[:-1].rpartition(" ")
    chunk = last[1:-1].replace('""', '"')
    found = _WORD.findall(chunk)
    if not found or len(found[-1]) <= INDEXED_PREFIX:
        return words
    stem = chunk[:chunk.rindex(found[-1])]  # "l'" of "l'exclu"
    key = _fold(found[-1])
    terms = [term for (term,) in conn.execute(
        "SELECT term FROM terms WHERE source = ? AND term >= ? AND term < ? LIMIT ?",
        (source, key, key + "\U0010ffff", MAX_EXPANSION + 1))]
    if not terms or len(terms) > MAX_EXPANSION:
        return words  # none: folded unlike the tokenizer folds; the prefix is always right
    spelt = " OR ".join('"' + (stem + term).replace('"', '""') + '"' for term in terms)
    return f"{head} AND ({spelt})" if head else f"({spelt})"


def _fold(word: str) -> str:
    """A word as unicode61 with remove_diacritics 2 indexes it (closely enough: see above)."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _match(tags: list[str], words: str) -> str:
    return " AND ".join([*(f'"{t}"' for t in tags), f"({words})"])


def _marks(values: Sequence[object]) -> str:
    return ", ".join("?" * len(values))


def _ranked(conn: sqlite3.Connection, table: str, weights: str, match: str,
            limit: int) -> list[int]:
    """Row ids of the best `limit` among the newest CANDIDATES matches (ties: newest)."""
    sql = (f"SELECT id FROM (SELECT rowid AS id, bm25({table}, {weights}) AS score "
           f"FROM {table} WHERE {table} MATCH ? ORDER BY rowid DESC LIMIT {CANDIDATES}) "
           "ORDER BY score, id DESC LIMIT ?")
    return [rowid for (rowid,) in conn.execute(sql, (match, int(limit)))]


def _snippets(conn: sqlite3.Connection, table: str, match: str, ids: list[int],
              columns: list[tuple[int, int]]) -> dict[int, Sequence[str | None]]:
    """snippet() of the given (column, tokens) for these rows only; tokens -1: highlight().
    `+rowid` keeps the IN a filter on the matches: as a constraint, FTS5 would run the
    MATCH again for every id."""
    calls = [f"highlight({table}, {column}, '{_MARK_OPEN}', '{_MARK_CLOSE}')" if tokens < 0
             else f"snippet({table}, {column}, '{_MARK_OPEN}', '{_MARK_CLOSE}', '…', {tokens})"
             for column, tokens in columns]
    sql = (f"SELECT rowid, {', '.join(calls)} FROM {table} WHERE {table} MATCH ? "
           f"AND rowid >= ? AND rowid <= ? AND +rowid IN ({_marks(ids)})")
    rows = conn.execute(sql, [match, min(ids), max(ids), *ids])
    return {rowid: values for rowid, *values in rows}


def _qa_hit(row: tuple[Any, ...], question_html: str, answer_html: str) -> QAHit:
    (_, series_id, series_title, session_id, session_title, language, entry_id, question,
     answer, asked_by, answered_by, at, topic_list) = row
    return QAHit(series_id, series_title, session_id, session_title, entry_id, question,
                 answer, question_html, answer_html, asked_by, answered_by,
                 None if at is None else float(at), tuple(json.loads(topic_list)), language)


def _lead(text: str, words: int = ANSWER_TOKENS) -> str:
    """The beginning of a text, escaped, as a snippet without matches looks."""
    parts = text.split()
    cut = " ".join(parts[:words])
    return html.escape(cut, quote=False) + ("…" if len(parts) > words else "")


def _cue_start(cues: list[list[float]], highlighted: str | None,
               default: float | None) -> float | None:
    """The start of the cue in which the first marked word sits."""
    if not highlighted or not cues:
        return default
    offset = highlighted.find(_MARK_OPEN)
    if offset < 0:
        return default
    start = default
    for position, cue_start in cues:
        if position > offset:
            break
        start = cue_start
    return start
