"""Entries that cannot be meant are refused with the field and the reason, the same in forms, services and imports:
dates far off, invisible characters, and person names that are formulas or hold digits."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from ledger.errors import ValidationError
from ledger.fields import Field
from ledger.importing import import_file
from ledger.services import LEDGERS, CommunityService, FundService, GridService, PartyOrgService, WorkerService
from ledger.values import add_months
from tests.helpers import worker


def _refusal(service, raw: dict, record_id: int | None = None) -> list[tuple[str, str]]:
    """What a save says (and the form shows as you type: validate gives the same problems)."""
    shown = [(p.field, p.message) for p in service.validate(raw, record_id)]
    with pytest.raises(ValidationError) as refused:
        service.create(raw) if record_id is None else service.update(record_id, raw)
    assert [(p.field, p.message) for p in refused.value.problems] == shown
    return shown


@pytest.fixture
def office(ledger):
    CommunityService(ledger).create({"name": "幸福社区"})
    return ledger


def _fund(**over) -> dict:
    record = {"entry_date": "2026-03-05", "community": "幸福社区", "category": "社区工作经费", "direction": "支出",
              "amount": "1200", "project": "办公用品", "handler": "王芳"}
    record.update(over)
    return record


# --- dates ----------------------------------------------------------------------------------------------------
def test_a_start_in_2099_or_before_1950_is_refused_a_hire_entered_a_year_ahead_is_not(office):
    service = WorkerService(office)
    today = date.today()
    assert _refusal(service, worker(started_on="2099-01-01")) == [
        ("参加社区工作时间", f"“2099-01-01”太远了：最多只能是12个月以后（{add_months(today, 12).isoformat()}），请核对")]
    assert _refusal(service, worker(started_on="1949.10")) == [
        ("参加社区工作时间", "“1949-10-01”早于1950年，不可能是这里的日期，请核对")]
    ahead = add_months(today, 11)
    created = service.create(worker(started_on=ahead.isoformat()))
    assert created["started_on"] == ahead
    assert _refusal(service, {"started_on": (add_months(today, 12) + timedelta(days=1)).isoformat()}, created["id"])


def test_a_fund_entry_dated_tomorrow_is_refused_today_is_not(office):
    service = FundService(office)
    today = date.today()
    tomorrow = today + timedelta(days=1)
    assert _refusal(service, _fund(entry_date=tomorrow.isoformat())) == [
        ("日期", f"“{tomorrow.isoformat()}”是将来的日期，不能晚于今天（{today.isoformat()}）")]
    assert service.create(_fund(entry_date=today.isoformat()))["entry_date"] == today


def test_any_date_before_1900_or_centuries_ahead_is_refused(office):
    service = PartyOrgService(office)
    org = {"name": "幸福社区党委", "category": "党委", "community": "幸福社区"}
    assert _refusal(service, {**org, "founded_on": "1899-12-31"}) == [
        ("成立日期", "“1899-12-31”早于1900年，不可能是这里的日期，请核对")]
    far = _refusal(service, {**org, "term_start": "2199-07-01"})
    assert far[0][0] == "本届任期开始" and far[0][1].startswith("“2199-07-01”太远了：最多只能是50年以后")
    # an Excel serial number before 1900 is no date either (serial 1 is 1899-12-31)
    assert _refusal(service, {**org, "founded_on": 1})[0][1].startswith("“1899-12-31”早于1900年")


# --- invisible characters -----------------------------------------------------------------------------------------
def test_a_zero_width_space_in_a_name_and_a_direction_override_in_a_note_are_refused(office):
    service = WorkerService(office)
    assert _refusal(service, worker(name="张\u200b华")) == [
        ("姓名", "“张”后面有一个看不见的零宽空格，请删除后重新录入")]
    assert _refusal(service, worker(note="已核实\u202e号码")) == [
        ("备注", "“已核实”后面有一个看不见的文字方向控制符，请删除后重新录入")]
    assert _refusal(service, worker(note="\ufeff开头")) == [("备注", "开头有一个看不见的零宽空格，请删除后重新录入")]
    for ch in ("\u200c", "\u200d", "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u2066", "\u2067",
               "\u2068", "\u2069", "\x00", "\x07", "\x1b"):
        assert _refusal(service, worker(note=f"甲{ch}乙"))[0][0] == "备注", repr(ch)


def test_line_breaks_stay_allowed_in_a_note_and_nowhere_else(office):
    fund = FundService(office).create(_fund(note="第一行\r\n第二行\t附件2份\u2028第三行", voucher_no="JZ-001"))
    assert fund["note"] == "第一行\n第二行\t附件2份\n第三行"   # every kind of line break kept as one
    assert _refusal(FundService(office), _fund(project="办公\n用品")) == [
        ("项目名称", "“办公”后面有一个看不见的换行符（只有备注可以换行），请删除后重新录入")]
    # a line break at the end of a cell, as pasted from a spreadsheet, is only trimmed
    assert FundService(office).create(_fund(project="办公用品\n", voucher_no="JZ-002"))["project"] == "办公用品"
    assert _refusal(CommunityService(office), {"name": "和平\u2028社区"})[0][0] == "社区名称"


def test_choice_and_reference_fields_refuse_invisible_characters_too(office):
    assert _refusal(WorkerService(office), worker(community="幸福\u200b社区")) == [
        ("所属社区", "“幸福”后面有一个看不见的零宽空格，请删除后重新录入")]
    assert _refusal(WorkerService(office), worker(education="本科\u200e")) == [
        ("学历", "“本科”后面有一个看不见的文字方向控制符，请删除后重新录入")]


# --- names -----------------------------------------------------------------------------------------------------
def test_person_names_refuse_formulas_digits_and_length(office):
    service = WorkerService(office)
    assert _refusal(service, worker(name='=HYPERLINK("http://x.cn","张华")')) == [
        ("姓名", "不能以“=”开头（这是表格公式的写法，不是姓名）")]
    for sign in ("+", "-", "@"):
        assert _refusal(service, worker(name=f"{sign}张华"))[0][1].startswith(f"不能以“{sign}”开头")
    assert _refusal(service, worker(name="张华2")) == [("姓名", "“张华2”含有数字“2”，姓名中不能有数字")]
    assert _refusal(service, worker(name="张华２"))[0][1] == "“张华２”含有数字“２”，姓名中不能有数字"
    assert _refusal(service, worker(name="阿" * 31)) == [("姓名", "姓名不能超过30个字，而这里有31个字")]
    assert service.create(worker(name="阿" * 30))["name"] == "阿" * 30


def test_ethnic_minority_names_keep_their_dot_in_any_spelling(office):
    service = WorkerService(office)
    ids = iter(range(300, 400))

    def saved(name: str) -> str:
        from ledger.idcard import make_id
        return service.create(worker(name=name, id_number=make_id("650102", date(1980, 1, 1), next(ids))))["name"]
    assert saved("买买提·艾力") == "买买提·艾力"
    assert saved("买买提・艾力") == "买买提·艾力"    # Japanese IME's middle dot
    assert saved("阿依古丽•吐尔逊") == "阿依古丽·吐尔逊"
    assert saved("热依拉.买买提") == "热依拉·买买提"   # a full stop between Chinese characters
    assert saved("张　华") == "张华"                 # the space put in to line up a column
    assert saved("Anna Li") == "Anna Li"


def test_the_other_person_name_fields_follow_the_same_rule(office):
    """书记/副书记, 党组织书记/居委会主任, 网格长/专职网格员, 经办人/审批人, 阵地负责人 are names, and so are the wider
    ledgers' 党组织书记/联系人, the registered members' 姓名 and a volunteer team's 负责人 and a 民生诉求's 反映人."""
    person_fields = {(s.name, f.label) for s in LEDGERS.values() for f in s.fields if f.person}
    assert person_fields == {("社区", "党组织书记"), ("社区", "居委会主任"), ("党组织", "书记"), ("党组织", "副书记"),
                             ("网格", "网格长"), ("网格", "专职网格员"), ("经费", "经办人"), ("经费", "审批人"),
                             ("社区工作者", "姓名"), ("阵地", "负责人"), ("共建单位", "党组织书记"), ("共建单位", "联系人"),
                             ("在职党员双报到", "姓名"), ("在职党员服务记录", "姓名"), ("志愿服务队", "负责人"),
                             ("民生诉求", "反映人")}
    assert _refusal(GridService(office), {"community": "幸福社区", "code": "01", "name": "第1网格", "households": 450,
                                          "leader": "网格员3号"}) == [("网格长", "“网格员3号”含有数字“3”，姓名中不能有数字")]
    assert _refusal(FundService(office), _fund(handler="@王芳")) == [
        ("经办人", "不能以“@”开头（这是表格公式的写法，不是姓名）")]


def test_field_rules_are_the_field_s_own():
    name = Field("name", "姓名", person=True)
    assert name.parse(" 买买提・艾力 ") == "买买提·艾力"
    with pytest.raises(ValueError, match="看不见的零宽空格"):
        Field("project", "项目名称").parse("水\u200b电费")
    assert Field("note", "备注", multiline=True).parse("一\r\n二") == "一\n二"


# --- imports: the same rules, row and column named ----------------------------------------------------------------
def test_an_import_refuses_a_formula_as_a_name_and_the_other_soft_entries(office, tmp_path):
    from ledger.idcard import make_id
    source = tmp_path / "花名册.csv"
    rows = ["姓名,身份证号,所属社区,职务,岗位,等级,参加社区工作时间,备注",
            f'"=HYPERLINK(""http://x.cn"",""张华"")",{make_id("150203", date(1985, 6, 15), 231)},幸福社区,社区工作者,三岗,5,2015.03,',
            f"李\u200b敏,{make_id('150203', date(1990, 2, 3), 45)},幸福社区,社区工作者,三岗,5,2015.03,",
            f"王芳,{make_id('150203', date(1991, 3, 4), 46)},幸福社区,社区工作者,三岗,5,2099.01,",
            f"赵强,{make_id('150203', date(1992, 4, 5), 47)},幸福社区,社区工作者,三岗,5,2016.05,已核\u202e实"]
    source.write_text("\n".join(rows) + "\n", encoding="utf-8-sig")
    with pytest.raises(ValidationError) as refused:
        import_file(office, "workers", source)
    problems = [str(p) for p in refused.value.problems]
    assert problems[0] == "第2行 姓名：不能以“=”开头（这是表格公式的写法，不是姓名）"
    assert problems[1] == "第3行 姓名：“李”后面有一个看不见的零宽空格，请删除后重新录入"
    assert problems[2].startswith("第4行 参加社区工作时间：“2099-01-01”太远了")
    assert problems[3] == "第5行 备注：“已核”后面有一个看不见的文字方向控制符，请删除后重新录入"
    assert len(problems) == 4 and WorkerService(office).list() == []
