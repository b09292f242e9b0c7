"""Nothing prints ###: every xlsx output printed through LibreOffice at a city's figures, and an office's own
template that is too narrow reported column by column while the file is still written."""
from __future__ import annotations

import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from cli import main
from exports.import_templates import write_template
from exports.ledger_export import export_ledger
from exports.pay_sheets import write_openings, write_payscale
from exports.template import builtin_templates_dir, fill, template_names
from ledger.importing import KINDS
from ledger.pay.standards import PayStandards
from ledger import settings
from ledger.services import LEDGERS, CommunityService, FundService

# A city of 10,000 社区工作者 (DOMAIN.md §1). A single item of a worker's month is below 10,000.00 yuan, a sum of
# items (应发合计, 扣款合计, 实发工资) below 100,000.00, anything of a worker's year below 1,000,000.00; the 合计 rows
# below hold 10,000 times these.
TOP_ITEM, TOP_SUM, TOP_YEAR = Decimal("9999.99"), Decimal("99999.99"), Decimal("999999.99")
CITY_ITEM, CITY_SUM, CITY_YEAR = Decimal("99999900.00"), Decimal("999999900.00"), Decimal("9999999900.00")
MONTH_SUMS = {"应发合计", "扣款合计", "实发工资"}
TEXT = {"社区": "幸福社区", "姓名": "欧阳振华", "岗位": "一岗", "身份证号": "11010519491231002X",
        "银行账号": "6222020200112233445"}


def _workers(fields: frozenset[str], top: dict[str, Decimal], city: dict[str, Decimal]) -> list[dict]:
    """Two workers at the top of the scale and one carrying the rest of the city, so that the 合计 is the city's."""
    rows = []
    for name, community in (("欧阳振华", "幸福社区"), ("司马青", "幸福社区"), ("其余人员", "和平社区")):
        row = {f: TEXT.get(f, "") for f in fields if f not in top}
        row.update({"姓名": name, "社区": community, "等级": 18, "发薪月数": 12, "已审批月数": 12})
        row.update({f: top[f] if name != "其余人员" else city[f] - 2 * top[f] for f in top})
        rows.append({k: v for k, v in row.items() if k in fields})
    return rows


def _fill_builtin(name: str, values: dict, rows: list[dict], out: Path, group_key: str | None = None) -> list[str]:
    used = template_names(builtin_templates_dir() / f"{name}.xlsx")
    result = fill(name, values, rows, out_path=out, fields=used.fields, group_key=group_key)
    return result.warnings


def _pay_files(folder: Path) -> list[Path]:
    month = {"街道名称": "示范街道", "年": 2026, "月": 1, "报告期": "2026年1月"}
    files = []
    fields = template_names(builtin_templates_dir() / "工资发放表.xlsx").fields
    money = {f for f in fields if f not in TEXT and f != "等级"}
    top = {f: TOP_SUM if f in MONTH_SUMS else TOP_ITEM for f in money}
    city = {f: CITY_SUM if f in MONTH_SUMS else CITY_ITEM for f in money}
    assert not _fill_builtin("工资发放表", month, _workers(fields, top, city), folder / "工资发放表.xlsx", "社区")
    files.append(folder / "工资发放表.xlsx")
    bank_fields = template_names(builtin_templates_dir() / "银行代发清单.xlsx").fields
    assert not _fill_builtin("银行代发清单", {**month, "备注": ""},
                             _workers(bank_fields, {"实发工资": TOP_SUM}, {"实发工资": CITY_SUM}),
                             folder / "银行代发清单.xlsx")
    files.append(folder / "银行代发清单.xlsx")
    # a slip is one worker's: the top of the scale, not the city's total
    slips = [dict(r, _条=i) for i, r in enumerate(_workers(fields, top, {f: 3 * top[f] for f in top}))]
    used = template_names(builtin_templates_dir() / "工资条.xlsx")
    assert not fill("工资条", month, slips, out_path=folder / "工资条.xlsx", fields=(*used.fields, "_条"),
                    group_key="_条").warnings
    files.append(folder / "工资条.xlsx")
    cost_fields = template_names(builtin_templates_dir() / "年度人力成本.xlsx").fields
    money = {f for f in cost_fields if f not in TEXT and f not in ("等级", "发薪月数", "已审批月数")}
    year = {**month, "报告期": "2026年度", "测算说明": "按工资表计。", "调整测算": "若等级额上调100.00元……"}
    assert not _fill_builtin("年度人力成本", year, _workers(cost_fields, dict.fromkeys(money, TOP_YEAR),
                                                        dict.fromkeys(money, CITY_YEAR)),
                             folder / "年度人力成本.xlsx", "社区")
    files.append(folder / "年度人力成本.xlsx")
    return files


def _quarterly_file(folder: Path) -> Path:
    """A city's quarter: counts below 100,000 (党员 1,000,000, 户数 10,000,000), 经费 below ten billion yuan."""
    used = template_names(builtin_templates_dir() / "季度统计汇总.xlsx")
    top = {f: 49999 for f in used.fields}
    top.update({"党员数": 499999, "户数": 4999999, "阵地面积": Decimal("4999999.99"), "执行率": Decimal("100.0")})
    top.update(dict.fromkeys(("年度预算", "拨入", "支出", "结余"), Decimal("4999999999.99")))
    rates = ("红色物业覆盖率", "办结率", "按期办结率", "满意率")
    top.update({"报到党员": 4999999, "服务人次": 4999999, **dict.fromkeys(rates, Decimal("100.0"))})
    rows = [dict(top, 社区=name, 达标="是") for name in ("幸福社区", "和平社区")]
    totals = {"合计执行率": Decimal("100.0"), "合计达标": "1000/1000",
              **{f"合计{rate}": Decimal("100.0") for rate in rates}}
    for field in totals:
        for row in rows:
            row.pop(field, None)
    values = dict.fromkeys(used.values, "")
    values.update({"街道名称": "示范街道", "报告期": "2026年第三季度", "经费期间": "1—12月", "岗位1名称": "一岗",
                   "岗位2名称": "二岗", "岗位3名称": "三岗", **totals})
    out = folder / "季度统计汇总.xlsx"
    assert not fill("季度统计汇总", values, rows, out_path=out, fields=used.fields - set(totals)).warnings
    return out


@pytest.mark.slow
def test_no_xlsx_output_prints_hashes_at_a_citys_figures(demo_ledger, tmp_path):
    if shutil.which("soffice") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI 需要 LibreOffice（libreoffice-calc-nogui）")
        pytest.skip("LibreOffice is not installed")
    folder = tmp_path / "xlsx"
    folder.mkdir()
    files = _pay_files(folder) + [_quarterly_file(folder)]
    # the ledgers: one community of the demo and the largest amount an office may allow for one entry
    community = CommunityService(demo_ledger).id_by_name("幸福社区")
    with demo_ledger.unit("settings.write") as session:   # an office may raise the ceiling of a 经费 entry
        settings.put(session, settings.FUND_CEILING, int(settings.LIMIT))
    FundService(demo_ledger).create({"entry_date": "2026-03-01", "community": "幸福社区", "category": "其他",
                                     "direction": "拨入", "amount": "9999999999.99", "note": "城市级拨款"})
    for key in LEDGERS:
        files.append(export_ledger(demo_ledger, key, folder / f"台账-{key}.xlsx", community).path)
    for kind in KINDS:
        files.append(write_template(demo_ledger, kind, folder / f"导入模板-{kind}.xlsx"))
    files.append(write_payscale(PayStandards(demo_ledger).in_force(), folder / "导入模板-payscale.xlsx"))
    files.append(write_openings(demo_ledger, 2026, folder / "导入模板-openings.xlsx"))

    outdir = tmp_path / "pdf"
    done = subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--headless", "--convert-to",
                           "pdf", "--outdir", str(outdir), *map(str, files)], capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    texts = {}
    for f in files:
        pdf = outdir / f.with_suffix(".pdf").name
        texts[f.stem] = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                                       check=True).stdout
    assert {stem for stem, text in texts.items() if "###" in text} == set()
    # the city's figures are on paper, whole
    assert "99,999,900.00" in texts["工资发放表"] and "999,999,900.00" in texts["工资发放表"]
    assert "999,999,900.00" in texts["银行代发清单"] and "99,999.99" in texts["工资条"]
    assert "9,999,999,900.00" in texts["年度人力成本"]
    assert "9,999,999,999.98" in texts["季度统计汇总"] and "9999998" in texts["季度统计汇总"]
    assert "活动次数" in texts["季度统计汇总"] and texts["季度统计汇总"].count("9999998") >= 3   # 户数, 报到党员, 服务人次
    assert "9,999,999,999.99" in texts["台账-funds"]


def test_an_offices_narrow_template_is_reported_and_the_file_still_written(tmp_path, capsys):
    db = ["--db", str(tmp_path / "街道.sqlite")]
    for command in (["demo"], ["payroll", "run", "2026-01"], ["payroll", "approve", "2026-01"]):
        assert main(db + command) == 0
    adjusted = tmp_path / "本单位的工资发放表.xlsx"
    shutil.copyfile(builtin_templates_dir() / "工资发放表.xlsx", adjusted)
    wb = openpyxl.load_workbook(adjusted)
    wb.active.column_dimensions["T"].width = 8      # 实发工资, too narrow for the street's 合计
    wb.save(adjusted)
    assert main(db + ["report-template", "install", "工资发放表.xlsx", str(adjusted)]) == 0
    installed = Path(os.environ["STREETLEDGER_DATA_DIR"]) / "templates" / "工资发放表.xlsx"
    before = installed.read_bytes()
    capsys.readouterr()

    out = tmp_path / "工资发放表.xlsx"
    assert main(db + ["export", "salary-sheet", "--month", "2026-01", "-o", str(out)]) == 0
    err = capsys.readouterr().err
    sheet = openpyxl.load_workbook(out).active
    net = next(row[19] for row in sheet.iter_rows(min_row=5, values_only=True)
               if isinstance(row[0], str) and row[0].startswith("合计"))
    assert net > 100_000      # a street's 实发 合计: eleven characters and more, bold
    assert f"注意：模板“工资发放表.xlsx”第T列（实发工资）宽度不足，打印时将显示###：{net:,.2f} 需要列宽约" in err
    assert "现为 8" in err and f"这是本单位安装的模板（{installed}）" in err
    assert err.count("宽度不足") == 1            # the other columns kept the built-in widths, wide enough
    assert installed.read_bytes() == before         # the office's copy is never changed by an export


def test_the_built_in_pay_templates_are_what_the_script_makes(tmp_path):
    import importlib.util
    spec = importlib.util.spec_from_file_location("make", builtin_templates_dir() / "make_pay_templates.py")
    make = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make)
    for name, build in make.TEMPLATES.items():
        fresh = build().active
        shipped = openpyxl.load_workbook(builtin_templates_dir() / name).active
        assert [[c.value for c in r] for r in fresh.iter_rows()] == [[c.value for c in r] for r in shipped.iter_rows()]
        assert ({k: d.width for k, d in fresh.column_dimensions.items()}
                == {k: d.width for k, d in shipped.column_dimensions.items()}), name
