"""Full-text search over installed courses: accents, case, prefixes, anchors the reader can
scroll to, glossary entries, hostile input, reindexing, cancel and a damaged index file."""

from __future__ import annotations

import html
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from stepcampus.campus import SAMPLE_COURSE, Campus
from stepcampus.coursepack.build import BuildResult, build
from stepcampus.coursepack.installed import CourseView
from stepcampus.errors import Cancelled
from stepcampus.search import Hit, SearchIndex, fts_query, snippet_html
from stepcampus.search.extract import html_blocks
from stepcampus.tasks import Task

HOSTILE = [
    "", "   ", '"', '""', '"""', "'", "AND", "OR", "NOT", "a OR b", "a AND", "NOT social",
    "NEAR(", "NEAR(social protection, 2)", "*", "**", "social*", "*social", "-", "-social",
    ":", "heading:social", "body : x", "{heading body}: social", "(", ")", "()", "(social",
    "^social", "+", "!!!", "?¿¡", "\x00", "soc\x00ial", "l'", '""*', '"*"', "social\"",
    "é", "\u0301", "\U0001f600", "x" * 10_000, "social " * 2000, "a" * 499 + " social",
]


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory,
            sample_build: BuildResult) -> Iterator[tuple[Campus, SearchIndex]]:
    """The sample course (alone) installed and indexed once for the read-only tests below."""
    campus = Campus(tmp_path_factory.mktemp("data"))
    campus.install(str(sample_build.bundle))
    index = SearchIndex.for_campus(campus)
    assert index.ensure_indexed(campus) == 1
    yield campus, index
    campus.close()


def modules(hits: list[Hit]) -> set[tuple[str, str]]:
    return {(h.module_id, h.anchor) for h in hits if h.kind == "module"}


def bump(course: Path, version: str) -> None:
    manifest = course / "course.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(
        "version: 1.0.0", f"version: {version}"), encoding="utf-8")


# -- the query language ------------------------------------------------------------------------
def test_query_quotes_every_word_and_prefixes_the_last() -> None:
    assert fts_query("protección soc") == '"protección" "soc"*'
    assert fts_query("protección social ") == '"protección" "social"'
    assert fts_query('say "NEAR(" OR -x') == '"say" """NEAR(""" "OR" "-x"*'
    assert fts_query("  - : * ( ) ") == ""
    assert fts_query("") == ""


def test_snippet_is_escaped_before_the_marks_become_tags() -> None:
    assert snippet_html("a <i>&</i> \x02b\x03 …") == "a &lt;i&gt;&amp;&lt;/i&gt; <b>b</b> …"


# -- finding words -----------------------------------------------------------------------------
@pytest.mark.parametrize("query", ["pauvreté", "pauvrete", "PAUVRETÉ", "PAUVRETE", "pauvr"])
def test_french_with_or_without_accents_in_any_case(indexed, query: str) -> None:
    _, index = indexed
    hits = index.search(query, "fr")
    assert hits
    assert ("social-exclusion", "exclusion-et-pauvrete-ne-se-confondent-pas") in modules(hits)
    assert all(h.language == "fr" for h in hits)
    assert all("<b>pauvret" in h.snippet_html.lower() or "<b>pauvre" in h.snippet_html.lower()
               for h in hits)


@pytest.mark.parametrize("query", ["exclusión", "EXCLUSION", "exclusi", "vendedora ambulante"])
def test_spanish_with_or_without_accents(indexed, query: str) -> None:
    _, index = indexed
    hits = index.search(query, "es")
    assert any(h.module_id == "social-exclusion" and h.language == "es" for h in hits)


def test_every_word_is_required(indexed) -> None:
    _, index = indexed
    both = index.search("vendeuse cotisation", "fr")
    assert modules(both) == {("social-exclusion", "p-1")}
    assert index.search("vendeuse zzzyxq", "fr") == []


def test_prefix_matches_only_the_last_word_while_typing(indexed) -> None:
    _, index = indexed
    assert index.search("micro-assur", "fr")
    assert index.search("pauvr", "fr")
    assert index.search("pauvr ", "fr") == []  # a finished word is a whole word


def test_snippet_marks_the_match_and_escapes_the_text(indexed) -> None:
    _, index = indexed
    hits = index.search("l'exclusion", "fr")
    assert hits
    for hit in hits:
        assert re.search(r"<b>l'exclusion</b>", hit.snippet_html, re.IGNORECASE)
        text = re.sub(r"</?b>", "", hit.snippet_html)
        assert "<" not in text and ">" not in text
        assert html.escape(html.unescape(text), quote=False) == text
    long_one = next(h for h in hits if h.anchor.startswith("p-") and "…" in h.snippet_html)
    assert len(long_one.snippet_html) < 400  # a passage, not the whole paragraph


def test_titles_rank_first_and_open_the_top_of_the_module(indexed) -> None:
    _, index = indexed
    hits = index.search("Knowledge sharing and South-South learning", "en")
    assert (hits[0].module_id, hits[0].anchor) == ("knowledge-sharing", "")
    assert hits[0].title == "Knowledge sharing and South-South learning"
    assert hits[0].course_title == "Inclusive social protection"


def test_every_anchor_is_a_paragraph_or_heading_the_reader_has(indexed) -> None:
    campus, index = indexed
    view = campus.course(SAMPLE_COURSE)
    seen = 0
    for language, words in (("en", ["social", "the", "health"]), ("fr", ["la", "sociale"]),
                            ("es", ["la", "social"])):
        for word in words:
            for hit in index.search(word, language, limit=2000):
                if hit.kind != "module":
                    continue
                seen += 1
                rendered = view.render_module(hit.module_id, language)
                headings = {t.id for t in rendered.toc}
                assert hit.anchor == "" or hit.anchor in rendered.anchors
                assert hit.anchor == "" or hit.anchor in headings or \
                    re.fullmatch(r"p-\d+", hit.anchor), hit.anchor
    assert seen > 300


def test_list_and_table_text_belongs_to_the_paragraph_before_it() -> None:
    blocks = html_blocks(
        '<p>top</p><h2 id="a">Alpha</h2><ul id="ul-1"><li id="li-1">one</li>'
        '<li id="li-2"><p id="p-2">two</p>tail</li></ul>'
        '<table id="table-1"><tr><td>cell</td><td>next</td></tr></table>'
        '<p id="p-3">x<sup id="fnref:1"><a href="#fn:1">1</a></sup></p>')
    assert blocks == [("", "", "top"), ("a", "Alpha", "one"), ("p-2", "", "two tail cell next"),
                      ("p-3", "", "x 1")]


def test_a_language_the_course_lacks_falls_back_to_its_default(indexed) -> None:
    _, index = indexed
    german = index.search("exclusion", "de")
    assert german and all(h.language == "en" for h in german)
    # Spanish has no solidarity-economy module: the Spanish reader shows the English one.
    fallback = index.search("solidarity economy", "es")
    assert any(h.module_id == "solidarity-economy" and h.language == "es" for h in fallback)
    # Without a language, each text appears once, in its own language.
    everywhere = index.search("solidarity economy", None, limit=500)
    assert {h.language for h in everywhere if h.module_id == "solidarity-economy"} == {"en"}


def test_glossary_entries_are_found_by_term_alias_and_definition(indexed) -> None:
    _, index = indexed
    term = [h for h in index.search("ciblage", "fr") if h.kind == "glossary"]
    assert term[0].title == "Ciblage" and term[0].module_id == "" and term[0].anchor == ""
    assert term[0].definition.startswith("Fait de réserver une prestation")
    alias = [h for h in index.search("ciblées", "fr") if h.kind == "glossary"]
    assert "Ciblage" in {h.title for h in alias}
    spanish = [h for h in index.search("focalizacion", "es") if h.kind == "glossary"]
    assert "Focalización" in {h.title for h in spanish}


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_raise(indexed, query: str) -> None:
    _, index = indexed
    hits = index.search(query, "fr")
    assert isinstance(hits, list)
    if not query.strip():
        assert hits == []


def test_limit_is_respected(indexed) -> None:
    _, index = indexed
    assert len(index.search("la", "fr", limit=7)) == 7
    assert index.search("la", "fr", limit=0) == []


# -- keeping the index in step with the library ------------------------------------------------
def test_reindexes_only_when_the_version_changes(campus: Campus, sample_build: BuildResult,
                                                 course_copy: Path, sample_key,
                                                 tmp_path: Path) -> None:
    campus.install(str(sample_build.bundle))
    index = SearchIndex.for_campus(campus)
    view = campus.course(SAMPLE_COURSE)
    assert index.index_course(view) is True
    assert index.index_course(view) is False
    assert index.ensure_indexed(campus) == 0
    assert index.indexed_versions() == {SAMPLE_COURSE: "1.0.0"}

    bump(course_copy, "1.1.0")
    module = course_copy / "fr" / "social-exclusion.md"
    module.write_text(module.read_text(encoding="utf-8")
                      + "\nLe mot zanzibarquux : 5 < 6 & 7 > 3.\n", encoding="utf-8")
    campus.install(str(build(course_copy, tmp_path / "v2", sample_key).bundle))
    assert index.ensure_indexed(campus) == 1
    assert index.indexed_versions() == {SAMPLE_COURSE: "1.1.0"}
    [hit] = index.search("zanzibarquux", "fr")
    assert "&lt; 6 &amp; 7 &gt; 3" in hit.snippet_html and "<b>zanzibarquux</b>" in \
        hit.snippet_html
    assert hit.anchor in campus.course(SAMPLE_COURSE).render_module(hit.module_id, "fr").anchors
    assert index.search("zanzibarquux", "en") == []  # English text did not change

    index.remove_course(SAMPLE_COURSE)
    assert index.indexed_versions() == {}
    assert index.search("zanzibarquux", "fr") == []


def test_uninstalled_courses_are_forgotten(campus: Campus, sample_build: BuildResult) -> None:
    from stepcampus.store.courses import remove_course

    campus.install(str(sample_build.bundle))
    index = SearchIndex.for_campus(campus)
    assert index.ensure_indexed(campus) == 1
    remove_course(campus.sessions, SAMPLE_COURSE)
    assert index.ensure_indexed(campus) == 0
    assert index.indexed_versions() == {}
    assert index.search("exclusion") == []


def test_progress_is_reported_per_module(campus: Campus, sample_build: BuildResult) -> None:
    campus.install(str(sample_build.bundle))
    seen: list[tuple[int, int]] = []
    task = Task(on_progress=lambda done, total, message: seen.append((done, total)))
    assert SearchIndex.for_campus(campus).ensure_indexed(campus, task) == 1
    assert len(seen) >= 18  # 6 modules in 3 languages
    assert seen[-1][0] == seen[-1][1] > 0
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_cancel_leaves_nothing_half_indexed(campus: Campus, sample_build: BuildResult) -> None:
    campus.install(str(sample_build.bundle))
    index = SearchIndex.for_campus(campus)
    task = Task()
    task.on_progress = lambda done, total, message: task.cancel() if done >= 5 else None
    with pytest.raises(Cancelled):
        index.ensure_indexed(campus, task)
    assert index.indexed_versions() == {}
    assert index.search("exclusion", "en") == []
    with sqlite3.connect(index.path) as conn:
        assert conn.execute("SELECT count(*) FROM passages").fetchone() == (0,)
    # ...and the next attempt indexes everything.
    assert index.ensure_indexed(campus) == 1
    assert index.search("exclusion", "en")


def test_cancelled_update_keeps_the_previous_version(campus: Campus,
                                                     sample_build: BuildResult) -> None:
    import json

    campus.install(str(sample_build.bundle))
    index = SearchIndex.for_campus(campus)
    view = campus.course(SAMPLE_COURSE)
    index.index_course(view)
    data = json.loads(json.dumps(view.data))
    data["course"]["version"] = "9.9.9"
    newer = CourseView(json.dumps(data), campus.content)
    task = Task()
    task.on_progress = lambda done, total, message: task.cancel() if done >= 10 else None
    with pytest.raises(Cancelled):
        index.index_course(newer, task)
    assert index.indexed_versions() == {SAMPLE_COURSE: "1.0.0"}
    assert index.search("pauvreté", "fr")
    assert index.index_course(newer) is True
    assert index.indexed_versions() == {SAMPLE_COURSE: "9.9.9"}
    assert index.search("pauvreté", "fr")


def test_a_damaged_index_file_is_rebuilt(campus: Campus, sample_build: BuildResult) -> None:
    campus.install(str(sample_build.bundle))
    path = campus.data_dir / "search.sqlite"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"this is not a database at all" * 100)
    index = SearchIndex.for_campus(campus)
    assert index.search("exclusion") == []
    assert index.ensure_indexed(campus) == 1
    assert index.search("exclusion", "en")

    # Damaged while in use: the next call starts over instead of failing.
    path.write_bytes(b"\0garbage" * 4096)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    assert index.search("exclusion", "en") == []
    assert index.indexed_versions() == {}
    assert index.ensure_indexed(campus) == 1
    assert index.search("exclusion", "en")


def test_an_index_of_another_format_is_rebuilt(campus: Campus, sample_build: BuildResult) -> None:
    campus.install(str(sample_build.bundle))
    path = campus.data_dir / "search.sqlite"
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE passages (text TEXT)")
        conn.execute("PRAGMA user_version = 0")
    conn.close()
    index = SearchIndex.for_campus(campus)
    assert index.indexed_versions() == {}
    assert index.ensure_indexed(campus) == 1
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    conn.close()


def test_searching_while_another_thread_indexes(campus: Campus, sample_build: BuildResult) -> None:
    import threading

    campus.install(str(sample_build.bundle))
    index = SearchIndex.for_campus(campus)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            SearchIndex.for_campus(campus).ensure_indexed(campus)
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    while thread.is_alive():
        assert isinstance(index.search("exclusion", "en"), list)
    thread.join()
    assert errors == []
    assert index.search("exclusion", "en")
