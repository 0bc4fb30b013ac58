"""Settings: interface language, text size, high contrast; sync; downloads; the data folder.

Each change applies at once and is saved for this profile; switching the language re-labels
every screen in place, so the learner loses neither their page nor their quiz answers. The
sync account is the learner's own (kept in the store); download choices belong to the desktop.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from stepcampus.settings import DOWNLOAD_WHEN, LANGUAGES, TEXT_SIZES, Preferences
from stepcampus.tasks import Task
from ui import jobs
from ui.context import AppContext
from ui.i18n import LANGUAGE_NAMES, tr
from ui.widgets import label, scroll_area


class SettingsPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.title = label(name="title")
        self.language = QComboBox()
        for code in LANGUAGES:
            self.language.addItem(LANGUAGE_NAMES[code], code)
        self.text_size = QSpinBox()
        self.text_size.setRange(TEXT_SIZES[0], TEXT_SIZES[-1])
        self.language.setMaximumWidth(260)
        self.text_size.setMaximumWidth(120)
        self.high_contrast = QCheckBox()
        self.data_folder = QLineEdit(str(ctx.campus.data_dir))
        self.data_folder.setReadOnly(True)
        self.open_folder = QPushButton()
        self.sample = label(name="hint")
        self.language_label, self.size_label = label(wrap=False), label(wrap=False)
        self.contrast_label, self.folder_label = label(wrap=False), label(wrap=False)
        self.folder_hint = label(name="hint")
        folder = QHBoxLayout()
        folder.addWidget(self.data_folder, 1)
        folder.addWidget(self.open_folder)
        form = QFormLayout()
        form.addRow(self.language_label, self.language)
        form.addRow(self.size_label, self.text_size)
        form.addRow(self.contrast_label, self.high_contrast)
        form.addRow(self.folder_label, folder)
        self.sync_box = SyncBox(ctx)
        self.downloads_box = DownloadsBox(ctx)
        body = QWidget()
        column = QVBoxLayout(body)
        column.addWidget(self.title)
        column.addLayout(form)
        column.addWidget(self.folder_hint)
        column.addWidget(self.sample)
        column.addWidget(self.sync_box)
        column.addWidget(self.downloads_box)
        column.addStretch(1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll_area(body))
        self.load()
        self.language.currentIndexChanged.connect(self._changed)
        self.text_size.valueChanged.connect(self._changed)
        self.high_contrast.toggled.connect(self._changed)
        self.open_folder.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(ctx.campus.data_dir))))
        ctx.preferences_changed.connect(self.load)
        self.retranslate()

    def load(self) -> None:
        """Show the current preferences (they may change elsewhere, e.g. the reader's A+)."""
        prefs = self.ctx.preferences
        for widget in (self.language, self.text_size, self.high_contrast):
            widget.blockSignals(True)
        self.language.setCurrentIndex(max(0, self.language.findData(prefs.language)))
        self.text_size.setValue(prefs.text_size)
        self.high_contrast.setChecked(prefs.high_contrast)
        for widget in (self.language, self.text_size, self.high_contrast):
            widget.blockSignals(False)

    def _changed(self, *_: object) -> None:
        self.ctx.set_preferences(Preferences(
            language=str(self.language.currentData()), text_size=self.text_size.value(),
            high_contrast=self.high_contrast.isChecked()))

    def retranslate(self) -> None:
        self.title.setText(tr("Settings"))
        self.language_label.setText(tr("Interface language"))
        self.size_label.setText(tr("Text size"))
        self.text_size.setSuffix(tr(" pt"))
        self.contrast_label.setText(tr("High contrast"))
        self.high_contrast.setText(tr("White on black, with yellow focus and links"))
        self.folder_label.setText(tr("Data folder"))
        self.open_folder.setText(tr("Open folder"))
        self.folder_hint.setText(tr("Your profiles, progress and installed courses are kept "
                                    "here. Copy this folder to keep a backup."))
        self.sample.setText(tr("Settings apply at once and are kept for your profile."))
        self.language.setAccessibleName(tr("Interface language"))
        self.text_size.setAccessibleName(tr("Text size"))
        self.high_contrast.setAccessibleName(tr("High contrast"))
        self.data_folder.setAccessibleName(tr("Data folder"))
        self.sync_box.retranslate()
        self.downloads_box.retranslate()


class SyncBox(QGroupBox):
    """The learner's campus account: where progress is sent and fetched from."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.has_secret = False
        self.endpoint = QLineEdit()
        self.endpoint.setPlaceholderText("https://campus.example.org/xapi/")
        self.username = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.save_button = QPushButton()
        self.save_button.setObjectName("primary")
        self.forget_button = QPushButton()
        self.join_button = QPushButton()
        self.state = label(name="hint")
        self.endpoint_label, self.user_label = label(wrap=False), label(wrap=False)
        self.password_label = label(wrap=False)
        self.hint = label(name="hint")
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.forget_button)
        buttons.addWidget(self.join_button)
        buttons.addStretch(1)
        for field in (self.endpoint, self.username, self.password):
            field.setMaximumWidth(420)
        column = QVBoxLayout(self)
        column.addWidget(self.hint)
        form = QFormLayout()
        column.addLayout(form)
        form.addRow(self.endpoint_label, self.endpoint)
        form.addRow(self.user_label, self.username)
        form.addRow(self.password_label, self.password)
        form.addRow("", buttons)
        column.addWidget(self.state)  # below the form: a wrapped label in a form row gets
        self.state.hide()             # a tall empty gap above it
        self.save_button.clicked.connect(self.save)
        self.forget_button.clicked.connect(self.forget)
        self.join_button.clicked.connect(self.join)
        self.password.returnPressed.connect(self.save)
        ctx.learner_changed.connect(self.load)
        if ctx.sync is not None:
            ctx.sync.changed.connect(self.show_state)

    def load(self) -> None:
        """Fill the fields from the learner's saved link (the password itself is not shown)."""
        learner = self.ctx.learner
        for field in (self.endpoint, self.username, self.password):
            field.clear()
        self.has_secret = False
        self._show_secret_hint()
        if learner is None or not self.ctx.store_ready:
            return
        sessions = self.ctx.campus.sessions

        def read(task: Task) -> Any:
            from stepcampus.sync.accounts import get_link

            return get_link(sessions, learner.id)

        jobs.start(read, self._loaded)

    def _loaded(self, link: Any) -> None:
        if link is None:
            return
        self.endpoint.setText(link.endpoint)
        self.username.setText(link.username)
        self.has_secret = bool(link.secret)
        self._show_secret_hint()
        self.forget_button.setEnabled(True)

    def _show_secret_hint(self) -> None:
        self.password.setPlaceholderText(tr("saved; type to change it") if self.has_secret
                                         else "")
        self.forget_button.setEnabled(self.has_secret)

    def save(self) -> None:
        learner = self.ctx.learner
        endpoint = self.endpoint.text().strip()
        username = self.username.text().strip()
        password = self.password.text()
        if learner is None:
            return
        if not endpoint.startswith(("http://", "https://")):
            self._error(tr("The server address starts with http:// or https://"), self.endpoint)
            return
        if not username:
            self._error(tr("Type your user name on the campus server"), self.username)
            return
        if not password and not self.has_secret:
            self._error(tr("Type your password"), self.password)
            return
        sessions = self.ctx.campus.sessions

        def work(task: Task) -> Any:
            from stepcampus.sync.accounts import get_link, save_link

            secret = password
            if not secret:  # keep the saved password when only the address or name changed
                old = get_link(sessions, learner.id)
                secret = old.secret if old is not None else ""
            return save_link(sessions, learner.id, endpoint, username, secret)

        def saved(link: Any) -> None:
            self.password.clear()
            self._loaded(link)
            self._say(tr("Saved. Syncing…"))
            if self.ctx.sync is not None:
                self.ctx.sync.refresh()
                self.ctx.sync.sync_now()

        jobs.start(work, saved, lambda message: self._error(message, self.endpoint))

    def forget(self) -> None:
        learner = self.ctx.learner
        if learner is None:
            return
        sessions = self.ctx.campus.sessions

        def work(task: Task) -> Any:
            from stepcampus.sync.accounts import remove_link

            return remove_link(sessions, learner.id)

        def done(_removed: Any) -> None:
            self.load()
            self._say(tr("This computer no longer syncs your progress. What you learn is "
                         "still kept here."))
            if self.ctx.sync is not None:
                self.ctx.sync.refresh()

        jobs.start(work, done)

    def join(self) -> None:
        """Make the learner's campus account with an enrolment code, and sync with it."""
        learner = self.ctx.learner
        if learner is None:
            return
        from ui.campus_enrolment import JoinDialog

        dialog = JoinDialog(self, self.ctx.campus.sessions, learner.id,
                            self.endpoint.text().strip(), learner.name)
        dialog.setObjectName("join-campus-dialog")
        dialog.joined.connect(self._joined)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def _joined(self, joined: Any) -> None:
        self.load()
        self.state.setObjectName("hint")
        self.state.style().polish(self.state)
        self._say(tr("You are enrolled in {name} as {user}. Syncing…", name=joined.class_name,
                     user=joined.username))
        if self.ctx.sync is not None:
            self.ctx.sync.refresh()
            self.ctx.sync.sync_now()

    def _say(self, text: str) -> None:
        self.state.setText(text)
        self.state.setVisible(bool(text))

    def _error(self, message: str, field: QLineEdit) -> None:
        self._say(message)
        self.state.setObjectName("error")
        self.state.style().polish(self.state)
        field.setFocus()

    def show_state(self) -> None:
        from ui.sync import describe

        if self.ctx.sync is None or self.ctx.sync.status.state == "off":
            return
        text, tip = describe(self.ctx.sync.status)
        self.state.setObjectName("hint")
        self.state.style().polish(self.state)
        self._say(f"{text}\n{tip}")

    def retranslate(self) -> None:
        self.setTitle(tr("Sync with your campus"))
        self.hint.setText(tr("Your progress, quiz results and bookmarks are sent to your "
                             "campus server when there is a connection, and fetched on any "
                             "other computer where you sign in with the same account."))
        self.endpoint_label.setText(tr("Server address"))
        self.user_label.setText(tr("User name"))
        self.password_label.setText(tr("Password"))
        self.save_button.setText(tr("Save and sync"))
        self.forget_button.setText(tr("Stop syncing here"))
        self.join_button.setText(tr("Join with an enrolment code…"))
        self.endpoint.setAccessibleName(tr("Server address"))
        self.username.setAccessibleName(tr("User name"))
        self.password.setAccessibleName(tr("Password"))
        self._show_secret_hint()
        self.show_state()


class DownloadsBox(QGroupBox):
    """When courses and updates may download, and how fast: for costly or shared lines."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.when = QComboBox()
        for code in DOWNLOAD_WHEN:
            self.when.addItem("", code)
        self.when.setMaximumWidth(420)
        self.cap = QSpinBox()
        self.cap.setRange(0, 100_000)
        self.cap.setSingleStep(16)
        self.cap.setMaximumWidth(160)
        self.when_label, self.cap_label = label(wrap=False), label(wrap=False)
        self.hint = label(name="hint")
        form = QFormLayout()
        form.addRow(self.when_label, self.when)
        form.addRow(self.cap_label, self.cap)
        column = QVBoxLayout(self)
        column.addLayout(form)
        column.addWidget(self.hint)
        self.load()
        self.when.currentIndexChanged.connect(self._changed)
        self.cap.valueChanged.connect(self._changed)

    def load(self) -> None:
        settings = self.ctx.settings
        self.when.blockSignals(True)
        self.cap.blockSignals(True)
        self.when.setCurrentIndex(max(0, self.when.findData(settings.download_when)))
        self.cap.setValue(settings.download_cap_kib)
        self.when.blockSignals(False)
        self.cap.blockSignals(False)

    def _changed(self, *_: object) -> None:
        settings = self.ctx.settings
        settings.download_when = str(self.when.currentData())
        settings.download_cap_kib = self.cap.value()
        if settings.download_when == "network":
            from stepcampus.sync.policy import current_network_id

            settings.download_network = current_network_id()
        self.ctx.set_preferences(self.ctx.preferences)  # saves the settings
        self._show_hint()

    def _show_hint(self) -> None:
        settings = self.ctx.settings
        if settings.download_when == "network" and not settings.download_network:
            self.hint.setText(tr("No network now: choose this again once connected to the "
                                 "network to use."))
        elif settings.download_when == "later":
            self.hint.setText(tr("Updates wait until you install them from the library."))
        else:
            self.hint.setText(tr("Interrupted downloads continue where they stopped."))

    def retranslate(self) -> None:
        self.setTitle(tr("Downloads"))
        self.when_label.setText(tr("Download courses and updates"))
        choices = {"always": tr("As soon as they are available"),
                   "later": tr("Only when I ask"),
                   "network": tr("Only on the network I am on now")}
        for index in range(self.when.count()):
            self.when.setItemText(index, choices[str(self.when.itemData(index))])
        self.cap_label.setText(tr("Speed limit"))
        self.cap.setSuffix(tr(" KB/s"))
        self.cap.setSpecialValueText(tr("No limit"))
        self.when.setAccessibleName(tr("Download courses and updates"))
        self.cap.setAccessibleName(tr("Speed limit"))
        self._show_hint()
