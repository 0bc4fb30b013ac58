"""The Q&A archive, transcripts and summaries of installed webinar series in the search index:
found by any word, accents or not, filtered and browsed in order, each answer with its moment
in the recording; kept in step with what is installed, next to courses."""

from __future__ import annotations

import html
import json
import re
import sqlite3
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest

from stepcampus import cli
from stepcampus.campus import SAMPLE_SERIES, Campus
from stepcampus.coursepack.build import BuildResult
from stepcampus.errors import Cancelled
from stepcampus.search import QAArchive, SearchIndex, TopicCount
from stepcampus.search.index import FORMAT
from stepcampus.search.qa import CANDIDATES, MAX_EXPANSION
from stepcampus.search.webinar import (
    PARAGRAPH_MAX,
    QARow,
    SessionRows,
    series_tag,
    transcript_paragraphs,
    write_series,
)
from stepcampus.tasks import Task
from stepcampus.webinar.installed import SeriesView, installed_series
from stepcampus.webinar.vtt import Cue
from tests.search.test_index import HOSTILE

SESSION = "linking-cash-and-safety-nets"


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory,
            series_build: BuildResult) -> Iterator[tuple[Campus, QAArchive]]:
    """The sample series alone, installed and indexed once for the read-only tests."""
    campus = Campus(tmp_path_factory.mktemp("data"))
    campus.install(str(series_build.bundle))
    index = SearchIndex.for_campus(campus)
    assert index.ensure_indexed(campus) == 1
    yield campus, QAArchive(index)
    campus.close()


def ids(hits: list) -> list[str]:
    return [h.entry_id for h in hits]


def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text.lower())
                   if not unicodedata.combining(c))


# -- the sample series ---------------------------------------------------------------------------
def test_the_sample_series_is_indexed(archive) -> None:
    campus, qa = archive
    assert SearchIndex.for_campus(campus).indexed_versions() == {SAMPLE_SERIES: "1.0.0"}
    [series] = qa.series()
    assert (series.series_id, series.title, series.sessions, series.entries) == (
        SAMPLE_SERIES, "Social protection in crises", 1, 14)
    [session] = qa.sessions(SAMPLE_SERIES)
    assert (session.session_id, session.position, session.language, session.entries) == (
        SESSION, 0, "en", 14)
    assert session.title == "Linking humanitarian cash transfers with social safety nets"
    assert len(qa.browse()) == 14


def test_a_question_is_found_by_a_word_of_its_answer(archive) -> None:
    _, qa = archive
    [hit] = qa.search("livestock")  # only in q05's answer
    assert hit.entry_id == "q05" and hit.series_id == SAMPLE_SERIES and hit.session_id == SESSION
    assert hit.series_title == "Social protection in crises"
    assert hit.session_title.startswith("Linking humanitarian cash")
    assert "filets sociaux adaptatifs" in hit.question
    assert "<b>livestock</b>" in hit.answer_html and "<b>" not in hit.question_html
    assert hit.answer.endswith("sold their livestock.")
    assert (hit.asked_by, hit.answered_by, hit.at) == ("Aïssata, Senegal", "Joseph Mwangale",
                                                       125.0)
    assert hit.topics == ("linking options",) and hit.language == "en"


@pytest.mark.parametrize(("query", "entry"), [
    ("proteccion", "q07"), ("PROTECCIÓN", "q07"), ("protección", "q07"),  # text: protección
    ("Perú", "q07"), ("peru", "q07"),  # asked by "Mateo, Peru"
    ("Joao", "q08"), ("joão", "q08"),  # asked by "João, Mozambique"
])
def test_accents_are_ignored_both_ways(archive, query: str, entry: str) -> None:
    _, qa = archive
    assert entry in ids(qa.search(query))


def test_snippets_mark_the_words_in_question_and_answer(archive) -> None:
    _, qa = archive
    [hit] = qa.search("proteccion adaptativa")
    assert "<b>protección</b> social <b>adaptativa</b>" in hit.question_html
    assert "<b>protección</b>" in hit.answer_html
    assert re.sub(r"</?b>", "", hit.question_html) == hit.question  # whole, not cut
    assert len(hit.answer_html) < len(hit.answer)  # a passage around the words


def test_the_answer_links_to_its_moment_when_known(archive) -> None:
    _, qa = archive
    by_id = {h.entry_id: h for h in qa.browse()}
    assert by_id["q01"].at == 55.0 and by_id["q06"].at == 161.0
    assert by_id["q12"].at is None  # the compilation does not say when
    [hit] = qa.search("Thailand hospital")
    assert hit.entry_id == "q12" and hit.at is None


def test_words_weigh_more_in_the_question(archive) -> None:
    _, qa = archive
    hits = qa.search("registry ")
    assert set(ids(hits)) == {"q06", "q09", "q11"}
    assert ids(hits)[0] in {"q06", "q09", "q11"}
    both = qa.search("exit ")
    assert ids(both)[0] == "q10"  # "exit" twice in the question


@pytest.mark.parametrize("typed", ["li", "liv", "live", "lives", "livesto", "livestock"])
def test_the_last_word_is_a_prefix_while_typed(archive, typed: str) -> None:
    _, qa = archive
    assert "q05" in ids(qa.search(typed, limit=50))
    assert "q05" not in ids(qa.search(typed + " ")) or typed == "livestock"


def test_a_spelt_out_prefix_finds_exactly_what_the_prefix_does(archive) -> None:
    _, qa = archive
    entries = qa.browse()
    for prefix in ("regist", "protec", "emerg", "househ", "paym", "Santam"):
        expected = {e.entry_id for e in entries
                    if any(w.startswith(fold(prefix)) for w in re.findall(
                        r"[^\W_]+", fold(" ".join([e.question, e.answer, e.asked_by,
                                                   e.answered_by, *e.topics]))))}
        assert expected, prefix
        assert set(ids(qa.search(prefix, limit=100))) == expected, prefix


def test_one_letter_is_a_word_not_a_prefix(archive) -> None:
    _, qa = archive
    assert qa.search("l") == []  # not every entry with a word in l...
    assert ids(qa.search("livestock l")) == []


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_raise(archive, query: str) -> None:
    _, qa = archive
    assert isinstance(qa.search(query), list)
    assert isinstance(qa.search_transcript(query), list)
    assert isinstance(qa.search_summaries(query), list)
    if not any(ch.isalnum() for ch in query):
        assert qa.search(query) == [] and qa.search_transcript(query) == []


def test_tags_are_never_matched_by_what_is_typed(archive) -> None:
    _, qa = archive
    tag = series_tag(SAMPLE_SERIES)
    assert qa.search(tag) == [] and qa.search(tag[1:]) == [] and qa.search(tag[1:3]) == []


# -- filters and browsing ----------------------------------------------------------------------
def test_filters_by_series_session_and_topic(archive) -> None:
    _, qa = archive
    assert set(ids(qa.search("data ", topic="data protection"))) == {"q09", "q13"}
    assert set(ids(qa.search("data ", topic="DATA  Protection"))) == {"q09", "q13"}
    assert ids(qa.search("registry", topic="exit strategies")) == []
    assert len(qa.search("the ", series_id=SAMPLE_SERIES, session_id=SESSION, limit=50)) == 14
    assert qa.search("the ", series_id="another-series") == []
    assert qa.search("the ", series_id=SAMPLE_SERIES, session_id="another-session") == []
    assert qa.search("the ", topic="no such topic") == []
    with pytest.raises(ValueError, match="series_id"):
        qa.search("the", session_id=SESSION)


def test_browse_in_session_order_then_entry_order(archive) -> None:
    _, qa = archive
    every = [f"q{n:02d}" for n in range(1, 15)]
    assert ids(qa.browse()) == every
    assert ids(qa.browse(series_id=SAMPLE_SERIES, session_id=SESSION)) == every
    assert ids(qa.browse(topic="social registries")) == ["q06", "q09", "q11", "q14"]
    assert ids(qa.browse(topic="Social Registries", limit=2, offset=1)) == ["q09", "q11"]
    assert ids(qa.browse(limit=3, offset=12)) == ["q13", "q14"]
    assert qa.browse(series_id="another-series") == []
    hit = qa.browse(topic="exit strategies")[0]
    assert hit.question_html == html.escape(hit.question, quote=False)  # nothing marked
    assert "<b>" not in hit.answer_html and hit.answer_html.endswith("…")


def test_topics_with_their_counts(archive) -> None:
    _, qa = archive
    expected = [TopicCount("linking options", 8), TopicCount("social registries", 4),
                TopicCount("data protection", 2), TopicCount("informal workers", 2),
                TopicCount("exit strategies", 1)]
    assert qa.topics() == expected
    assert qa.topics(SAMPLE_SERIES) == expected
    assert qa.topics("another-series") == []


# -- transcripts and summaries -----------------------------------------------------------------
def test_a_transcript_hit_starts_at_the_cue_that_says_it(archive) -> None:
    campus, qa = archive
    session = installed_series(campus)[0].session(SESSION)
    for word in ("piggybacking", "Pakistan", "deletion", "cliff"):
        [cue] = [c for c in session.transcript if word.lower() in c.plain.lower()]
        [hit] = qa.search_transcript(word, series_id=SAMPLE_SERIES, session_id=SESSION)
        assert hit.kind == "transcript" and hit.start == cue.start, word
        assert hit.paragraph_start is not None and hit.end is not None
        assert hit.paragraph_start <= hit.start < hit.end
        assert hit.end - hit.paragraph_start <= PARAGRAPH_MAX
        assert f"<b>{word.lower()}" in hit.snippet_html.lower()
        assert (hit.series_id, hit.session_id, hit.language) == (SAMPLE_SERIES, SESSION, "en")
    [hit] = qa.search_transcript("piggybacking")
    assert hit.speaker == "Joseph Mwangale"
    assert qa.search_transcript("piggybacking", language="fr") == []  # no French captions
    assert qa.search_transcript("piggybacking", language="en")


def test_transcript_paragraphs_are_half_a_minute_to_a_minute() -> None:
    cues = [Cue(float(s), s + 4.0, f"<v Ana>words {s}") for s in range(0, 200, 5)]
    cues += [Cue(200.0, 204.0, "<v Ben>Ben speaks"), Cue(205.0, 209.0, "again")]
    rows = transcript_paragraphs(cues, "en", True)
    assert [(r.start, r.speaker) for r in rows] == [(0.0, "Ana"), (35.0, "Ana"),
                                                     (70.0, "Ana"), (105.0, "Ana"),
                                                     (140.0, "Ana"), (175.0, "Ana"),
                                                     (200.0, "Ben")]
    assert all(r.end - r.start <= PARAGRAPH_MAX for r in rows)
    assert rows[-1].text == "Ben speaks again" and rows[-1].cues == [(0, 200.0), (11, 205.0)]


def test_summary_hits_open_a_paragraph_of_the_summary(archive) -> None:
    campus, qa = archive
    anchors = installed_series(campus)[0].session(SESSION).summary_html().anchors
    hits = qa.search_summaries("piggybacking")
    assert hits and all(h.kind == "summary" and h.start is None for h in hits)
    assert all(h.anchor in anchors for h in hits)
    assert "<b>piggybacking</b>" in hits[0].snippet_html
    assert qa.search_transcript("horizontal expansion")[0].kind == "transcript"


# -- in step with the library ------------------------------------------------------------------
def test_a_course_and_a_series_are_both_searchable(campus: Campus,
                                                   sample_build: BuildResult,
                                                   series_build: BuildResult) -> None:
    from stepcampus.store.courses import remove_course

    campus.install(str(sample_build.bundle))
    campus.install(str(series_build.bundle))
    index = SearchIndex.for_campus(campus)
    assert index.ensure_indexed(campus) == 2
    qa = QAArchive(index)
    assert qa.search("livestock") and qa.search_transcript("piggybacking")
    hits = index.search("exclusion", "en")
    assert hits and {h.kind for h in hits} <= {"module", "glossary"}  # no webinar rows there
    assert all(h.course_id != SAMPLE_SERIES for h in index.search("livestock"))

    remove_course(campus.sessions, SAMPLE_SERIES)
    assert index.ensure_indexed(campus) == 0
    assert qa.search("livestock") == [] and qa.search_transcript("piggybacking") == []
    assert qa.search_summaries("piggybacking") == []
    assert qa.series() == [] and qa.topics() == [] and qa.browse() == []
    assert index.fetch("SELECT count(*) FROM terms WHERE term = 'livestock'") == [(0,)]
    assert index.fetch("SELECT count(*) FROM qa_fts WHERE qa_fts MATCH 'livestock'") == [(0,)]
    assert index.search("exclusion", "en")  # the course stays
    assert set(index.indexed_versions()) == {"inclusive-social-protection"}


def test_a_new_version_replaces_the_rows(campus: Campus, series_build: BuildResult) -> None:
    campus.install(str(series_build.bundle))
    index = SearchIndex.for_campus(campus)
    view = installed_series(campus)[0]
    assert index.index_series(view) is True and index.index_series(view) is False
    data = json.loads(json.dumps(view.data))
    data["course"]["version"] = "1.1.0"
    assert index.index_series(SeriesView(json.dumps(data), campus.content)) is True
    assert index.indexed_versions() == {SAMPLE_SERIES: "1.1.0"}
    assert len(QAArchive(index).browse()) == 14
    assert index.fetch("SELECT count(*) FROM webinar_sessions") == [(1,)]


def test_cancel_leaves_the_series_unindexed(campus: Campus, series_build: BuildResult) -> None:
    campus.install(str(series_build.bundle))
    index = SearchIndex.for_campus(campus)
    task = Task()
    task.on_progress = lambda done, total, message: task.cancel()  # at the first session
    with pytest.raises(Cancelled):
        index.ensure_indexed(campus, task)
    assert index.indexed_versions() == {} and QAArchive(index).search("livestock") == []
    assert index.ensure_indexed(campus) == 1


def test_an_index_of_the_previous_format_is_rebuilt(campus: Campus,
                                                    series_build: BuildResult) -> None:
    campus.install(str(series_build.bundle))
    path = campus.data_dir / "search.sqlite"
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as conn:  # what format 1 had: courses and their passages
        conn.execute("CREATE TABLE courses (course_id TEXT PRIMARY KEY, version TEXT)")
        conn.execute("CREATE VIRTUAL TABLE passages USING fts5(heading, body)")
        conn.execute(f"PRAGMA user_version = {FORMAT - 1}")
    conn.close()
    qa = QAArchive.for_campus(campus)
    assert qa.search("livestock") == []
    assert qa.index.ensure_indexed(campus) == 1
    assert ids(qa.search("livestock")) == ["q05"]
    assert qa.index.fetch("PRAGMA user_version") == [(FORMAT,)]


def test_a_damaged_index_answers_nothing_then_is_rebuilt(campus: Campus,
                                                         series_build: BuildResult) -> None:
    campus.install(str(series_build.bundle))
    path = campus.data_dir / "search.sqlite"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"not a database" * 500)
    qa = QAArchive.for_campus(campus)
    assert qa.search("livestock") == [] and qa.browse() == [] and qa.topics() == []
    assert qa.index.ensure_indexed(campus) == 1
    assert ids(qa.search("livestock")) == ["q05"]


def test_the_command_lists_qa_and_transcript_hits(campus: Campus, sample_build: BuildResult,
                                                  series_build: BuildResult,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    campus.install(str(sample_build.bundle))
    campus.install(str(series_build.bundle))
    data = str(campus.data_dir)
    assert cli.main(["--data-dir", data, "search", "registry"]) == 0
    lines = capsys.readouterr().out.splitlines()
    qa_lines = [line for line in lines if "  Q&A: " in line]
    assert f"{SAMPLE_SERIES}/{SESSION}/qa#q06@2:41  Q&A: Our social registry was last updated " \
        "five years ago. Is it any use in an emergency? — " in "\n".join(qa_lines)
    assert any(line.startswith(f"{SAMPLE_SERIES}/{SESSION}/transcript@1:44  Transcript: ")
               for line in lines)
    assert any(f"{SAMPLE_SERIES}/{SESSION}/summary#p-" in line for line in lines)
    modules = [line for line in lines if line.startswith("inclusive-social-protection/")]
    assert lines[:len(modules)] == modules  # courses first, as before

    assert cli.main(["--data-dir", data, "search", "livestock", "--json"]) == 0
    [hit] = [h for h in json.loads(capsys.readouterr().out) if h["kind"] == "qa"]
    assert (hit["series_id"], hit["session_id"], hit["entry_id"], hit["at"]) == (
        SAMPLE_SERIES, SESSION, "q05", 125.0)
    assert "<b>livestock</b>" in hit["answer_html"] and hit["course_id"] == SAMPLE_SERIES


# -- a larger archive, written with the index's own code ----------------------------------------
def write(index: SearchIndex, series_id: str, title: str,
          sessions: list[list[QARow]]) -> None:
    index.indexed_versions()  # the file and its schema
    conn = sqlite3.connect(index.path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    write_series(conn, series_id, "1.0.0", title, "en", [
        SessionRows(f"s{n}", n, f"Session {n}", "en", None, rows)
        for n, rows in enumerate(sessions)])
    conn.execute("COMMIT")
    conn.close()


def entry(number: int, question: str, answer: str = "", topics: tuple[str, ...] = ()) -> QARow:
    return QARow(f"q{number:03d}", number, question, answer, "", "", None, topics)


def test_text_is_escaped_and_series_browse_by_title(tmp_path: Path) -> None:
    index = SearchIndex(tmp_path / "search.sqlite")
    write(index, "zeta", "Alpha series", [[entry(0, "Is 5 < 6 & <script>x</script>?",
                                                 "Yes: 5 < 6.", ("Cash",))]])
    write(index, "alpha", "Zeta series", [[entry(0, "Second <b>series</b>", "", ("cash",)),
                                           entry(1, "Another", "", ())],
                                          [entry(0, "Next session", "", ("CASH",))]])
    qa = QAArchive(index)
    [hit] = qa.search("script")
    assert hit.question_html == "Is 5 &lt; 6 &amp; &lt;<b>script</b>&gt;x&lt;/<b>script</b>&gt;?"
    assert hit.question == "Is 5 < 6 & <script>x</script>?"
    assert [(h.series_id, h.session_id, h.entry_id) for h in qa.browse()] == [
        ("zeta", "s0", "q000"), ("alpha", "s0", "q000"), ("alpha", "s0", "q001"),
        ("alpha", "s1", "q000")]
    assert [(h.series_id, h.session_id) for h in qa.browse(topic="cash", offset=1)] == [
        ("alpha", "s0"), ("alpha", "s1")]
    assert qa.topics() == [TopicCount("CASH", 3)]
    assert qa.topics("alpha") == [TopicCount("CASH", 2)]
    assert [s.series_id for s in qa.series()] == ["zeta", "alpha"]
    assert ids(qa.search("series", series_id="alpha")) == ["q000"]
    assert qa.search("series", series_id="zeta") == []


def test_many_matches_are_ranked_within_a_bounded_set(tmp_path: Path) -> None:
    index = SearchIndex(tmp_path / "search.sqlite")
    rows = [entry(n, f"common question {n}", "common answer") for n in range(CANDIDATES + 500)]
    rows.append(entry(CANDIDATES + 500, "rare question", "common"))
    write(index, "big", "Big", [rows])
    qa = QAArchive(index)
    hits = qa.search("common", limit=40)
    assert len(hits) == 40 and all("<b>common</b>" in h.question_html for h in hits)
    assert ids(qa.search("common rare")) == [f"q{CANDIDATES + 500:03d}"]
    assert len(qa.browse(limit=5000)) == CANDIDATES + 501


def test_a_prefix_of_many_words_stays_a_prefix(tmp_path: Path) -> None:
    index = SearchIndex(tmp_path / "search.sqlite")
    count = MAX_EXPANSION + 12
    write(index, "z", "Z", [[entry(n, f"zebra{n:03d} crossing") for n in range(count)]])
    qa = QAArchive(index)
    assert len(qa.search("zebr", limit=500)) == count
    assert len(qa.search("zebra00", limit=500)) == 10
    assert ids(qa.search("zebra017")) == ["q017"]
