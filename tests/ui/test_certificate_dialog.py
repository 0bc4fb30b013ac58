"""The certificate page on the real store: a finished course gives a certificate by a click;
an unfinished one lists what is left and keeps the button disabled."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from stepcampus.campus import SAMPLE_COURSE, Campus
from stepcampus.certificates import list_certificates, verify_certificate_file
from stepcampus.progress import activity
from tests.certificates.conftest import finish_course
from ui import i18n
from ui.certificate import CertificatePage
from ui.context import AppContext, Learner

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def ctx(qtbot, campus: Campus) -> AppContext:
    campus.ensure_sample_course()
    profile = activity.create_profile(campus.sessions, "Łukasz Núñez")
    context = AppContext(campus)
    context.sign_in(Learner(profile.id, profile.name))
    return context


@pytest.fixture
def page(qtbot, ctx: AppContext) -> Iterator[CertificatePage]:
    widget = CertificatePage(ctx)
    qtbot.addWidget(widget)
    widget.resize(900, 800)
    widget.show()
    yield widget
    i18n.set_language("en")


def test_a_finished_course_gives_a_certificate_by_a_click(qtbot, ctx: AppContext,
                                                          page: CertificatePage,
                                                          tmp_path: Path) -> None:
    assert ctx.learner is not None
    finish_course(ctx.campus, ctx.learner.id, score=0.9)
    page.show_course(SAMPLE_COURSE)

    assert page.get_button.isVisible() and page.get_button.isEnabled()
    assert "Your score: 90 %" in page.status_label.text()
    assert not page.missing.isVisible() and not page.result.isVisible()

    qtbot.mouseClick(page.get_button, LEFT)
    qtbot.waitUntil(lambda: page.certificate is not None and not page.busy, timeout=20000)

    cert = page.certificate
    assert cert is not None and cert.path.is_file()
    assert page.code_label.text() == f"Verification code: {cert.code}"
    assert str(cert.path) in page.path_label.text()
    assert page.result.isVisible() and not page.get_button.isVisible()
    assert page.preview.learner.text() == "Łukasz Núñez"
    assert page.preview.course.text() == "Inclusive social protection"
    assert not page.error.isVisible()
    assert verify_certificate_file(cert.path, ctx.campus.trust).learner == "Łukasz Núñez"

    # a copy goes where the learner chooses (".pdf" added when left out)
    assert page.save_copy(tmp_path / "for-my-employer")
    copy = tmp_path / "for-my-employer.pdf"
    assert copy.read_bytes() == cert.path.read_bytes()
    assert str(copy) in page.note.text()

    # the language changes: strings follow, the certificate stays
    i18n.set_language("fr")
    page.retranslate()
    assert page.certificate is cert
    assert cert.code in page.code_label.text()

    # coming back to the course shows the same certificate, without a new one
    page.show_course(SAMPLE_COURSE)
    assert page.certificate == cert and page.result.isVisible()
    assert len(list_certificates(ctx.campus.data_dir)) == 1


def test_an_unfinished_course_lists_what_is_left(qtbot, ctx: AppContext,
                                                 page: CertificatePage) -> None:
    assert ctx.learner is not None
    view = ctx.campus.course(SAMPLE_COURSE)
    first, last = view.module_ids[0], view.module_ids[-1]
    finish_course(ctx.campus, ctx.learner.id, skip=frozenset({last}))
    page.show_course(SAMPLE_COURSE)

    assert page.get_button.isVisible() and not page.get_button.isEnabled()
    items = [page.missing.item(i).text() for i in range(page.missing.count())]
    title = view.module(last).title
    assert items == [f"Read module 6 to the end: {title}",
                     f"Pass the quiz of module 6: {title}"]
    assert page.missing.isVisible()
    assert "Still to do" in page.status_label.text()
    assert view.module(first).title not in " ".join(items)

    # clicking the disabled button does nothing
    qtbot.mouseClick(page.get_button, LEFT)
    assert not page.busy and page.certificate is None
    assert list_certificates(ctx.campus.data_dir) == []

    # finishing the last module updates the page when progress is announced
    finish_course(ctx.campus, ctx.learner.id)
    ctx.progress_changed.emit(SAMPLE_COURSE)
    assert page.get_button.isEnabled() and not page.missing.isVisible()


def test_without_a_learner_the_page_asks_for_one(qtbot, campus: Campus) -> None:
    campus.ensure_sample_course()
    ctx = AppContext(campus)
    page = CertificatePage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.show_course(SAMPLE_COURSE)
    assert not page.get_button.isEnabled()
    assert page.status_label.text() == "Choose your profile to get a certificate."


def test_a_failure_is_shown_on_the_page(qtbot, ctx: AppContext, page: CertificatePage) -> None:
    assert ctx.learner is not None
    finish_course(ctx.campus, ctx.learner.id)
    page.show_course(SAMPLE_COURSE)
    # the certificates folder cannot be made: a file stands where it should be
    (ctx.campus.data_dir / "certificates").write_text("in the way", encoding="utf-8")

    qtbot.mouseClick(page.get_button, LEFT)
    qtbot.waitUntil(lambda: not page.busy, timeout=20000)

    assert page.certificate is None
    assert page.error.isVisible()
    assert page.error.text().startswith("Your certificate could not be made:")
    assert page.get_button.isEnabled()


def test_cancelling_makes_no_certificate(qtbot, ctx: AppContext, page: CertificatePage) -> None:
    from ui import jobs

    assert ctx.learner is not None
    finish_course(ctx.campus, ctx.learner.id)
    page.show_course(SAMPLE_COURSE)
    titles: list[str] = []

    def cancel_at_once(title, work, on_done=None, on_failed=None) -> jobs.Job:
        # as if the learner pressed Cancel on the progress bar before anything was written
        titles.append(title)
        return jobs.start(lambda task: (task.cancel(), work(task))[1], on_done, on_failed)

    ctx.long_work_runner = cancel_at_once
    qtbot.mouseClick(page.get_button, LEFT)
    qtbot.waitUntil(lambda: not page.busy, timeout=20000)

    assert titles == ["Making your certificate"]
    assert page.certificate is None and not page.result.isVisible()
    assert page.note.text() == "Cancelled: no certificate was made."
    assert page.get_button.isEnabled()
    assert list_certificates(ctx.campus.data_dir) == []
