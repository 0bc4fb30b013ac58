"""Settings: interface language, text size, high contrast; where the data lives.

Each change applies at once and is saved for this profile; switching the language re-labels
every screen in place, so the learner loses neither their page nor their quiz answers.
"""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from stepcampus.settings import LANGUAGES, TEXT_SIZES, Preferences
from ui.context import AppContext
from ui.i18n import LANGUAGE_NAMES, tr
from ui.widgets import label


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
        form.addRow("", self.folder_hint)
        column = QVBoxLayout(self)
        column.addWidget(self.title)
        column.addLayout(form)
        column.addWidget(self.sample)
        column.addStretch(1)
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
