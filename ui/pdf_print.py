"""Printing what the exports make: a PDF's own pages, drawn by QtPdf into Qt's print preview and the printer.

What a leader previews and prints is the very PDF the 导出PDF button writes (reportlab lays it out once), not
a second rendering of the same table: the pages are rasterised by QPdfDocument at up to PRINT_DPI and drawn
onto the QPrinter's full page, so the PDF's own margins, headers and page numbers come out as they are.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import QColor, QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog, QPrintPreviewWidget
from PySide6.QtWidgets import QWidget

from ledger.errors import LedgerError

# Enough for crisp text on paper; the printer's own resolution (1200 dpi) would make 130 MB images per page.
PRINT_DPI = 300


class PdfPreview(QPrintPreviewDialog):
    """Qt's print preview over the pages of one PDF file; 打印 in it prints those pages."""

    def __init__(self, path: str | Path, title: str, parent: QWidget | None = None):
        self.printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        super().__init__(self.printer, parent)
        self.setWindowTitle(f"打印预览 — {title}")
        self.document = QPdfDocument(self)
        if self.document.load(str(path)) != QPdfDocument.Error.None_ or self.document.pageCount() == 0:
            raise LedgerError(f"无法读取要打印的文件“{Path(path).name}”")
        self.printer.setDocName(title)
        self.printer.setFullPage(True)   # the PDF carries its own margins
        self.printer.setPageLayout(page_layout(self.document.pagePointSize(0)))
        self.paintRequested.connect(self.paint)
        screen = self.screen().availableGeometry() if self.screen() else None
        if screen is not None:
            self.resize(min(1000, int(screen.width() * 0.9)), int(screen.height() * 0.9))

    @property
    def pages(self) -> int:
        """How many pages the preview shows (after it has been drawn)."""
        widget = self.findChild(QPrintPreviewWidget)
        return widget.pageCount() if widget is not None else 0

    def paint(self, printer: QPrinter) -> None:
        """Draw every page of the PDF, fitted to the paper with its proportions kept."""
        painter = QPainter(printer)
        try:
            for page in range(self.document.pageCount()):
                if page:
                    printer.newPage()
                points = self.document.pagePointSize(page)
                dpi = min(printer.resolution(), PRINT_DPI)
                image = self.document.render(page, QSize(round(points.width() / 72 * dpi),
                                                         round(points.height() / 72 * dpi)))
                area = QRectF(painter.viewport())
                scale = min(area.width() / image.width(), area.height() / image.height())
                target = QRectF(area.x(), area.y(), image.width() * scale, image.height() * scale)
                painter.fillRect(target, QColor(Qt.GlobalColor.white))
                painter.drawImage(target, image)
        finally:
            painter.end()


def page_layout(points: QSizeF) -> QPageLayout:
    """The paper of a PDF page: its size (A4 when it is A4) and orientation, without margins."""
    portrait = QSizeF(min(points.width(), points.height()), max(points.width(), points.height()))
    size = QPageSize(portrait, QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch)
    orientation = QPageLayout.Orientation.Landscape if points.width() > points.height() \
        else QPageLayout.Orientation.Portrait
    return QPageLayout(size, orientation, QMarginsF(0, 0, 0, 0))


def preview_pdf(path: str | Path, title: str, parent: QWidget | None = None) -> PdfPreview:
    """Open the print preview of a PDF (window-modal, not blocking) and return it."""
    dialog = PdfPreview(path, title, parent)
    dialog.open()
    return dialog
