"""The webinar player: the recording (audio with slides, or video), chapters, captions, a
transcript that follows and whose search jumps to the moment, the summary and the Q&A.

libVLC plays; a 100 ms timer asks where it is (`Playback.position()` runs on between libVLC's
coarse readings) and moves the slide, the caption and the transcript. Where the learner is
gets saved every few seconds, off the UI thread, and the recording counts as heard near its
end. Without libVLC the page says how to get it and still shows slides, summary and Q&A.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QPushButton,
    QSlider,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from stepcampus.tasks import Task
from stepcampus.webinar.playback import RATES, install_hint
from stepcampus.webinar.vtt import clock
from ui import jobs
from ui.context import AppContext
from ui.i18n import tr
from ui.library import human_size
from ui.player_panes import QuestionsPane, SlideView, TranscriptPane
from ui.widgets import label

TICK_MS = 100
SAVE_EVERY_MS = 5000
HEARD = 0.97  # reaching this share of the recording counts as having heard it
STEP_S = 5.0
JUMP_S = 10.0
VIDEO_GRACE_S = 2.0  # of playing before a missing picture counts as no video output


def _headless() -> bool:
    return QGuiApplication.platformName() in ("offscreen", "minimal")


def resume_position(position: str | None) -> float:
    """A saved webinar position ("t=123.4") as seconds; 0 when there is none."""
    if position and position.startswith("t="):
        try:
            return max(0.0, float(position[2:]))
        except ValueError:
            return 0.0
    return 0.0


class PlayerPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.series: Any = None
        self.session: Any = None
        self.variant: Any = None
        self.playback: Any = None
        self.player_problem = ""
        self.timeline: Any = None
        self._furthest = 0.0
        self._completed = False
        self._dirty = False
        self._seeking = False

        self.back_button = QPushButton()
        self.present_button = QPushButton()
        self.present_button.hide()
        self.title = label(name="title")
        self.meta = label(name="hint")
        self.problem = label(name="error")
        self.problem.hide()
        self.slide_view = SlideView()
        self.video = QWidget()
        self.video.setAttribute(Qt.WidgetAttribute.WA_NativeWindow)
        self.video.setStyleSheet("background: black;")
        self.screen = QStackedWidget()
        self.screen.addWidget(self.slide_view)
        self.screen.addWidget(self.video)
        self.caption = label(name="caption")
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption.setMinimumHeight(48)
        self.previous_slide = QPushButton("‹")
        self.next_slide = QPushButton("›")
        self.slide_number = label(name="hint", wrap=False)

        self.play_button = QPushButton()
        self.play_button.setObjectName("primary")
        self.back_step = QPushButton("−10 s")
        self.forward_step = QPushButton("+10 s")
        self.seek = QSlider(Qt.Orientation.Horizontal)
        self.seek.setRange(0, 0)
        self.time_label = label(name="hint", wrap=False)
        self.speed_box = QComboBox()
        for rate in RATES:
            self.speed_box.addItem(f"{rate:g}×", rate)
        self.speed_box.setCurrentIndex(RATES.index(1.0))
        self.volume = QSlider(Qt.Orientation.Horizontal)
        self.volume.setRange(0, 100)
        self.volume.setValue(80)
        self.volume.setMaximumWidth(110)
        self.captions_check = QCheckBox()
        self.captions_check.setChecked(True)
        self.variant_box = QComboBox()

        self.chapters = QTextBrowser()
        self.chapters.setOpenLinks(False)
        self.transcript = TranscriptPane()
        self.summary = QTextBrowser()
        self.summary.setOpenLinks(False)
        self.questions = QuestionsPane()
        self.tabs = QTabWidget()
        for widget in (self.chapters, self.transcript, self.summary, self.questions):
            self.tabs.addTab(widget, "")

        head = QHBoxLayout()
        head.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignTop)
        titles = QVBoxLayout()
        titles.addWidget(self.title)
        titles.addWidget(self.meta)
        head.addLayout(titles, 1)
        head.addWidget(self.present_button, 0, Qt.AlignmentFlag.AlignTop)
        slides_row = QHBoxLayout()
        slides_row.addStretch(1)
        slides_row.addWidget(self.previous_slide)
        slides_row.addWidget(self.slide_number)
        slides_row.addWidget(self.next_slide)
        slides_row.addStretch(1)
        left = QWidget()
        left_column = QVBoxLayout(left)
        left_column.setContentsMargins(0, 0, 0, 0)
        left_column.addWidget(self.screen, 1)
        left_column.addWidget(self.caption)
        left_column.addLayout(slides_row)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(self.tabs)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([700, 440])
        controls = QHBoxLayout()
        for widget in (self.play_button, self.back_step, self.forward_step):
            controls.addWidget(widget)
        controls.addWidget(self.seek, 1)
        controls.addWidget(self.time_label)
        controls.addWidget(self.speed_box)
        controls.addWidget(self.volume)
        controls.addWidget(self.captions_check)
        controls.addWidget(self.variant_box)
        column = QVBoxLayout(self)
        column.addLayout(head)
        column.addWidget(self.problem)
        column.addWidget(split, 1)
        column.addLayout(controls)

        self.tick = QTimer(self)
        self.tick.setInterval(TICK_MS)
        self.tick.timeout.connect(self.update_position)
        self.save_timer = QTimer(self)
        self.save_timer.setInterval(SAVE_EVERY_MS)
        self.save_timer.timeout.connect(self.save_position)

        self.back_button.clicked.connect(lambda: self.ctx.show_page.emit("webinars"))
        self.present_button.clicked.connect(self._present)
        self.play_button.clicked.connect(self.toggle)
        self.back_step.clicked.connect(lambda: self.step(-JUMP_S))
        self.forward_step.clicked.connect(lambda: self.step(JUMP_S))
        self.seek.sliderPressed.connect(self._slider_pressed)
        self.seek.sliderReleased.connect(self._slider_released)
        self.seek.valueChanged.connect(self._slider_moved)
        self.speed_box.currentIndexChanged.connect(self._speed_changed)
        self.volume.valueChanged.connect(self._volume_changed)
        self.captions_check.toggled.connect(lambda _on: self.update_position())
        self.variant_box.activated.connect(self._variant_chosen)
        self.previous_slide.clicked.connect(lambda: self.go_to_slide(-1))
        self.next_slide.clicked.connect(lambda: self.go_to_slide(1))
        self.chapters.anchorClicked.connect(lambda url: self.seek_to(float(url.path())))
        self.transcript.seek_requested.connect(self.seek_to)
        self.questions.seek_requested.connect(self.seek_to)
        self.questions.ask_requested.connect(self.ask)
        self.tabs.currentChanged.connect(self._tab_changed)
        ctx.questions_changed.connect(self.refresh_questions)
        for keys, slot in (("K", self.toggle), ("J", lambda: self.step(-JUMP_S)),
                           ("L", lambda: self.step(JUMP_S)),
                           ("C", self.captions_check.toggle)):
            QShortcut(QKeySequence(keys), self, slot,
                      context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.retranslate()

    # -- strings -------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.back_button.setText(tr("← Webinars"))
        self.present_button.setText(tr("Present the slides"))
        self.present_button.setToolTip(tr("Show the slides to the room; arrows move them"))
        self.tabs.setTabText(0, tr("Chapters"))
        self.tabs.setTabText(1, tr("Transcript"))
        self.tabs.setTabText(2, tr("Summary"))
        self.tabs.setTabText(3, tr("Questions and answers"))
        self.back_step.setToolTip(tr("Back 10 seconds (J)"))
        self.forward_step.setToolTip(tr("Forward 10 seconds (L)"))
        self.seek.setAccessibleName(tr("Position in the recording"))
        self.speed_box.setToolTip(tr("Playback speed"))
        self.speed_box.setAccessibleName(tr("Playback speed"))
        self.volume.setAccessibleName(tr("Volume"))
        self.volume.setToolTip(tr("Volume"))
        self.captions_check.setText(tr("Captions"))
        self.captions_check.setToolTip(tr("Show captions under the slides (C)"))
        self.variant_box.setToolTip(tr("What to play: audio with slides uses the least data"))
        self.variant_box.setAccessibleName(tr("Recording version"))
        self.previous_slide.setToolTip(tr("Previous slide"))
        self.next_slide.setToolTip(tr("Next slide"))
        self.transcript.retranslate()
        self.questions.retranslate()
        self._update_play_button()
        if self.session is not None:
            self._fill_texts()
            self._fill_variants()
            self._update_slide_number()

    # -- opening -------------------------------------------------------------------------------
    def open(self, series_id: str, session_id: str, at: float = -1.0) -> None:
        """Show a session; `at` seconds to start from (-1: where the learner left it)."""
        if self.session is not None:
            self.save_position()
        same = self.session is not None and (self.series.id, self.session.id) == (
            series_id, session_id)
        if not same:
            self.stop()
            self.series = self.ctx.series_view(series_id)
            self.session = self.series.session(session_id)
            self.timeline = self.session.timeline(self.ctx.content_language)
            self._completed = False
            saved = self._saved_progress()
            self._furthest = saved[1]
            self._completed = saved[2]
            start = saved[0]
            if self._completed and start >= self.session.recording_duration * HEARD:
                start = 0.0
            self.transcript.set_cues(self.session.transcript)
            self._fill_texts()
            self._fill_variants()
            self._record_launch()
            self.seek.setRange(0, int(self.session.recording_duration * 1000))
            self._load_variant(self.session.default_variant(), start, play=False)
            self.refresh_questions()
        self.present_button.setVisible(self.ctx.facilitator_mode and bool(self.session.slides))
        if at >= 0:
            self.seek_to(at)

    def _present(self) -> None:
        if self.session is not None and self.ctx.facilitator_mode:
            self.pause()
            self.ctx.present.emit("slides", self.series.id, self.session.id)

    def show_questions(self) -> None:
        self.tabs.setCurrentWidget(self.questions)

    def _saved_progress(self) -> tuple[float, float, bool]:
        """(where the learner was, how far they got, heard to the end) for this session."""
        duration = self.session.recording_duration
        for row in self.ctx.progress_rows(self.series.id):
            if row.module_id == self.session.id:
                return (resume_position(row.position), duration * row.percent / 100,
                        row.completed)
        return 0.0, 0.0, False

    def _fill_texts(self) -> None:
        session, series = self.session, self.series
        self.title.setText(session.title)
        start = session.start_time
        when = ""
        if start is not None:
            from ui.calendar import day_name

            local = start.astimezone()
            when = f"{day_name(local.date())}, {local:%H:%M}"
        people = ", ".join(p["name"] for p in session.panellists)
        parts = [series.title(self.ctx.content_language), when,
                 tr("with {names}", names=people) if people else ""]
        self.meta.setText(" · ".join(p for p in parts if p))
        chapters = "".join(
            f"<p><a href='seek:{c.start:.3f}'>{clock(c.start)}</a>&nbsp;&nbsp;"
            f"{html.escape(c.plain)}</p>" for c in session.chapters)
        self.chapters.setHtml(chapters or f"<p><i>{html.escape(tr('No chapters.'))}</i></p>")
        summary = session.summary_html()
        self.summary.setHtml(summary.html if summary else
                             f"<p><i>{html.escape(tr('No summary yet.'))}</i></p>")

    def _fill_variants(self) -> None:
        self.variant_box.blockSignals(True)
        self.variant_box.clear()
        for variant in self.session.variants:
            name = {"audio": tr("Audio and slides"), "video-low": tr("Video, low resolution"),
                    "original": tr("Original recording")}.get(variant.id, variant.label
                                                              or variant.id)
            size = human_size(variant.size)
            here = self.session.available(variant)
            text = tr("{name} · {size}", name=name, size=size) if here else \
                tr("{name} · {size} to download", name=name, size=size)
            self.variant_box.addItem(text, variant.id)
            if self.variant is not None and variant.id == self.variant.id:
                self.variant_box.setCurrentIndex(self.variant_box.count() - 1)
        self.variant_box.blockSignals(False)
        self.variant_box.setEnabled(bool(self.session.variants))

    # -- the player ------------------------------------------------------------------------------
    def _ensure_player(self) -> bool:
        if self.playback is not None:
            return True
        from stepcampus.webinar.playback import Playback, PlayerUnavailable

        try:
            self.playback = Playback(headless=_headless())
        except PlayerUnavailable as exc:
            self.player_problem = str(exc)
            self._show_problem(tr("Recordings cannot play on this computer: {why}. Slides, "
                                  "summary and questions are all here.", why=str(exc)))
            return False
        self.playback.set_volume(self.volume.value())
        return True

    def _load_variant(self, variant: Any, start: float, play: bool) -> None:
        self.variant = variant
        self._fill_variants()
        video = variant is not None and not variant.audio_only and not _headless()
        self.screen.setCurrentWidget(self.video if video else self.slide_view)
        self._show_slide(self.timeline.slide(start))
        self._set_time(start)
        enabled = variant is not None and self._ensure_player()
        for widget in (self.play_button, self.seek, self.back_step, self.forward_step,
                       self.speed_box, self.volume):
            widget.setEnabled(enabled)
        if not enabled:
            if variant is None and self.session.recording is None:
                self._show_problem(tr("This webinar has no recording yet."))
            return
        if not self.player_problem:
            self.problem.hide()
        self.playback.open(self.session.media_path(variant), self.session.recording_duration,
                           start_at=start)
        if video:
            self.playback.set_window(int(self.video.winId()))
        self.playback.set_rate(float(self.speed_box.currentData()))
        if play:
            self.play()
        self._update_play_button()

    def _show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.show()

    def play(self) -> None:
        if self.playback is None:
            return
        self.playback.play()
        self.tick.start()
        self.save_timer.start()
        self._update_play_button()

    def pause(self) -> None:
        if self.playback is None:
            return
        self.playback.pause()
        self.tick.stop()
        self.update_position()
        self.save_position()
        self._update_play_button()

    def toggle(self) -> None:
        if self.playback is None:
            return
        if self.is_playing():
            self.pause()
        else:
            self.play()

    def is_playing(self) -> bool:
        return self.playback is not None and self.tick.isActive()

    def stop(self) -> None:
        """Stop playing and let go of the recording (leaving the page, closing the app)."""
        if self.playback is not None:
            self.save_position()
            self.playback.close()
            self.playback = None
        self.tick.stop()
        self.save_timer.stop()

    def position(self) -> float:
        if self.playback is None:
            return self.seek.value() / 1000
        return self.playback.position()

    def seek_to(self, seconds: float) -> None:
        duration = self.session.recording_duration if self.session else 0.0
        seconds = max(0.0, min(seconds, duration))
        if self.playback is not None:
            self.playback.seek(seconds)
        self._set_time(seconds)
        self._follow(seconds)
        self._dirty = True

    def step(self, seconds: float) -> None:
        self.seek_to(self.position() + seconds)

    def go_to_slide(self, direction: int) -> None:
        slides = self.session.slides if self.session else []
        if not slides:
            return
        index = max(0, min(len(slides) - 1, self.slide_view.index + direction))
        if self.playback is not None:
            self.seek_to(slides[index].at)
        else:
            self._show_slide(index)

    # -- following the recording ---------------------------------------------------------------
    def update_position(self) -> None:
        if self.session is None:
            return
        position = self.position()
        if not self._seeking:
            self._set_time(position)
        self._follow(position)
        if self.playback is not None and self.is_playing():
            self._furthest = max(self._furthest, position)
            self._dirty = True
            self._check_video()
            if self.playback.ended:
                self.tick.stop()
                self._furthest = self.session.recording_duration
                self.save_position()
                self._update_play_button()
            elif self.playback.failed:
                self.tick.stop()
                self._show_problem(tr("The recording stopped with an error. Choose another "
                                      "version or download it again."))
                self._update_play_button()

    def _check_video(self) -> None:
        """Video chosen, sound playing, no picture: libVLC has no video output here (its
        plugins are missing), so the slides follow the sound instead of a black pane."""
        if self.screen.currentWidget() is not self.video or \
                not self.playback.video_missing(VIDEO_GRACE_S):
            return
        self.screen.setCurrentWidget(self.slide_view)
        hint = install_hint()
        self._show_problem(tr("Video cannot be shown on this computer, so the slides follow "
                              "the sound. {hint}", hint=hint[:1].upper() + hint[1:] + "."))

    def _follow(self, position: float) -> None:
        timeline = self.timeline
        slide = timeline.slide(position)
        if slide != self.slide_view.index and slide >= 0:
            self._show_slide(slide)
        text = ""
        if self.captions_check.isChecked():
            cue = timeline.caption(position)
            text = timeline.captions[cue].plain if cue >= 0 else ""
        self._set_caption(text)
        self.transcript.follow(timeline.transcript_line(position))

    def _set_caption(self, text: str) -> None:
        # The dark caption band shows only while someone speaks.
        name = "caption" if text else "caption-off"
        if self.caption.objectName() != name:
            self.caption.setObjectName(name)
            self.caption.style().unpolish(self.caption)
            self.caption.style().polish(self.caption)
        self.caption.setText(text)

    def _show_slide(self, index: int) -> None:
        slides = self.session.slides if self.session else []
        if not slides or index < 0:
            self.slide_view.show_slide(-1, None)
            self._update_slide_number()
            return
        index = min(index, len(slides) - 1)
        try:
            data = self.session.slide_image(index)
        except Exception as exc:  # a file missing from the store: say so, keep playing
            self.ctx.message.emit(str(exc))
            data = None
        self.slide_view.show_slide(index, data)
        self._update_slide_number()

    def _update_slide_number(self) -> None:
        count = len(self.session.slides) if self.session else 0
        index = self.slide_view.index
        self.slide_number.setText(tr("Slide {n} of {count}", n=index + 1, count=count)
                                  if count and index >= 0 else "")
        self.previous_slide.setEnabled(count > 0 and index > 0)
        self.next_slide.setEnabled(count > 0 and index < count - 1)

    def _set_time(self, position: float) -> None:
        self.seek.blockSignals(True)
        self.seek.setValue(int(position * 1000))
        self.seek.blockSignals(False)
        duration = self.session.recording_duration if self.session else 0.0
        self.time_label.setText(f"{clock(position)} / {clock(duration)}")

    def _update_play_button(self) -> None:
        playing = self.is_playing()
        self.play_button.setText(tr("Pause") if playing else tr("Play"))
        self.play_button.setToolTip(tr("Play or pause (K)"))

    # -- controls ------------------------------------------------------------------------------
    def _slider_pressed(self) -> None:
        self._seeking = True

    def _slider_released(self) -> None:
        self._seeking = False
        self.seek_to(self.seek.value() / 1000)

    def _slider_moved(self, value: int) -> None:
        if self._seeking:
            self._set_time(value / 1000)
            self._follow(value / 1000)
        else:  # keyboard or a click on the groove
            self.seek_to(value / 1000)

    def _speed_changed(self, _index: int) -> None:
        if self.playback is not None:
            self.playback.set_rate(float(self.speed_box.currentData()))

    def _volume_changed(self, value: int) -> None:
        if self.playback is not None:
            self.playback.set_volume(value)

    def _variant_chosen(self, index: int) -> None:
        variant = self.session.variant(self.variant_box.itemData(index))
        if self.variant is not None and variant.id == self.variant.id:
            return
        if not self.session.available(variant):
            self.download(variant)
            self._fill_variants()  # keep showing what plays until the download is in
            return
        self.switch_to(variant)

    def switch_to(self, variant: Any) -> None:
        playing = self.is_playing()
        position = self.position()
        if self.playback is not None:
            self.playback.stop()
        self._load_variant(variant, position, play=playing)

    def download(self, variant: Any) -> None:
        series_id, session_id = self.series.id, self.session.id

        def work(task: Task) -> int:
            return self.ctx.campus.fetch_on_demand(series_id, [variant.file], task)

        def done(_bytes: int) -> None:
            if self.session is not None and self.session.id == session_id:
                self._fill_variants()
                self.switch_to(variant)
            self.ctx.message.emit(tr("Downloaded {name}", name=variant.label or variant.id))

        self.ctx.run_long(tr("Downloading {name} ({size})", name=variant.label or variant.id,
                             size=human_size(variant.size)), work, done,
                          lambda message: self.ctx.message.emit(message), pausable=True)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Reached only when the focused widget does not use the key itself (a text field does).
        key = event.key()
        if key == Qt.Key.Key_Space:
            self.toggle()
        elif key == Qt.Key.Key_Left:
            self.step(-STEP_S)
        elif key == Qt.Key.Key_Right:
            self.step(STEP_S)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    # -- progress ------------------------------------------------------------------------------
    def save_position(self) -> None:
        """Keep where the learner is and how far they got; heard to the end completes it."""
        if not self._dirty or self.ctx.learner is None or not self.ctx.store_ready \
                or self.session is None or not self.session.recording_duration:
            return
        self._dirty = False
        learner, factory = self.ctx.learner.id, self.ctx.campus.sessions
        series_id, session_id = self.series.id, self.session.id
        duration = self.session.recording_duration
        position = self.position()
        heard = self._furthest >= duration * HEARD
        # In tens, so a 90-minute recording makes ten "progressed" statements, not hundreds.
        percent = 100 if heard else int(self._furthest / duration * 10) * 10
        complete = heard and not self._completed
        if complete:
            self._completed = True

        def save(_task: object) -> None:
            from stepcampus.progress.activity import complete_module, record_progress

            record_progress(factory, learner, series_id, session_id, f"t={position:.1f}",
                            percent)
            if complete:
                complete_module(factory, learner, series_id, session_id)

        def saved(_result: object) -> None:
            if complete:
                self.ctx.progress_changed.emit(series_id)

        jobs.start(save, saved, self.ctx.message.emit)

    def _record_launch(self) -> None:
        if self.ctx.learner is None or not self.ctx.store_ready:
            return
        learner, factory, series_id = self.ctx.learner.id, self.ctx.campus.sessions, \
            self.series.id

        def launch(_task: object) -> None:
            from stepcampus.progress.activity import record_launch

            record_launch(factory, learner, series_id)

        jobs.start(launch, on_failed=self.ctx.message.emit)

    # -- questions -------------------------------------------------------------------------------
    def refresh_questions(self) -> None:
        if self.session is None:
            return
        mine = self._my_questions()
        self.questions.set_entries(self.session.questions, mine)
        if self.tabs.currentWidget() is self.questions:
            self._mark_seen(mine)

    def _my_questions(self) -> list[Any]:
        if self.ctx.learner is None or not self.ctx.store_ready:
            return []
        from stepcampus.webinar.questions import list_questions

        return list_questions(self.ctx.campus.sessions, self.ctx.learner.id, self.series.id,
                              self.session.id)

    def _tab_changed(self, _index: int) -> None:
        if self.tabs.currentWidget() is self.questions:
            self._mark_seen(self.questions.mine)

    def _mark_seen(self, mine: list[Any]) -> None:
        new = [q.id for q in mine if q.answer and q.answer_seen_at is None]
        if not new or self.ctx.learner is None:
            return
        learner, factory = self.ctx.learner.id, self.ctx.campus.sessions

        def seen(_task: object) -> None:
            from stepcampus.webinar.questions import mark_answers_seen

            mark_answers_seen(factory, learner, new)

        jobs.start(seen, lambda _r: self.ctx.questions_changed.emit(), self.ctx.message.emit)

    def ask(self, text: str) -> None:
        if self.ctx.learner is None or not self.ctx.store_ready or self.session is None:
            return
        learner, factory = self.ctx.learner.id, self.ctx.campus.sessions
        series_id, session_id = self.series.id, self.session.id

        def work(_task: object) -> Any:
            from stepcampus.webinar.questions import ask_question

            return ask_question(factory, learner, series_id, session_id, text)

        def asked(_question: Any) -> None:
            self.questions.ask_edit.clear()
            self.ctx.message.emit(tr("Your question is saved and will be sent at the next "
                                     "sync"))
            self.ctx.questions_changed.emit()

        jobs.start(work, asked, self.ctx.message.emit)

    def hideEvent(self, event: Any) -> None:
        self.save_position()
        super().hideEvent(event)
