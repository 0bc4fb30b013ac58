"""Looks: the application style sheet, the high-contrast variant and the module text's CSS.

Focus is always drawn as a thick outline, so keyboard users can see where they are.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from stepcampus.settings import Preferences

ACCENT = "#1f5f99"
ACCENT_DARK = "#17324d"
DONE = "#2e7d32"

_BASE_QSS = """
QWidget:focus { outline: none; }
QPushButton, QToolButton { padding: 5px 12px; border-radius: 4px; }
QPushButton { border: 1px solid #9fb0c2; background: #f5f8fb; }
QPushButton:hover { background: #e6eef6; }
QPushButton:default { border: 1px solid %(accent)s; }
QPushButton#primary { background: %(accent)s; color: white; border: 1px solid %(accent)s; }
QPushButton#primary:hover { background: %(accent_dark)s; }
QPushButton:disabled, QPushButton#primary:disabled {
    background: #e4e8ec; color: #7a8794; border: 1px solid #c3ccd5;
}
QPushButton:focus, QToolButton:focus, QLineEdit:focus, QComboBox:focus, QSpinBox:focus,
QListWidget:focus, QTreeWidget:focus, QTextBrowser:focus, QCheckBox:focus, QRadioButton:focus,
QPlainTextEdit:focus, QListView:focus, QTableWidget:focus {
    border: 2px solid #e08a00;
}
QLabel#title { font-size: 17pt; font-weight: bold; color: %(accent_dark)s; }
QLabel#subtitle { font-size: 12pt; color: #44576b; }
QLabel#hint { color: #55677a; }
QLabel#error { color: #a31515; font-weight: bold; }
QFrame#card { background: white; border: 1px solid #c9d3dd; border-radius: 6px; }
QFrame#card:focus { border: 2px solid #e08a00; }
QLabel#caption { font-size: 13pt; color: white; background: #22303c; border-radius: 4px;
                 padding: 6px 10px; }
QLabel#slide { background: #dfe4ea; }
"""

_CONTRAST_QSS = """
* { background: black; color: white; }
QPushButton, QToolButton, QLineEdit, QComboBox, QSpinBox, QListWidget, QTreeWidget,
QTextBrowser, QPlainTextEdit, QListView, QTableWidget {
    border: 2px solid white; background: black; color: white;
}
QPushButton:hover, QToolButton:hover { background: #333; }
QPushButton#primary { background: #ffff00; color: black; border: 2px solid #ffff00; }
QPushButton:disabled { color: #9a9a9a; border: 2px dashed #9a9a9a; background: black; }
QWidget:focus { outline: none; }
QPushButton:focus, QToolButton:focus, QLineEdit:focus, QComboBox:focus, QSpinBox:focus,
QListWidget:focus, QTreeWidget:focus, QTextBrowser:focus, QCheckBox:focus, QRadioButton:focus,
QPlainTextEdit:focus, QListView:focus, QTableWidget:focus {
    border: 3px solid #ffff00;
}
QListWidget::item:selected, QTreeWidget::item:selected { background: #ffff00; color: black; }
QLabel#title { font-size: 17pt; font-weight: bold; color: #ffff00; }
QLabel#subtitle { font-size: 12pt; }
QLabel#error { color: #ff8080; font-weight: bold; }
QFrame#card { border: 2px solid white; }
QFrame#card:focus { border: 3px solid #ffff00; }
QLabel#caption { font-size: 13pt; color: #ffff00; border: 2px solid white; padding: 6px; }
QProgressBar { border: 2px solid white; color: white; }
QProgressBar::chunk { background: #ffff00; }
"""


def apply(app: QApplication, prefs: Preferences) -> None:
    """Style the whole application for these preferences."""
    colours = {"accent": ACCENT, "accent_dark": ACCENT_DARK}
    if prefs.high_contrast:
        app.setStyleSheet(_CONTRAST_QSS)
        palette = QPalette()
        for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base):
            palette.setColor(role, QColor("black"))
        for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text,
                     QPalette.ColorRole.ButtonText):
            palette.setColor(role, QColor("white"))
        palette.setColor(QPalette.ColorRole.Highlight, QColor("#ffff00"))
        palette.setColor(QPalette.ColorRole.HighlightedText, QColor("black"))
        palette.setColor(QPalette.ColorRole.Link, QColor("#80d8ff"))
        app.setPalette(palette)
    else:
        app.setStyleSheet(_BASE_QSS % colours)
        app.setPalette(app.style().standardPalette())


def module_css(prefs: Preferences) -> str:
    """CSS for module text; QTextBrowser understands a subset of CSS 2."""
    size = prefs.text_size
    if prefs.high_contrast:
        heading, case, activity, box, box_border, th, cell = (
            "#ffff00", "#ffd080", "#a0ffa0", "#202020", "#ffffff", "#303030", "#ffffff")
        text, link = "#ffffff", "#80d8ff"
    else:
        heading, case, activity, box, box_border, th, cell = (
            ACCENT_DARK, "#7a3b00", "#1f6b3a", "#fff8e1", "#e8c66a", "#e6edf4", "#c9d3dd")
        text, link = "#1b1b1b", ACCENT
    return f"""
body {{ font-size: {size}pt; line-height: 145%; color: {text}; }}
a {{ color: {link}; }}
a.term {{ color: {text}; text-decoration: underline; }}
h1 {{ font-size: {size + 9}pt; color: {heading}; }}
h2 {{ font-size: {size + 4}pt; color: {heading}; margin-top: 18px; }}
h3 {{ font-size: {size + 1.5}pt; color: {heading}; }}
table {{ border-collapse: collapse; margin: 8px 0; }}
th {{ background: {th}; padding: 4px 8px; border: 1px solid {cell}; }}
td {{ padding: 4px 8px; border: 1px solid {cell}; }}
div.admonition {{ background: {box}; border: 1px solid {box_border}; padding: 6px 10px; }}
p.admonition-title {{ font-weight: bold; }}
h2.case-study {{ color: {case}; }}
h2.activity-individual, h2.activity-group {{ color: {activity}; }}
.footnote {{ font-size: {size - 1.5}pt; }}
.missing-image {{ color: #c62828; font-style: italic; }}
p.meta {{ color: {"#dddddd" if prefs.high_contrast else "#55677a"}; }}
"""
