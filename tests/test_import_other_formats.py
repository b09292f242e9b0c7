"""Files as other systems export them import like workbooks: an ".xls" that is a web page (an HTML table) or an
Excel 2003 XML document goes through the same header detection and plan as an xlsx, for every ledger; a file
that is none of the readable kinds is refused with what it is."""
from __future__ import annotations

import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import pytest

from ledger.importing import ImportFileError, import_file, load
from ledger.importing.reader import read_sheets
from ledger.services import CommunityService, WorkerService
from tests.workbooks import ID_LI, ID_WANG, ID_ZHAO, by, communities, xlsx

# --- a web page ---------------------------------------------------------------------------------------------
GOVERNMENT_PAGE = f"""<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>社区工作者信息查询</title><style>td {{ border: 1px solid #000 }}</style>
<script>var rows = "<table><tr><td>姓名</td></tr></table>";</script></head>
<body>
<table class="search"><tr><td>查询条件：</td><td>全部社区</td><td>导出时间：2026-03-02</td></tr></table>
<table border="1" cellspacing="0">
  <tr><td colspan="8" align="center"><b>幸福街道社区工作者花名册</b></td></tr>
  <tr><th>序号</th><th>姓名</th><th>身份证<br/>号码</th><th>所属社区</th><th>职务</th><th>岗位</th><th>等级</th>
      <th>参加社区<br>工作时间</th></tr>
  <tr><td>1</td><td>王&nbsp;芳</td><td>{ID_WANG}</td><td rowspan="2">幸福社区</td><td>书记</td><td>一岗</td><td>9</td>
      <td>2010-05-01</td></tr>
  <tr><td>2</td><td>李强</td><td>{ID_LI}</td><td>委员</td><td>三岗</td><td>3</td><td>2015.03</td></tr>
  <tr><td>3</td><td>赵敏</td><td>{ID_ZHAO}</td><td>和平社区</td><td>委员</td><td>三岗</td><td>4</td><td>2018年7月</td></tr>
  <tr><td colspan="8">填表人：张华　　审核人：李敏</td></tr>
</table></body></html>"""


def test_a_web_page_saved_as_xls_imports_like_a_workbook(ledger, tmp_path):
    page = tmp_path / "社区工作者.xls"
    page.write_bytes(GOVERNMENT_PAGE.encode("gb18030"))
    communities(ledger, "幸福社区", "和平社区")
    loaded = load(page, "workers")
    assert loaded.kind == "html" and loaded.sheet_names == ["表格1", "表格2"] and loaded.sheet.name == "表格2"
    assert loaded.sheet.merges == [(1, 1, 1, 8), (3, 4, 4, 4), (6, 1, 6, 8)]
    plan, outcome = import_file(ledger, "workers", page)
    assert outcome.created == 3 and [row for row, _ in plan.skipped] == [6]
    workers = by(WorkerService(ledger).list(), "name")
    # the name as the page wrote it, "王 芳", is kept without the padding space (ledger.values.person_name)
    assert workers["王芳"]["community"] == "幸福社区" and workers["李强"]["community"] == "幸福社区"
    assert workers["赵敏"]["community"] == "和平社区" and workers["李强"]["title"] == "委员"
    assert (workers["王芳"]["level"], workers["王芳"]["started_on"]) == (9, date(2010, 5, 1))
    assert workers["赵敏"]["started_on"] == date(2018, 7, 1)


def test_the_grid_of_a_web_table_follows_its_spans():
    """Cells after a rowspan from above move right, as a browser (and Excel) lays the grid out."""
    page = ("<table><tr><td rowspan=3>甲</td><td colspan=2>乙</td><td>丙</td></tr>"
            "<tr><td>丁</td><td rowspan=2 colspan=2>戊</td></tr>"
            "<tr><td>己</td><td>庚</td></tr><tr><td></td><td> </td></tr></table>")
    from ledger.importing.html_table import _Tables
    parser = _Tables("t.html")
    parser.feed(page)
    parser.close()
    sheet = parser.finished[0].rows.sheet()
    assert sheet.rows == [["甲", "乙", None, "丙"], [None, "丁", "戊"], [None, "己", None, None, "庚"], []]
    assert sorted(sheet.merges) == [(1, 1, 3, 1), (1, 2, 1, 3), (2, 3, 3, 4)]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_a_web_page_written_by_an_office_program_imports(ledger, tmp_path):
    """LibreOffice's 另存为网页: no </tr>, cells in <font>, line breaks as <br>."""
    roster = xlsx(tmp_path / "花名册.xlsx", [
        ["幸福街道社区工作者花名册"], ["序号", "姓名", "身份证号", "所属社区", "职务", "岗位", "等级"],
        [1, "王芳", ID_WANG, "幸福社区", "书记", "一岗", 9], [2, "李强", ID_LI, None, "委员", "三岗", 3]],
        merges=["A1:G1", "D3:D4"])
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to",
                    "html:HTML (StarCalc)", "--outdir", str(tmp_path / "网页"), str(roster)],
                   check=True, capture_output=True, timeout=180)
    page = tmp_path / "花名册.xls"
    (tmp_path / "网页" / "花名册.html").rename(page)
    communities(ledger, "幸福社区")
    assert import_file(ledger, "workers", page)[1].created == 2
    assert {w["name"]: w["community"] for w in WorkerService(ledger).list()} == {"王芳": "幸福社区", "李强": "幸福社区"}


def test_a_web_page_without_a_table_is_named_for_what_it_is(tmp_path):
    page = tmp_path / "导出.xls"
    page.write_text("<html><head><title>系统提示</title></head><body><p>会话已过期，请重新登录</p></body></html>",
                    encoding="utf-8")
    with pytest.raises(ImportFileError) as refused:
        load(page, "workers")
    assert str(refused.value).startswith("“导出.xls”是一个网页文件，不是表格：里面没有表格")


# --- an Excel 2003 XML document -------------------------------------------------------------------------------
SPREADSHEET_2003 = f"""<?xml version="1.0"?>
<?mso-application progid="Excel.Sheet"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:o="urn:schemas-microsoft-com:office:office"
 xmlns:x="urn:schemas-microsoft-com:office:excel" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"
 xmlns:html="http://www.w3.org/TR/REC-html40">
 <DocumentProperties xmlns="urn:schemas-microsoft-com:office:office"><Author>张华</Author></DocumentProperties>
 <Styles><Style ss:ID="Default" ss:Name="Normal"/><Style ss:ID="s62"><NumberFormat ss:Format="Short Date"/></Style>
 </Styles>
 <Worksheet ss:Name="说明"><Table><Row><Cell><Data ss:Type="String">本表由系统导出</Data></Cell></Row></Table>
 </Worksheet>
 <Worksheet ss:Name="花名册">
  <Table ss:ExpandedColumnCount="8" ss:ExpandedRowCount="7" x:FullColumns="1" x:FullRows="1">
   <Column ss:Width="30"/>
   <Row><Cell ss:MergeAcross="7"><Data ss:Type="String">幸福街道社区工作者花名册</Data></Cell></Row>
   <Row ss:Index="3">
    <Cell><Data ss:Type="String">序号</Data></Cell><Cell><Data ss:Type="String">姓名</Data></Cell>
    <Cell><ss:Data ss:Type="String" xmlns="http://www.w3.org/TR/REC-html40"><B>身份证</B><Font>号码</Font></ss:Data></Cell>
    <Cell><Data ss:Type="String">所属社区</Data></Cell><Cell><Data ss:Type="String">职务</Data></Cell>
    <Cell ss:MergeAcross="1"><Data ss:Type="String">岗位等级</Data></Cell>
    <Cell><Data ss:Type="String">参加社区工作时间</Data></Cell>
   </Row>
   <Row>
    <Cell ss:Index="6"><Data ss:Type="String">岗位</Data></Cell><Cell><Data ss:Type="String">等级</Data></Cell>
   </Row>
   <Row>
    <Cell><Data ss:Type="Number">1</Data></Cell><Cell><Data ss:Type="String">王芳</Data>
     <Comment ss:Author="张华"><ss:Data xmlns="http://www.w3.org/TR/REC-html40"><B>批注不是值</B></ss:Data></Comment></Cell>
    <Cell><Data ss:Type="String">{ID_WANG}</Data></Cell>
    <Cell ss:MergeDown="1"><Data ss:Type="String">幸福社区</Data></Cell>
    <Cell><Data ss:Type="String">书记</Data></Cell><Cell><Data ss:Type="String">一岗</Data></Cell>
    <Cell><Data ss:Type="Number">9</Data></Cell>
    <Cell ss:StyleID="s62"><Data ss:Type="DateTime">2010-05-01T00:00:00.000</Data></Cell>
   </Row>
   <Row>
    <Cell><Data ss:Type="Number">2</Data></Cell><Cell><Data ss:Type="String">李强</Data></Cell>
    <Cell><Data ss:Type="String">{ID_LI}</Data></Cell>
    <Cell ss:Index="5"><Data ss:Type="String">委员</Data></Cell><Cell><Data ss:Type="String">三岗</Data></Cell>
    <Cell><Data ss:Type="Number">3</Data></Cell>
    <Cell ss:StyleID="s62"><Data ss:Type="DateTime">2015-03-01T00:00:00.000</Data></Cell>
   </Row>
   <Row ss:Span="1"/>
   <Row><Cell><Data ss:Type="String">填表人：张华</Data></Cell></Row>
  </Table>
 </Worksheet>
</Workbook>"""


def test_an_excel_2003_xml_document_imports_like_a_workbook(ledger, tmp_path):
    document = tmp_path / "花名册.xls"
    document.write_text(SPREADSHEET_2003, encoding="utf-8")
    communities(ledger, "幸福社区")
    loaded = load(document, "workers")
    assert loaded.kind == "xml" and loaded.sheet_names == ["说明", "花名册"] and loaded.sheet.name == "花名册"
    rows, merges = loaded.sheet.rows, loaded.sheet.merges
    assert rows[0] == ["幸福街道社区工作者花名册"] and rows[1] == [] and rows[3] == [None] * 5 + ["岗位", "等级"]
    assert rows[4][:3] == [1, "王芳", ID_WANG] and rows[4][6:] == [9, date(2010, 5, 1)]
    assert rows[2][2] == "身份证号码" and rows[8] == ["填表人：张华"]
    assert sorted(merges) == [(1, 1, 1, 8), (3, 6, 3, 7), (5, 4, 6, 4)]

    plan, outcome = import_file(ledger, "workers", document)
    assert outcome.created == 2
    workers = by(WorkerService(ledger).list(), "name")
    assert workers["李强"]["community"] == "幸福社区" and workers["李强"]["post"] == "三岗"
    assert (workers["王芳"]["level"], workers["王芳"]["started_on"]) == (9, date(2010, 5, 1))


def test_an_excel_2003_xml_document_with_a_document_type_is_refused(tmp_path):
    document = tmp_path / "实体.xml"
    document.write_text(SPREADSHEET_2003.replace('<?xml version="1.0"?>', '<?xml version="1.0"?>\n'
                                                  '<!DOCTYPE Workbook [<!ENTITY a "aaaaaaaaaa">]>'), encoding="utf-8")
    with pytest.raises(ImportFileError, match="文档类型声明"):
        load(document, "workers")


def test_every_ledger_reads_the_other_formats(ledger, tmp_path):
    page = tmp_path / "社区.xls"
    page.write_text("<html><body><table><tr><td>社区名称</td><td>地址</td></tr>"
                    "<tr><td>幸福社区</td><td>幸福路1号</td></tr></table></body></html>", encoding="utf-8")
    document = tmp_path / "社区.xml"
    document.write_text(SPREADSHEET_2003.split("<Worksheet")[0] + '<Worksheet ss:Name="社区"><Table>'
                        '<Row><Cell><Data ss:Type="String">社区名称</Data></Cell><Cell><Data ss:Type="String">地址'
                        '</Data></Cell></Row><Row><Cell><Data ss:Type="String">和平社区</Data></Cell>'
                        '<Cell><Data ss:Type="String">和平路2号</Data></Cell></Row></Table></Worksheet></Workbook>',
                        encoding="utf-8")
    assert import_file(ledger, "communities", page)[1].created == 1
    assert import_file(ledger, "communities", document)[1].created == 1
    assert {c["name"]: c["address"] for c in CommunityService(ledger).list()} == {"幸福社区": "幸福路1号",
                                                                                "和平社区": "和平路2号"}


# --- files that hold no table ---------------------------------------------------------------------------------
def _docx(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return path


@pytest.mark.parametrize("name, content, said", [
    ("报表.xls", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "是 PDF 文件，不是表格"),
    ("截图.xls", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "是图片，不是表格"),
    ("照片.xlsx", b"\xff\xd8\xff\xe0\x00\x10JFIF", "是图片，不是表格"),
    ("花名册.rar.xls", b"Rar!\x1a\x07\x01\x00", "是压缩包（RAR），请先解压"),
    ("存档.xls", b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=x", "是网页存档（.mht）"),
    ("数据.xml", b'<?xml version="1.0" encoding="UTF-8"?><data><row>1</row></data>', "是一个 XML 数据文件，不是表格"),
    # a compound file holding an encrypted workbook: its EncryptionInfo stream, named as the directory stores it
    ("加密.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1000 + "EncryptionInfo".encode("utf-16-le")
     + b"\x00" * 2000, "已加密（设置了打开密码）"),
    ("公文.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1000 + "WordDocument".encode("utf-16-le")
     + b"\x00" * 2000, "是 Word 文档，不是表格"),
    ("坏了.xlsx", b"PK\x03\x04" + b"\x00" * 200, "已损坏或加密"),
])
def test_a_file_that_holds_no_table_is_named_for_what_it_is(tmp_path, name, content, said):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportFileError) as refused:
        load(path, "workers")
    assert str(refused.value).startswith(f"“{name}”") or f"“{name}”" in str(refused.value)
    assert said in str(refused.value) and "表头" not in str(refused.value)


def test_a_word_document_named_xlsx_is_named_for_what_it_is(tmp_path):
    with pytest.raises(ImportFileError, match="“通知.xlsx”是 Word 文档，不是表格"):
        read_sheets(_docx(tmp_path / "通知.xlsx"))
