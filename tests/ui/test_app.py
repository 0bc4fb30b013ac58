"""The desktop window over the core: first start installs the sample course; clicking a
module shows its sanitised text with images from the package."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QImage, QTextDocument

from stepcampus.campus import Campus
from ui.app import MainWindow


def test_first_start_installs_the_sample_and_reads_a_module(qtbot, campus: Campus) -> None:
    window = MainWindow(campus)
    qtbot.addWidget(window)
    window.show()
    window.load_library()
    qtbot.waitUntil(lambda: window.modules.count() == 6, timeout=20000)
    assert window.courses.item(0).text() == "Inclusive social protection"
    assert "Social exclusion and exclusion from social protection" in \
        window.reader.toPlainText()

    item = window.modules.item(5)
    qtbot.mouseClick(window.modules.viewport(), Qt.MouseButton.LeftButton,
                     pos=window.modules.visualItemRect(item).center())
    assert window.modules.currentRow() == 5
    text = window.reader.toPlainText()
    assert text.startswith("Knowledge sharing and South-South learning")
    assert "By the end of this module you can:" in text
    image = window.reader.loadResource(QTextDocument.ResourceType.ImageResource.value,
                                       QUrl("pkg:media/knowledge-cycle.svg"))
    assert isinstance(image, QImage) and not image.isNull()
    # nothing outside the package is ever loaded
    assert window.reader.loadResource(QTextDocument.ResourceType.ImageResource.value,
                                      QUrl("file:///etc/passwd")) is None

    # a link to another module opens it
    window.reader.anchorClicked.emit(QUrl("module:social-exclusion"))
    assert window.modules.currentRow() == 0
