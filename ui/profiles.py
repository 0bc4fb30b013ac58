"""Who is learning: pick a profile (with its PIN if it has one) or create one.

Colleagues share office desktops; each profile keeps its own progress, quizzes and settings.
A profile can be a facilitator's, which opens facilitator mode and always has a PIN.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from stepcampus.store.snapshot import ProfileRow
from ui import jobs, theme
from ui.context import AppContext, Learner
from ui.i18n import tr
from ui.widgets import label

_ROLE = Qt.ItemDataRole.UserRole
_BADGE = Qt.ItemDataRole.UserRole + 1  # the badge text after the name, "" for none
_BADGE_GAP, _BADGE_PAD = 10, 7


class BadgeDelegate(QStyledItemDelegate):
    """Draws a small rounded badge ("Facilitator") after an item's text."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        super().paint(painter, option, index)
        badge = index.data(_BADGE)
        if not badge:
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        style = opt.widget.style() if opt.widget else QApplication.style()
        text_rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, opt.widget)
        font = opt.font
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
        font.setBold(True)
        painter.save()
        painter.setFont(font)
        metrics = painter.fontMetrics()
        x = text_rect.left() + opt.fontMetrics.horizontalAdvance(opt.text) + _BADGE_GAP
        height = metrics.height() + 2
        rect = QRect(x, text_rect.center().y() - height // 2 + 1,
                     metrics.horizontalAdvance(badge) + 2 * _BADGE_PAD, height)
        contrast = QApplication.palette().window().color().lightness() < 60
        fill, ink = (QColor("#ffff00"), QColor("black")) if contrast else (
            QColor(theme.ACCENT), QColor("white"))
        if opt.state & QStyle.StateFlag.State_Selected:  # stand out from the highlight too
            fill, ink = ink, fill
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        painter.drawRoundedRect(rect, height / 2, height / 2)
        painter.setPen(ink)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, badge)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        badge = index.data(_BADGE)
        if badge:
            size.setWidth(size.width() + _BADGE_GAP + 2 * _BADGE_PAD
                          + option.fontMetrics.horizontalAdvance(badge))
        return size


class ProfilePage(QWidget):
    """Calls `on_chosen(learner)` once a profile is opened or created."""

    def __init__(self, ctx: AppContext, on_chosen: Callable[[Learner], None],
                 when_store_ready: Callable[[Callable[[], None]], None]) -> None:
        super().__init__()
        self.ctx = ctx
        self.on_chosen = on_chosen
        # Creating or checking a profile needs the store open; the window runs it when ready.
        self.when_store_ready = when_store_ready
        self.profiles: list[ProfileRow] = []

        self.title = label(name="title")
        self.subtitle = label(name="subtitle")
        self.list = QListWidget()
        self.list.setMinimumHeight(160)
        self.list.setItemDelegate(BadgeDelegate(self.list))
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.open_button = QPushButton()
        self.open_button.setObjectName("primary")
        self.pick_error = label(name="error")

        self.pick_box = QGroupBox()
        pick = QVBoxLayout(self.pick_box)
        pick.addWidget(self.list)
        self.pin_row = QWidget()
        pin_row = QHBoxLayout(self.pin_row)
        pin_row.setContentsMargins(0, 0, 0, 0)
        self.pin_label = label(wrap=False)
        pin_row.addWidget(self.pin_label)
        pin_row.addWidget(self.pin, 1)
        pick.addWidget(self.pin_row)
        pick.addWidget(self.pick_error)
        pick.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignRight)

        self.new_box = QGroupBox()
        self.new_name = QLineEdit()
        self.new_name.setMaxLength(80)
        self.new_pin = QLineEdit()
        self.new_pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.facilitator_check = QCheckBox()
        self.facilitator_hint = label(name="hint")
        self.facilitator_hint.hide()
        self.create_button = QPushButton()
        self.create_error = label(name="error")
        form = QFormLayout(self.new_box)
        self.name_label = label(wrap=False)
        self.new_pin_label = label(wrap=False)
        form.addRow(self.name_label, self.new_name)
        form.addRow(self.new_pin_label, self.new_pin)
        form.addRow(self.facilitator_check)
        form.addRow(self.facilitator_hint)
        form.addRow(self.create_error)
        form.addRow(self.create_button)

        column = QVBoxLayout()
        column.addWidget(self.title)
        column.addWidget(self.subtitle)
        column.addSpacing(12)
        column.addWidget(self.pick_box)
        column.addWidget(self.new_box)
        column.addStretch(1)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(column, 3)
        outer.addStretch(1)

        self.list.currentItemChanged.connect(self._selection_changed)
        self.list.itemActivated.connect(lambda _item: self.open_selected())
        self.open_button.clicked.connect(self.open_selected)
        self.pin.returnPressed.connect(self.open_selected)
        self.create_button.clicked.connect(self.create)
        self.new_pin.returnPressed.connect(self.create)
        self.new_name.returnPressed.connect(self.create)
        self.facilitator_check.toggled.connect(self._role_changed)
        self.setTabOrder(self.list, self.pin)
        self.setTabOrder(self.pin, self.open_button)
        self.setTabOrder(self.open_button, self.new_name)
        self.setTabOrder(self.new_name, self.new_pin)
        self.setTabOrder(self.new_pin, self.facilitator_check)
        self.setTabOrder(self.facilitator_check, self.create_button)
        self.retranslate()
        self.set_profiles([])

    def retranslate(self) -> None:
        self.title.setText(tr("Welcome to STEP Campus"))
        self.subtitle.setText(tr("Choose your profile, so your progress stays yours on a "
                                 "shared computer."))
        self.pick_box.setTitle(tr("Open your profile"))
        self.pin_label.setText(tr("PIN"))
        self.pin.setPlaceholderText(tr("Your PIN"))
        self.open_button.setText(tr("Open"))
        self.new_box.setTitle(tr("New profile"))
        self.name_label.setText(tr("Name"))
        self.new_name.setPlaceholderText(tr("Your name, as on your certificate"))
        self.facilitator_check.setText(tr("Facilitator profile (needs a PIN)"))
        self.facilitator_hint.setText(tr("Facilitator mode shows each module's facilitator "
                                         "notes and a session clock beside the text. Choose a "
                                         "PIN of 4 or more digits, so learners cannot open it."))
        self.create_button.setText(tr("Create profile"))
        self.list.setAccessibleName(tr("Profiles"))
        self.pin.setAccessibleName(tr("PIN"))
        self.new_name.setAccessibleName(tr("Name"))
        self._role_changed(self.facilitator_check.isChecked())
        self._refresh_items()

    def _role_changed(self, facilitator: bool) -> None:
        """A facilitator's PIN is not optional: the form says so as soon as it is chosen."""
        self.facilitator_hint.setVisible(facilitator)
        pin_label = tr("PIN (required)") if facilitator else tr("PIN (optional)")
        self.new_pin_label.setText(pin_label)
        self.new_pin.setAccessibleName(pin_label)
        self.new_pin.setPlaceholderText(tr("4 or more digits") if facilitator
                                        else tr("Leave empty for no PIN"))

    # -- profiles ----------------------------------------------------------------------------
    def set_profiles(self, profiles: list[ProfileRow], select: str | None = None) -> None:
        self.profiles = profiles
        self.list.clear()
        for row in profiles:
            item = QListWidgetItem()
            item.setData(_ROLE, row.id)
            self.list.addItem(item)
        self._refresh_items()
        self.pick_box.setVisible(bool(profiles))
        for index, row in enumerate(profiles):
            if row.id == select:
                self.list.setCurrentRow(index)
        if profiles and self.list.currentRow() < 0:
            self.list.setCurrentRow(0)
        self._selection_changed()

    def _refresh_items(self) -> None:
        for index, row in enumerate(self.profiles):
            item = self.list.item(index)
            if item is None:
                continue
            item.setText(f"{row.name}  🔒" if row.has_pin else row.name)
            item.setData(_BADGE, tr("Facilitator") if row.is_facilitator else "")
            if row.is_facilitator:
                tip = tr("Facilitator profile, protected by a PIN")
            else:
                tip = tr("Protected by a PIN") if row.has_pin else ""
            item.setToolTip(tip)
            item.setData(Qt.ItemDataRole.AccessibleTextRole,
                         f"{row.name}, {tip}" if tip else row.name)

    def selected(self) -> ProfileRow | None:
        index = self.list.currentRow()
        return self.profiles[index] if 0 <= index < len(self.profiles) else None

    def focus_first(self) -> None:
        row = self.selected()
        if row is None:
            self.new_name.setFocus()
        elif row.has_pin:
            self.pin.setFocus()
        else:
            self.list.setFocus()

    def _selection_changed(self, *_: object) -> None:
        row = self.selected()
        self.pin_row.setVisible(bool(row and row.has_pin))
        self.pin.clear()
        self.pick_error.clear()

    def open_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        if not row.has_pin:
            self.on_chosen(Learner(row.id, row.name, row.role))
            return
        pin = self.pin.text()
        self.open_button.setEnabled(False)

        def check(_task: object) -> bool:
            from stepcampus.progress.activity import check_pin

            return check_pin(row, pin)  # type: ignore[arg-type]  # reads only pin_hash

        def checked(ok: bool) -> None:
            self.open_button.setEnabled(True)
            if ok:
                self.on_chosen(Learner(row.id, row.name, row.role))
            else:
                self.pin.clear()
                self.pick_error.setText(tr("That PIN is not right. Try again."))
                self.pin.setFocus()

        jobs.start(check, checked, self._failed_pick)

    def _failed_pick(self, message: str) -> None:
        self.open_button.setEnabled(True)
        self.pick_error.setText(message)

    def create(self) -> None:
        name, pin = self.new_name.text().strip(), self.new_pin.text()
        role = "facilitator" if self.facilitator_check.isChecked() else "learner"
        if not name:
            self.create_error.setText(tr("Type your name first."))
            self.new_name.setFocus()
            return
        if role == "facilitator" and not pin:
            self.create_error.setText(tr("A facilitator profile needs a PIN: type 4 or more "
                                         "digits."))
            self.new_pin.setFocus()
            return
        if pin and (not pin.isdigit() or len(pin) < 4):
            self.create_error.setText(tr("A PIN is 4 or more digits."))
            self.new_pin.setFocus()
            return
        self.create_button.setEnabled(False)
        self.create_error.setText(tr("Creating your profile…"))

        def make(_task: object) -> Learner:
            from stepcampus.progress.activity import create_profile

            profile = create_profile(self.ctx.campus.sessions, name, pin or None, role)
            return Learner(profile.id, profile.name, profile.role)

        def made(learner: Learner) -> None:
            self.create_button.setEnabled(True)
            self.create_error.clear()
            self.new_name.clear()
            self.new_pin.clear()
            self.facilitator_check.setChecked(False)
            self.on_chosen(learner)

        def failed(message: str) -> None:
            self.create_button.setEnabled(True)
            # The core's message names the field: "profile: a profile named 'Ana' exists".
            self.create_error.setText(message.removeprefix("profile: ").removeprefix("pin: "))

        self.when_store_ready(lambda: jobs.start(make, made, failed))
