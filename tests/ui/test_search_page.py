"""The search page: typing finds passages off the UI thread, a click opens the module at the
paragraph, a glossary hit shows its definition, and nothing is lost on a language switch."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import QListWidgetItem

from stepcampus.campus import SAMPLE_COURSE, SAMPLE_SERIES, Campus
from stepcampus.search import Hit, SearchIndex
from ui.context import AppContext
from ui.search import HIT_ROLE, SearchPage, indexing, start_indexing

WAIT = 10_000


@pytest.fixture
def ctx(campus: Campus) -> Iterator[AppContext]:
    campus.ensure_sample_course()
    SearchIndex.for_campus(campus).ensure_indexed(campus)
    context = AppContext(campus)
    yield context
    # No job may outlive the campus it reads.
    QThreadPool.globalInstance().waitForDone(WAIT)


@pytest.fixture
def page(qtbot, ctx: AppContext) -> SearchPage:
    widget = SearchPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(700, 600)
    widget.show()
    qtbot.waitUntil(lambda: not indexing().busy(ctx), timeout=WAIT)
    return widget


def hit_of(item: QListWidgetItem) -> Hit:
    hit = item.data(HIT_ROLE)
    assert isinstance(hit, Hit)
    return hit


def click(qtbot, page: SearchPage, row: int) -> None:
    item = page.results.item(row)
    page.results.scrollToItem(item)
    qtbot.mouseClick(page.results.viewport(), Qt.MouseButton.LeftButton,
                     pos=page.results.visualItemRect(item).center())


def test_typing_finds_passages_and_a_click_opens_the_paragraph(qtbot, page: SearchPage,
                                                              ctx: AppContext) -> None:
    assert page.field.accessibleName() and page.field.placeholderText()
    qtbot.keyClicks(page.field, "street vendor never paid contrib")
    qtbot.waitUntil(lambda: page.results.count() > 0 and
                    page.status.text().endswith(("result", "results")), timeout=WAIT)
    assert page.status.text() in ("1 result", f"{page.results.count()} results")
    row = next(r for r in range(page.results.count())
               if hit_of(page.results.item(r)).anchor.startswith("p-"))
    hit = hit_of(page.results.item(row))
    assert hit.title in page.results.item(row).text()  # the accessible text
    with qtbot.waitSignal(ctx.open_module, timeout=WAIT) as opened:
        click(qtbot, page, row)
    course_id, module_id, anchor = opened.args
    assert (course_id, module_id, anchor) == (hit.course_id, hit.module_id, hit.anchor)
    assert course_id == SAMPLE_COURSE
    assert anchor in ctx.campus.course(course_id).render_module(module_id, "en").anchors


def test_enter_moves_to_the_first_result_and_opens_it(qtbot, page: SearchPage,
                                                      ctx: AppContext) -> None:
    page.set_query("Knowledge sharing and South-South learning")
    qtbot.waitUntil(lambda: page.results.count() > 0, timeout=WAIT)
    page.field.setFocus()
    qtbot.keyClick(page.field, Qt.Key.Key_Return)
    assert page.results.currentRow() == 0
    with qtbot.waitSignal(ctx.open_module, timeout=WAIT) as opened:
        qtbot.keyClick(page.results, Qt.Key.Key_Return)
    assert opened.args == [SAMPLE_COURSE, "knowledge-sharing", ""]


def test_a_glossary_hit_shows_its_definition(qtbot, page: SearchPage, ctx: AppContext) -> None:
    page.set_query("targeting")
    qtbot.waitUntil(lambda: page.results.count() > 0, timeout=WAIT)
    row = next(r for r in range(page.results.count())
               if hit_of(page.results.item(r)).kind == "glossary")
    opened: list[tuple[str, str, str]] = []
    ctx.open_module.connect(lambda *args: opened.append(args))
    click(qtbot, page, row)
    assert page.definition.isVisible()
    assert "Targeting" in page.definition.text()
    assert hit_of(page.results.item(row)).definition in page.definition.text()
    assert opened == []


def test_webinar_answers_and_transcript_open_the_recording_at_the_moment(
        qtbot, page: SearchPage, ctx: AppContext) -> None:
    page.set_query("proteccion social adaptativa")  # no accents typed; the Q&A has them
    qtbot.waitUntil(lambda: page.results.count() > 0, timeout=WAIT)
    kinds = {hit_of(page.results.item(r)).kind for r in range(page.results.count())}
    assert "qa" in kinds
    row = next(r for r in range(page.results.count())
               if hit_of(page.results.item(r)).kind == "qa")
    hit = hit_of(page.results.item(row))
    assert "Questions and answers" in page.results.item(row).text()
    with qtbot.waitSignal(ctx.open_webinar, timeout=WAIT) as opened:
        click(qtbot, page, row)
    series_id, session_id, at = opened.args
    assert (series_id, session_id) == (SAMPLE_SERIES, "linking-cash-and-safety-nets")
    assert abs(at - float(hit.anchor)) < 0.01 and at > 0

    page.set_query("Pakistan Philippines floods")
    qtbot.waitUntil(lambda: any(hit_of(page.results.item(r)).kind == "transcript"
                                for r in range(page.results.count())), timeout=WAIT)
    row = next(r for r in range(page.results.count())
               if hit_of(page.results.item(r)).kind == "transcript")
    assert "Transcript at 2:" in page.results.item(row).text()


def test_no_results_and_hostile_text(qtbot, page: SearchPage) -> None:
    page.set_query('zzqxw NEAR( "')
    qtbot.waitUntil(lambda: page.status.text().startswith("No results"), timeout=WAIT)
    assert "zzqxw" in page.status.text()
    assert page.results.count() == 0
    page.set_query("")
    assert page.results.count() == 0 and page.status.text()


def test_stale_results_are_dropped(qtbot, page: SearchPage) -> None:
    page.set_query("exclusion")
    page.field.setText("zzqxw")  # typed on before the first search answered
    qtbot.waitUntil(lambda: page.status.text().startswith("No results"), timeout=WAIT)
    assert page.results.count() == 0
    assert "zzqxw" in page.status.text()


def test_retranslate_keeps_the_query_and_results(qtbot, page: SearchPage,
                                                 ctx: AppContext) -> None:
    page.set_query("solidarity economy")
    qtbot.waitUntil(lambda: page.results.count() > 0, timeout=WAIT)
    before = [hit_of(page.results.item(r)) for r in range(page.results.count())]
    page.results.setCurrentRow(2)
    ctx.language_changed.emit()
    assert page.field.text() == "solidarity economy"
    assert page.results.count() == len(before) and page.results.currentRow() == 2
    qtbot.waitUntil(lambda: page.status.text().endswith("results"), timeout=WAIT)
    assert [hit_of(page.results.item(r)) for r in range(page.results.count())] == before


def test_start_indexing_makes_a_new_library_searchable(qtbot, campus: Campus) -> None:
    campus.ensure_sample_course()
    ctx = AppContext(campus)
    try:
        job = start_indexing(ctx)
        assert job is not None
        assert start_indexing(ctx) is None  # one at a time
        with qtbot.waitSignal(job.signals.done, timeout=WAIT) as done:
            pass
        assert done.args == [2]  # the sample course and the sample webinar series
        qtbot.waitUntil(lambda: not indexing().busy(ctx), timeout=WAIT)
        assert SearchIndex.for_campus(campus).search("exclusion", "en")
    finally:
        QThreadPool.globalInstance().waitForDone(WAIT)


def test_switching_to_french_keeps_the_query_and_searches_the_french_text(
        qtbot, page: SearchPage, ctx: AppContext) -> None:
    from stepcampus.settings import Preferences
    from ui import i18n

    page.set_query("exclusion")
    qtbot.waitUntil(lambda: page.status.text().endswith("results"), timeout=WAIT)
    try:
        ctx.set_preferences(Preferences(language="fr"))
        assert page.field.text() == "exclusion"
        assert page.heading.text() == i18n.tr("Search") != "Search"
        qtbot.waitUntil(lambda: page.results.count() > 0 and
                        hit_of(page.results.item(0)).language == "fr", timeout=WAIT)
        assert page.status.text() == i18n.tr("{n} results", n=page.results.count())
    finally:
        ctx.set_preferences(Preferences(language="en"))
