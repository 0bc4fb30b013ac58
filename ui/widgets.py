"""Small widgets the pages share."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QApplication, QFrame, QLabel, QScrollArea, QWidget

from ui import theme


class ProgressRing(QWidget):
    """A ring filled to a percentage, with the number in the middle."""

    def __init__(self, percent: int = 0, diameter: int = 64) -> None:
        super().__init__()
        self._percent = percent
        self._diameter = diameter
        self.setFixedSize(QSize(diameter, diameter))
        self.setAccessibleName(f"{percent} %")

    @property
    def percent(self) -> int:
        return self._percent

    def set_percent(self, percent: int) -> None:
        self._percent = max(0, min(100, percent))
        self.setAccessibleName(f"{self._percent} %")
        self.update()

    def paintEvent(self, event: object) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        width = max(4, self._diameter // 10)
        rect = QRectF(width / 2, width / 2, self._diameter - width, self._diameter - width)
        text_colour = self.palette().windowText().color()
        painter.setPen(QPen(QColor("#d5dde6"), width))
        painter.drawEllipse(rect)
        colour = QColor(theme.DONE if self._percent >= 100 else theme.ACCENT)
        if QApplication.palette().window().color().lightness() < 60:  # high contrast
            colour = QColor("#ffff00")
        pen = QPen(colour, width)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        painter.drawArc(rect, 90 * 16, -int(360 * 16 * self._percent / 100))
        painter.setPen(text_colour)
        font = painter.font()
        font.setBold(True)
        font.setPointSizeF(max(8.0, self._diameter / 6))
        painter.setFont(font)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, f"{self._percent}%")
        painter.end()


def label(text: str = "", name: str | None = None, wrap: bool = True) -> QLabel:
    """A label styled by object name (title, subtitle, hint, error) in theme.py."""
    widget = QLabel(text)
    if name:
        widget.setObjectName(name)
    widget.setWordWrap(wrap)
    widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return widget


def scroll_area(body: QWidget) -> QScrollArea:
    """A frameless scroll area that resizes body to its width: a page taller than the window."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidget(body)
    return scroll


def discard(widget: QWidget) -> None:
    """Take a widget off the screen now and free it later.

    deleteLater alone leaves it laid out until control returns to the event loop, which a
    screen rebuilt twice in a row (or a test pumping events) can show as a duplicate.
    """
    widget.setParent(None)  # type: ignore[call-overload]
    widget.deleteLater()
