"""What the search index keeps of an installed webinar series, and the tables it goes into.

Three kinds of rows per session: each Q&A entry (question, answer, who asked and answered,
when in the recording, topics), the transcript cut into paragraphs of about 30-60 seconds
(a hit opens the recording near the words, and the cue offsets kept with each paragraph
narrow it to the cue itself), and the written summary, one row per paragraph or heading.

Each full-text table has a hidden `tags` column holding one token per series, session and
topic (and, for texts, kind and language): a filter then becomes one more term in the MATCH,
which FTS5 intersects inside its doclists instead of looking up every match of a common word
in another table. A tag begins with a private-use character, which the tokenizer keeps in a
token and which the archive strips from queries, so no word a learner types matches a tag.
That spares a column filter on the words, which makes bm25 about 2.4x slower.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from stepcampus.errors import StepCampusError
from stepcampus.search.extract import _CONTROLS, clean_text, html_blocks
from stepcampus.tasks import Task

if TYPE_CHECKING:
    from stepcampus.webinar.installed import SeriesView, SessionView
    from stepcampus.webinar.vtt import Cue

PARAGRAPH_MIN = 30.0  # seconds: a transcript paragraph ends at the first cue after this...
PARAGRAPH_MAX = 60.0  # ...and never runs longer than this (one long cue excepted)
TOKENIZE = "tokenize = 'unicode61 remove_diacritics 2'"
# Prefix indexes for the two- and three-letter prefixes the desktop sends while a word is
# typed: without them FTS5 merges the doclists of the hundreds of words so prefixed, 10-20 ms
# at 100,000 entries. The archive spells longer prefixes out as words (see qa.py).
PREFIX = "prefix = '2 3'"
TAG_MARK = "\ue000"  # private use: a token character to unicode61, never in a query

SCHEMA = (
    """CREATE TABLE series (
        series_id TEXT PRIMARY KEY,
        version TEXT NOT NULL,
        title TEXT NOT NULL,
        sort_key TEXT NOT NULL,        -- the title folded, for browsing across series
        default_language TEXT NOT NULL
    )""",
    "CREATE UNIQUE INDEX series_order ON series (sort_key, series_id)",
    """CREATE TABLE webinar_sessions (
        series_id TEXT NOT NULL,
        session_id TEXT NOT NULL,
        position INTEGER NOT NULL,     -- the order of the series' sessions
        title TEXT NOT NULL,
        language TEXT NOT NULL,
        start TEXT,                    -- ISO date and time, if scheduled
        entries INTEGER NOT NULL,      -- Q&A entries
        PRIMARY KEY (series_id, session_id)
    )""",
    # The Q&A entries themselves; qa_fts indexes them without a second copy of the text.
    """CREATE TABLE qa (
        id INTEGER PRIMARY KEY,
        series_id TEXT NOT NULL,
        session_id TEXT NOT NULL,
        session_position INTEGER NOT NULL,
        position INTEGER NOT NULL,
        entry_id TEXT NOT NULL,
        question TEXT NOT NULL,
        answer TEXT NOT NULL,
        asked_by TEXT NOT NULL,
        answered_by TEXT NOT NULL,
        at REAL,
        topic_list TEXT NOT NULL,      -- JSON list, as the entry has them
        people TEXT NOT NULL,          -- asked_by and answered_by, searched together
        topics TEXT NOT NULL,          -- the topics as one text, searched
        tags TEXT NOT NULL
    )""",
    "CREATE INDEX qa_order ON qa (series_id, session_position, position)",
    # One row per entry and topic, in browsing order: a topic's entries need no sort.
    """CREATE TABLE qa_topics (
        topic_key TEXT NOT NULL,
        series_id TEXT NOT NULL,
        session_position INTEGER NOT NULL,
        position INTEGER NOT NULL,
        entry INTEGER NOT NULL,
        topic TEXT NOT NULL,
        PRIMARY KEY (topic_key, series_id, session_position, position)
    ) WITHOUT ROWID""",
    "CREATE INDEX qa_topics_series ON qa_topics (series_id)",
    # Counted once when a series is written, not at every look at the topic list.
    """CREATE TABLE qa_topic_counts (
        series_id TEXT NOT NULL,
        topic_key TEXT NOT NULL,
        topic TEXT NOT NULL,
        entries INTEGER NOT NULL,
        PRIMARY KEY (series_id, topic_key)
    ) WITHOUT ROWID""",
    f"""CREATE VIRTUAL TABLE qa_fts USING fts5(
        question, answer, people, topics, tags,
        content = 'qa', content_rowid = 'id', {TOKENIZE}, {PREFIX}
    )""",
    """CREATE TABLE webinar_text (
        id INTEGER PRIMARY KEY,
        series_id TEXT NOT NULL,
        session_id TEXT NOT NULL,
        kind TEXT NOT NULL,            -- "transcript" | "summary"
        language TEXT NOT NULL,
        own INTEGER NOT NULL,          -- 1: in the session's own language (its transcript)
        start REAL,                    -- a paragraph's first second; NULL for the summary
        end REAL,
        anchor TEXT NOT NULL,          -- a summary paragraph or heading id
        speaker TEXT NOT NULL,
        cues TEXT NOT NULL,            -- JSON [[character offset, start], ...] per cue
        text TEXT NOT NULL,
        tags TEXT NOT NULL
    )""",
    "CREATE INDEX webinar_text_series ON webinar_text (series_id)",
    f"""CREATE VIRTUAL TABLE webinar_text_fts USING fts5(
        text, tags, content = 'webinar_text', content_rowid = 'id', {TOKENIZE}, {PREFIX}
    )""",
    # Every indexed word of each table, to spell out a longer prefix as the words it stands
    # for (see qa.py): kept in a plain table, as fts5vocab counts documents on every read.
    "CREATE VIRTUAL TABLE qa_vocab USING fts5vocab(qa_fts, row)",
    "CREATE VIRTUAL TABLE webinar_text_vocab USING fts5vocab(webinar_text_fts, row)",
    """CREATE TABLE terms (
        source TEXT NOT NULL,          -- "qa_fts" | "webinar_text_fts"
        term TEXT NOT NULL,
        PRIMARY KEY (source, term)
    ) WITHOUT ROWID""",
)
TABLES = frozenset({"series", "webinar_sessions", "qa", "qa_topics", "qa_topic_counts",
                    "qa_fts", "webinar_text", "webinar_text_fts", "qa_vocab",
                    "webinar_text_vocab", "terms"})
VOCABULARIES = {"qa_fts": "qa_vocab", "webinar_text_fts": "webinar_text_vocab"}

_VOICE = re.compile(r"^\s*<v(?:\.[^\s>]*)?\s+([^>]*)>")


def _tag(kind: str, *parts: str) -> str:
    # The mark, letters and digits only: the tokenizer keeps the tag as one token.
    return TAG_MARK + kind + hashlib.sha1("\x1f".join(parts).encode()).hexdigest()[:16]


def series_tag(series_id: str) -> str:
    return _tag("s", series_id)


def session_tag(series_id: str, session_id: str) -> str:
    return _tag("n", series_id, session_id)


def kind_tag(kind: str, language: str | None) -> str:
    """Transcript rows in one caption language (None: the session's own), or summary rows."""
    return _tag("k", kind, language or "\x00own")


def text_tags(base: str, row: TextRow) -> str:
    tags = [base, kind_tag(row.kind, row.language)]
    if row.own:
        tags.append(kind_tag(row.kind, None))
    return " ".join(tags)


def topic_key(topic: str) -> str:
    """Topics are the same when they differ only in case, accents or spacing."""
    decomposed = unicodedata.normalize("NFKD", " ".join(topic.split()).casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def topic_tag(topic: str) -> str:
    return _tag("t", topic_key(topic))


def keep_text(text: str) -> str:
    """Text kept as written (line breaks too), without the control characters that would
    clash with the snippet markers."""
    return _CONTROLS.sub(" ", text).strip()


@dataclass(frozen=True)
class QARow:
    entry_id: str
    position: int
    question: str
    answer: str
    asked_by: str
    answered_by: str
    at: float | None
    topics: tuple[str, ...]


@dataclass(frozen=True)
class TextRow:
    kind: str  # "transcript" | "summary"
    language: str
    own: bool
    start: float | None
    end: float | None
    anchor: str
    speaker: str
    cues: list[tuple[int, float]]
    text: str


@dataclass
class SessionRows:
    session_id: str
    position: int
    title: str
    language: str
    start: str | None
    qa: list[QARow] = field(default_factory=list)
    texts: list[TextRow] = field(default_factory=list)


def transcript_paragraphs(cues: Iterable[Cue], language: str, own: bool) -> list[TextRow]:
    """Cues grouped into paragraphs: a new one at each change of speaker, at the first cue
    after PARAGRAPH_MIN seconds, and before one would pass PARAGRAPH_MAX."""
    rows: list[TextRow] = []
    parts: list[str] = []
    offsets: list[tuple[int, float]] = []
    start = end = 0.0
    length = 0
    speaker = ""

    def flush() -> None:
        if parts:
            rows.append(TextRow("transcript", language, own, start, end, "", speaker,
                                list(offsets), " ".join(parts)))
        parts.clear()
        offsets.clear()

    for cue in cues:
        text = clean_text(cue.plain)
        if not text:
            continue
        voice = _VOICE.match(cue.text)
        new_speaker = clean_text(voice.group(1)) if voice else speaker
        if parts and (new_speaker != speaker or end - start >= PARAGRAPH_MIN
                      or cue.end - start > PARAGRAPH_MAX):
            flush()
        if not parts:
            start, end, length = cue.start, cue.end, 0
        speaker = new_speaker
        offsets.append((length, cue.start))
        parts.append(text)
        length += len(text) + 1
        end = max(end, cue.end)
    flush()
    return rows


def session_rows(session: SessionView, position: int) -> SessionRows:
    """Everything searchable of one session. A part that cannot be read (a build checks them
    all) only loses its rows, never the rest of the series."""
    captions: dict[str, str] = (session.recording or {}).get("captions") or {}
    rows = SessionRows(session.id, position, clean_text(session.title), session.language,
                       session.start)
    try:
        rows.qa = [QARow(e.id, number, keep_text(e.question), keep_text(e.answer),
                         clean_text(e.asked_by), clean_text(e.answered_by), e.at,
                         tuple(clean_text(t) for t in e.topics if clean_text(t)))
                   for number, e in enumerate(session.questions)]
    except (StepCampusError, UnicodeDecodeError):
        rows.qa = []
    own = session.language if session.language in captions else next(iter(sorted(captions)), "")
    for language in sorted(captions):
        try:
            cues = session.captions(language)
        except (StepCampusError, UnicodeDecodeError):
            continue
        rows.texts += transcript_paragraphs(cues, language, language == own)
    try:
        summary = session.summary_html()
    except (StepCampusError, UnicodeDecodeError):
        summary = None
    if summary is not None:
        for anchor, heading, body in html_blocks(summary.html):
            text = f"{heading} {body}".strip()
            if text:
                rows.texts.append(TextRow("summary", session.language, True, None, None,
                                          anchor, "", [], text))
    return rows


def prepare_series(view: SeriesView, task: Task) -> list[SessionRows]:
    """The rows of every session, reporting progress per session and checking for cancel."""
    sessions = view.sessions()
    prepared = []
    for number, session in enumerate(sessions):
        task.report(number, len(sessions), f"{view.title()}: {session.title}")
        prepared.append(session_rows(session, number))
    task.report(len(sessions), len(sessions), view.title())
    return prepared


def refresh_terms(conn: sqlite3.Connection) -> None:
    """Inside the caller's transaction, so the words never disagree with the index (fts5vocab
    sees its uncommitted rows): a word missing here would be a match missed."""
    conn.execute("DELETE FROM terms")
    for source, vocabulary in VOCABULARIES.items():
        conn.execute(f"INSERT INTO terms SELECT '{source}', term FROM {vocabulary}")


def delete_series(conn: sqlite3.Connection, series_id: str) -> bool:
    """Inside the caller's transaction; False if the index held no such series. External-
    content FTS tables forget a row only when told its indexed text, so the text is handed
    back from the content table first. The caller refreshes the terms."""
    if conn.execute("SELECT 1 FROM series WHERE series_id = ?", (series_id,)).fetchone() is None:
        return False
    conn.execute("INSERT INTO qa_fts (qa_fts, rowid, question, answer, people, topics, tags) "
                 "SELECT 'delete', id, question, answer, people, topics, tags FROM qa "
                 "WHERE series_id = ?", (series_id,))
    conn.execute("INSERT INTO webinar_text_fts (webinar_text_fts, rowid, text, tags) "
                 "SELECT 'delete', id, text, tags FROM webinar_text WHERE series_id = ?",
                 (series_id,))
    for table in ("qa", "qa_topics", "qa_topic_counts", "webinar_text", "webinar_sessions",
                  "series"):
        conn.execute(f"DELETE FROM {table} WHERE series_id = ?", (series_id,))
    return True


def write_series(conn: sqlite3.Connection, series_id: str, version: str, title: str,
                 default_language: str, sessions: list[SessionRows]) -> None:
    """Inside the caller's transaction: replace the series' rows with these."""
    delete_series(conn, series_id)
    conn.execute("INSERT INTO series VALUES (?, ?, ?, ?, ?)",
                 (series_id, version, title, topic_key(title), default_language))
    stag = series_tag(series_id)
    for s in sessions:
        conn.execute("INSERT INTO webinar_sessions VALUES (?, ?, ?, ?, ?, ?, ?)",
                     (series_id, s.session_id, s.position, s.title, s.language, s.start,
                      len(s.qa)))
        base = f"{stag} {session_tag(series_id, s.session_id)}"
        insert_qa(conn, series_id, s.session_id, s.position, s.qa, base)
        conn.executemany(
            "INSERT INTO webinar_text (series_id, session_id, kind, language, own, start, end, "
            "anchor, speaker, cues, text, tags) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(series_id, s.session_id, t.kind, t.language, int(t.own), t.start, t.end,
              t.anchor, t.speaker, json.dumps(t.cues), t.text, text_tags(base, t))
             for t in s.texts])
    conn.execute("INSERT INTO webinar_text_fts (rowid, text, tags) SELECT id, text, tags "
                 "FROM webinar_text WHERE series_id = ?", (series_id,))
    conn.execute("INSERT INTO qa_topic_counts SELECT series_id, topic_key, min(topic), count(*) "
                 "FROM qa_topics WHERE series_id = ? GROUP BY topic_key", (series_id,))
    refresh_terms(conn)


def insert_qa(conn: sqlite3.Connection, series_id: str, session_id: str,
              session_position: int, entries: list[QARow], base_tags: str) -> None:
    """Insert one session's entries into qa, qa_topics and qa_fts (the benchmark uses this
    too, so its figures are this code's)."""
    first = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM qa").fetchone()[0]
    rows = []
    topics = []
    for number, e in enumerate(entries):
        tags = " ".join([base_tags, *dict.fromkeys(topic_tag(t) for t in e.topics)])
        rows.append((first + number, series_id, session_id, session_position, e.position,
                     e.entry_id, e.question, e.answer, e.asked_by, e.answered_by, e.at,
                     json.dumps(list(e.topics), ensure_ascii=False),
                     " ; ".join(p for p in (e.asked_by, e.answered_by) if p),
                     " ; ".join(e.topics), tags))
        seen: set[str] = set()
        for topic in e.topics:
            key = topic_key(topic)
            if key not in seen:
                seen.add(key)
                topics.append((key, series_id, session_position, e.position, first + number,
                               topic))
    conn.executemany("INSERT INTO qa VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     rows)
    conn.executemany("INSERT INTO qa_topics VALUES (?, ?, ?, ?, ?, ?)", topics)
    conn.executemany("INSERT INTO qa_fts (rowid, question, answer, people, topics, tags) "
                     "VALUES (?, ?, ?, ?, ?, ?)",
                     [(r[0], r[6], r[7], r[12], r[13], r[14]) for r in rows])
