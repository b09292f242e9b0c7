"""What a file is, told by its first bytes and not its name, and the refusal of one that holds no table.

Offices receive ".xls" files that are something else: WPS and colleagues save an .xlsx under an .xls name,
and many government platforms export a web page (an HTML table) or an Excel 2003 XML document under it.
Those are read like workbooks. A file that is none of the readable kinds (a PDF, a Word document, a
picture, an encrypted workbook) is refused with what it is, so nobody looks for a header that is there.
"""
from __future__ import annotations

import re
from pathlib import Path

from .sheet import ImportFileError

XLSX, XLS, CSV, HTML, XML = "xlsx", "xls", "csv", "html", "xml"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"   # the compound file of Office 97-2003 (and of encrypted xlsx)
SPREADSHEET_NS = b"urn:schemas-microsoft-com:office:spreadsheet"

_ASK_FOR_EXCEL = "请在原系统中导出 Excel 格式（.xlsx 或 .xls），或用 Excel/WPS 打开后另存为 .xlsx 再导入"
_SIGNATURES = (
    (b"%PDF", "是 PDF 文件，不是表格，无法导入。" + _ASK_FOR_EXCEL),
    (b"\x89PNG", "是图片，不是表格，无法导入。" + _ASK_FOR_EXCEL),
    (b"\xff\xd8\xff", "是图片，不是表格，无法导入。" + _ASK_FOR_EXCEL),
    (b"GIF8", "是图片，不是表格，无法导入。" + _ASK_FOR_EXCEL),
    (b"II*\x00", "是图片，不是表格，无法导入。" + _ASK_FOR_EXCEL),
    (b"MM\x00*", "是图片，不是表格，无法导入。" + _ASK_FOR_EXCEL),
    (b"Rar!", "是压缩包（RAR），请先解压，再导入其中的表格文件"),
    (b"7z\xbc\xaf\x27\x1c", "是压缩包（7z），请先解压，再导入其中的表格文件"),
    (b"\x1f\x8b", "是压缩包（gz），请先解压，再导入其中的表格文件"),
    (b"{\\rtf", "是 Word 文档（RTF），不是表格。如果表格在文档里，请把它复制到 Excel/WPS 表格中，另存为 .xlsx 再导入"),
)
# Streams of a compound file, as their names are stored (UTF-16), that say what it holds besides a workbook.
_OLE_STREAMS = (
    ("EncryptionInfo", "已加密（设置了打开密码），无法读取。请在 Excel/WPS 中输入密码打开，取消密码后另存为 .xlsx 再导入"),
    ("WordDocument", "是 Word 文档，不是表格。如果表格在文档里，请把它复制到 Excel/WPS 表格中，另存为 .xlsx 再导入"),
    ("PowerPoint Document", "是 PowerPoint 演示文稿，不是表格，无法导入。" + _ASK_FOR_EXCEL),
)
# Parts of a zip that say it is an Office document other than a workbook, or China's OFD.
_ZIP_PARTS = (
    ("word/document.xml", "是 Word 文档，不是表格。如果表格在文档里，请把它复制到 Excel/WPS 表格中，另存为 .xlsx 再导入"),
    ("ppt/presentation.xml", "是 PowerPoint 演示文稿，不是表格，无法导入。" + _ASK_FOR_EXCEL),
    ("OFD.xml", "是 OFD 版式文件，不是表格，无法导入。" + _ASK_FOR_EXCEL),
)
_HTML_MARKS = re.compile(rb"<(?:!doctype\s+html|html|head|body|table|meta)\b", re.IGNORECASE)


def not_a_table(path: Path, what: str) -> ImportFileError:
    return ImportFileError(f"“{path.name}”{what}")


def file_kind(path: Path) -> str:
    """xlsx, xls, html, xml or csv; a file of another known kind is refused, saying what it is."""
    with open(path, "rb") as fh:
        head = fh.read(8192)
    if head.startswith(b"PK"):
        return XLSX
    if head.startswith(OLE):
        return XLS
    for signature, what in _SIGNATURES:
        if head.startswith(signature):
            raise not_a_table(path, what)
    return _text_kind(path, head)


def _text_kind(path: Path, head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        sample = head.decode("utf-16", errors="ignore").encode("utf-8")
    else:
        sample = head.removeprefix(b"\xef\xbb\xbf")
    sample = sample.lstrip()
    lowered = sample.lower()
    if lowered.startswith(b"mime-version:") or b"multipart/related" in lowered[:2048]:
        raise not_a_table(path, "是网页存档（.mht），不是表格，无法直接导入。请用 Excel/WPS 打开它，另存为 .xlsx 再导入")
    if sample.startswith(b"<"):
        if SPREADSHEET_NS in sample and b"Workbook" in sample:
            return XML
        if _HTML_MARKS.search(sample):
            return HTML
        if sample.startswith(b"<?xml"):
            raise not_a_table(path, "是一个 XML 数据文件，不是表格，无法导入。" + _ASK_FOR_EXCEL)
    return CSV


def ole_contents(path: Path, data: bytes) -> str:
    """Why a compound file that is not a BIFF workbook cannot be imported (encrypted, Word, PowerPoint …)."""
    for stream, what in _OLE_STREAMS:
        if stream.encode("utf-16-le") in data:
            return what
    return "已损坏或加密，不是可以读取的 Excel 97-2003 工作簿。请用 Excel/WPS 打开后另存为 .xlsx 再导入"


def zip_contents(names: set[str]) -> str | None:
    """Why a zip is not a workbook, or None when it looks like one."""
    for part, what in _ZIP_PARTS:
        if part in names:
            return what
    if "[Content_Types].xml" not in names:
        return "是压缩包（zip），不是表格。请先解压，再导入其中的表格文件"
    return None
