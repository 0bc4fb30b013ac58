"""`SearchIndex`: full-text search over the installed courses and webinar series, in its own
SQLite file. Course modules and glossaries are searched here; the Q&A archive, transcripts and
summaries of webinar series through `stepcampus.search.qa.QAArchive` over the same file.

The index is a cache derived from the content store, kept apart from the learner's database
so that indexing never holds a lock that progress writes wait for. If the file is damaged or
was written by another index format, it is thrown away and rebuilt: nothing in it is data
that cannot be made again.

Plain sqlite3 (no ORM) so opening it is cheap; a connection per call, so the worker thread
that indexes and the one that searches never share one, and WAL lets them run together.
"""

from __future__ import annotations

import contextlib
import html
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stepcampus.search.extract import Passage, glossary_passages, module_passages
from stepcampus.search.query import fts_query
from stepcampus.search.webinar import SCHEMA as WEBINAR_SCHEMA
from stepcampus.search.webinar import TABLES as WEBINAR_TABLES
from stepcampus.search.webinar import (
    delete_series,
    prepare_series,
    refresh_terms,
    write_series,
)
from stepcampus.tasks import Task

if TYPE_CHECKING:
    from stepcampus.campus import Campus
    from stepcampus.coursepack.installed import CourseView
    from stepcampus.webinar.installed import SeriesView

# Bump when the schema or what goes into a row changes: older files are rebuilt.
# 2: webinar series (Q&A, transcripts, summaries).
FORMAT = 2
INDEX_FILE = "search.sqlite"
SNIPPET_TOKENS = 20
HEADING_WEIGHT = 8.0  # titles, headings and glossary terms count more than body text

# snippet() wraps matches in these; they cannot occur in indexed text (see clean_text).
_MARK_OPEN, _MARK_CLOSE = "\x02", "\x03"

_SCHEMA = (
    """CREATE TABLE courses (
        course_id TEXT PRIMARY KEY,
        version TEXT NOT NULL,
        languages TEXT NOT NULL,       -- ",en,fr,es," so instr() can test membership
        default_language TEXT NOT NULL,
        titles TEXT NOT NULL           -- JSON {language: course title}
    )""",
    # heading and body are searched; the rest only ride along with each row.
    """CREATE VIRTUAL TABLE passages USING fts5(
        heading, body,
        course_id UNINDEXED, version UNINDEXED, language UNINDEXED, module_id UNINDEXED,
        kind UNINDEXED, anchor UNINDEXED, title UNINDEXED, fallback UNINDEXED,
        detail UNINDEXED,
        tokenize = 'unicode61 remove_diacritics 2'
    )""",
    *WEBINAR_SCHEMA,
)

# Only these mean the file itself is bad; "locked" or "busy" must never wipe it.
_DAMAGE = ("SQLITE_CORRUPT", "SQLITE_NOTADB")

_locks: dict[Path, threading.RLock] = {}
_locks_guard = threading.Lock()


def _lock_for(path: Path) -> threading.RLock:
    with _locks_guard:
        return _locks.setdefault(path, threading.RLock())


def _is_damage(exc: sqlite3.Error) -> bool:
    name = getattr(exc, "sqlite_errorname", "") or ""
    return name.startswith(_DAMAGE)


@dataclass(frozen=True)
class Hit:
    course_id: str
    module_id: str  # "" for a glossary entry
    language: str  # the interface language the row was indexed for
    kind: str  # "module" | "glossary"
    anchor: str  # a paragraph or heading id in the module, "" for its top
    title: str  # the module title, or the glossary term
    snippet_html: str  # escaped text, matches in <b>, "…" where cut
    course_title: str = ""
    definition: str = ""  # a glossary entry's definition, to show without opening anything


class SearchIndex:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = _lock_for(self.path.resolve())
        self._ready = False

    @classmethod
    def for_campus(cls, campus: Campus) -> SearchIndex:
        return cls(campus.data_dir / INDEX_FILE)

    # -- the file ---------------------------------------------------------------------------
    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            if not self._ready:
                self._prepare()
        # Autocommit mode: every write below opens its own explicit transaction.
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None,
                               check_same_thread=True)
        try:
            yield conn
        finally:
            conn.close()

    def _prepare(self) -> None:
        """Make sure the file holds this index format, rebuilding it if not."""
        try:
            if self._valid():
                self._ready = True
                return
        except sqlite3.DatabaseError as exc:
            if not _is_damage(exc):
                raise
        self._rebuild()

    def _valid(self) -> bool:
        if not self.path.exists():
            return False
        conn = sqlite3.connect(self.path, timeout=30)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = {name for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            # Touch the full-text table so a broken one shows now, not in the middle of a search.
            if version == FORMAT and {"courses", "passages"} | WEBINAR_TABLES <= tables:
                for fts in ("passages", "qa_fts", "webinar_text_fts"):
                    conn.execute(f"SELECT count(*) FROM {fts} WHERE {fts} MATCH 'x'").fetchone()
                return True
            return False
        finally:
            conn.close()

    def _rebuild(self) -> None:
        with self._lock:
            self._ready = False
            self.path.parent.mkdir(parents=True, exist_ok=True)
            for suffix in ("", "-wal", "-shm", "-journal"):
                with contextlib.suppress(FileNotFoundError):
                    Path(f"{self.path}{suffix}").unlink()
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            try:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("BEGIN IMMEDIATE")
                for statement in _SCHEMA:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {FORMAT}")
                conn.execute("COMMIT")
            finally:
                conn.close()
            self._ready = True

    def _recover(self, exc: sqlite3.DatabaseError) -> None:
        """A damaged file is rebuilt (empty); any other database error is a real error."""
        if not _is_damage(exc):
            raise exc
        self._rebuild()

    def fetch(self, sql: str, params: Iterable[object] = ()) -> list[tuple[Any, ...]]:
        """Rows of one read; a damaged file is rebuilt and reads as empty."""
        try:
            with self._connect() as conn:
                return conn.execute(sql, tuple(params)).fetchall()
        except sqlite3.DatabaseError as exc:
            self._recover(exc)
            return []

    @contextlib.contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """Several reads from one snapshot (a search, then its snippets: an indexing thread
        committing in between must not change the rows under them). The caller catches
        sqlite3.DatabaseError and hands it to `recover`."""
        with self._connect() as conn:
            conn.execute("BEGIN")
            try:
                yield conn
            finally:
                if conn.in_transaction:
                    conn.execute("COMMIT")

    def recover(self, exc: sqlite3.DatabaseError) -> None:
        self._recover(exc)

    # -- what is indexed ----------------------------------------------------------------------
    def indexed_versions(self) -> dict[str, str]:
        """Every indexed course and webinar series, by id, at its indexed version."""
        try:
            with self._connect() as conn:
                return dict(conn.execute("SELECT course_id, version FROM courses UNION ALL "
                                         "SELECT series_id, version FROM series"))
        except sqlite3.DatabaseError as exc:
            self._recover(exc)
            return {}

    def index_course(self, view: CourseView, task: Task | None = None) -> bool:
        """Index one course at its version; False (and nothing done) if it already is.

        Rows are prepared first, reporting progress per module and checking for cancel; then
        they replace the course's old rows in one short transaction, so a cancel or a crash
        leaves the previous state, never half a course.
        """
        if self.indexed_versions().get(view.id) == view.version:
            return False
        task = task or Task()
        languages = [str(lang) for lang in view.course.get("languages") or []]
        if view.default_language not in languages:
            languages.append(view.default_language)
        modules = view.module_ids
        total = len(languages) * len(modules)
        rows: list[tuple[str, Passage]] = []
        done = 0
        for language in languages:
            for module_id in modules:
                task.report(done, total, f"{view.title(language)}: {module_id} ({language})")
                rows += [(language, p) for p in module_passages(view, module_id, language)]
                done += 1
            rows += [(language, p) for p in glossary_passages(view, language)]
        task.report(total, total, view.title())
        task.check()
        try:
            self._write(view, languages, rows)
        except sqlite3.DatabaseError as exc:
            self._recover(exc)  # the old file was bad: write into the fresh one
            self._write(view, languages, rows)
        return True

    def _write(self, view: CourseView, languages: list[str],
               rows: list[tuple[str, Passage]]) -> None:
        titles = {lang: view.title(lang) for lang in languages}
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.execute("DELETE FROM passages WHERE course_id = ?", (view.id,))
                conn.executemany(
                    "INSERT INTO passages (heading, body, course_id, version, language, "
                    "module_id, kind, anchor, title, fallback, detail) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(p.heading, p.body, view.id, view.version, language, p.module_id, p.kind,
                      p.anchor, p.title, int(p.fallback), p.detail) for language, p in rows])
                conn.execute(
                    "INSERT OR REPLACE INTO courses VALUES (?, ?, ?, ?, ?)",
                    (view.id, view.version, "," + ",".join(languages) + ",",
                     view.default_language, json.dumps(titles, ensure_ascii=False)))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    def index_series(self, view: SeriesView, task: Task | None = None) -> bool:
        """Index one webinar series at its version; False (and nothing done) if it already is.
        As for a course: rows first (progress per session, cancel), then one transaction."""
        if self.indexed_versions().get(view.id) == view.version:
            return False
        task = task or Task()
        sessions = prepare_series(view, task)
        task.check()

        def write() -> None:
            with self._connect() as conn:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    write_series(conn, view.id, view.version, view.title(),
                                 view.default_language, sessions)
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise

        try:
            write()
        except sqlite3.DatabaseError as exc:
            self._recover(exc)
            write()
        return True

    def remove_course(self, course_id: str) -> None:
        """Forget a course or a webinar series."""
        try:
            with self._connect() as conn:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    conn.execute("DELETE FROM passages WHERE course_id = ?", (course_id,))
                    conn.execute("DELETE FROM courses WHERE course_id = ?", (course_id,))
                    if delete_series(conn, course_id):
                        refresh_terms(conn)
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
        except sqlite3.DatabaseError as exc:
            self._recover(exc)  # a rebuilt index holds no course at all

    def ensure_indexed(self, campus: Campus, task: Task | None = None) -> int:
        """Index every installed course and webinar series not indexed at its installed
        version; forget the rows of those no longer installed. Returns how many were
        (re)indexed."""
        from stepcampus.coursepack.installed import CourseView
        from stepcampus.webinar.installed import SeriesView, is_webinar_series

        task = task or Task()
        installed = campus.installed()
        indexed = self.indexed_versions()
        wanted = {row.course_id for row in installed}
        for course_id in indexed.keys() - wanted:
            self.remove_course(course_id)
        todo = [row for row in installed if indexed.get(row.course_id) != row.version]
        count = 0
        for number, row in enumerate(todo):
            task.check()
            share = _share(task, number, len(todo))
            if is_webinar_series(json.loads(row.manifest)["course"]):
                done = self.index_series(SeriesView(row.manifest, campus.content), share)
            else:
                done = self.index_course(CourseView(row.manifest, campus.content), share)
            count += int(done)
        return count

    # -- searching ------------------------------------------------------------------------------
    def search(self, query: str, language: str | None = None, limit: int = 30) -> list[Hit]:
        """Best matches first. With a language, each course answers in that language, or in
        its default language if it has not got that one; without, every language's own text."""
        match = fts_query(query)
        if not match or limit <= 0:
            return []
        sql = (
            "SELECT p.course_id, p.module_id, p.language, p.kind, p.anchor, p.title, "
            f"snippet(passages, -1, '{_MARK_OPEN}', '{_MARK_CLOSE}', '…', {SNIPPET_TOKENS}), "
            "c.titles, p.detail "
            "FROM passages AS p JOIN courses AS c "
            "ON c.course_id = p.course_id AND c.version = p.version "
            "WHERE passages MATCH ? "
        )
        params: list[object] = [match]
        if language:
            sql += ("AND p.language = CASE WHEN instr(c.languages, ',' || ? || ',') > 0 "
                    "THEN ? ELSE c.default_language END ")
            params += [language, language]
        else:
            sql += "AND p.fallback = 0 "  # a fallback row repeats another language's text
        sql += f"ORDER BY bm25(passages, {HEADING_WEIGHT}, 1.0) LIMIT ?"
        params.append(int(limit))
        try:
            with self._connect() as conn:
                rows = conn.execute(sql, params).fetchall()
        except sqlite3.DatabaseError as exc:
            self._recover(exc)
            return []
        return [Hit(course_id, module_id, lang, kind, anchor, title, snippet_html(snippet),
                    _course_title(titles, lang), detail)
                for course_id, module_id, lang, kind, anchor, title, snippet, titles, detail
                in rows]


def snippet_html(marked: str) -> str:
    """Escape snippet() output, then turn its match markers into <b> tags."""
    escaped = html.escape(marked, quote=False)
    return escaped.replace(_MARK_OPEN, "<b>").replace(_MARK_CLOSE, "</b>")


def _course_title(titles_json: str, language: str) -> str:
    try:
        titles = json.loads(titles_json)
    except ValueError:
        return ""
    return str(titles.get(language) or next(iter(titles.values()), ""))


def _share(task: Task, number: int, count: int) -> Task:
    """A task for course `number` of `count`: one overall bar, the same cancel button."""
    def report(done: int, total: int, message: str) -> None:
        part = done / total if total else 0.0
        task.on_progress(int(1000 * (number + part)), 1000 * count, message)

    return Task(on_progress=report, _cancel=task._cancel)
