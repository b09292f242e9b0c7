"""社区工作者台账: the roster on the pay scale, with each worker's history."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from .. import bankcard, scope
from ..catalog import Child, LedgerDef, PageHint
from ..errors import NotFound, Problem, ValidationError
from ..fields import Field
from ..idcard import IdCard, parse_id, read_id
from ..models import Appraisal, Certificate, LevelChange, PostChange, Worker
from ..paystandard import APPRAISAL_GRADES, EDUCATIONS, QUALIFICATIONS, PayStandard
from ..settings import PAY_CEILING
from .base import LedgerService, bulk_insert
from .columns import ABSENT
from .facts import facts_for
from .paystandards import standard_in_force

TITLES = ("书记", "主任", "副书记", "副主任", "委员", "专职网格员", "社区工作者")
STATUSES = ("在岗", "离职")
POLITICAL = ("中共党员", "中共预备党员", "共青团员", "民主党派", "群众")

FIELDS = (
    Field("name", "姓名", required=True, max_length=30, person=True),
    Field("id_number", "身份证号", "idcard", required=True, personal=True, aliases=("身份证号码", "公民身份号码", "身份证")),
    Field("community", "所属社区", "ref", required=True, aliases=("社区", "社区名称", "所在社区")),
    Field("title", "职务", "choice", required=True, choices=TITLES, aliases=("现任职务",),
          value_aliases={"网格员": "专职网格员", "社工": "社区工作者", "党委书记": "书记", "居委会主任": "主任"}),
    Field("post", "岗位", required=True, max_length=16, aliases=("岗位类别", "岗级"),
          help="一岗（社区正职）、二岗（社区副职）、三岗（其他社区工作者）"),
    Field("level", "等级", "int", required=True, minimum=1, maximum=60, aliases=("岗位等级", "级别", "薪级")),
    Field("dual_role", "一肩挑", "bool", aliases=("是否一肩挑",), default=False),
    Field("education", "学历", "choice", choices=EDUCATIONS, aliases=("最高学历", "文化程度"),
          value_aliases={"大学本科": "本科", "研究生": "硕士", "专科": "大专", "大学专科": "大专", "高中": "高中及以下",
                         "中专": "高中及以下", "初中": "高中及以下", "初中及以下": "高中及以下", "博士研究生": "博士",
                         "硕士研究生": "硕士"}),
    Field("qualification", "职业资格", "choice", choices=QUALIFICATIONS, aliases=("社工证", "职业资格证书"),
          value_aliases={"助理社工师": "助理社会工作师", "社工师": "社会工作师", "高级社工师": "高级社会工作师"}),
    # An office may enter a hire up to a year ahead; nobody now on a roster started before 1950.
    Field("started_on", "参加社区工作时间", "date", earliest=date(1950, 1, 1), months_ahead=12,
          aliases=("参加工作时间", "入职时间", "参加社区工作日期")),
    Field("political_status", "政治面貌", "choice", choices=POLITICAL,
          value_aliases={"党员": "中共党员", "预备党员": "中共预备党员", "团员": "共青团员"}),
    Field("phone", "联系电话", max_length=32, personal=True, aliases=("电话", "手机", "手机号码")),
    Field("bank_account", "银行账号", max_length=32, personal=True, aliases=("银行卡号", "工资卡号", "账号")),
    Field("contribution_base", "缴费基数", "money", minimum=0, aliases=("社保缴费基数",),
          help="不填时按当月固定工资计算", ceiling=PAY_CEILING),
    Field("special_deduction", "专项附加扣除", "money", minimum=0, aliases=("专项附加扣除(元/月)",),
          help="每月金额，单位：元", ceiling=PAY_CEILING),
    Field("status", "状态", "choice", choices=STATUSES, default="在岗", aliases=("在岗状态",),
          value_aliases={"在职": "在岗", "退休": "离职", "辞职": "离职"}),
    Field("note", "备注", max_length=500, multiline=True),
    Field("sex", "性别", derived=True),
    Field("birth_date", "出生日期", "date", derived=True),
)


def stored_doubts(id_number: str | None, bank_account: str | None) -> dict[str, str]:
    """What is wrong with a worker's stored personal numbers, by field key: a 身份证号 that fails its check
    (an error: sex and birth date cannot be derived) and a 银联 card number whose check digit fails (a warning).
    The messages never repeat the number, so they may be shown to anyone who may see the record."""
    return checked_numbers(id_number, bank_account)[1]


def checked_numbers(id_number: str | None, bank_account: str | None) -> tuple[IdCard | None, dict[str, str]]:
    """A worker's stored 身份证号 read as a card (None when it fails its check), and stored_doubts."""
    try:
        card = read_id(id_number)
        doubts = {}
    except ValueError as exc:
        card = None
        text = str(exc)
        reason = ("校验位不正确" if "校验位" in text else "出生日期部分不是有效日期" if "出生日期" in text
                  else "位数或字符不对")
        doubts = {"id_number": f"身份证号未通过校验（{reason}），按原样显示和导出，请核对更正"}
    doubt = bankcard.doubt(bank_account)
    if doubt:
        doubts["bank_account"] = doubt
    return card, doubts


def age_on(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


class WorkerService(LedgerService):
    match_on = ("id_number",)

    def standard(self, session: Session) -> PayStandard:
        return facts_for(session).memo("standard", lambda: standard_in_force(session, date.today()))

    def post_choices(self) -> list[str]:
        with self.ledger.reading() as session:
            return [f"{p.name}（{p.title}）" for p in self.standard(session).posts]

    def post_names(self) -> dict[int, str]:
        """岗位 code -> name (一岗 …) in the standard in force."""
        with self.ledger.reading() as session:
            return {p.code: p.name for p in self.standard(session).posts}

    def find_one(self, text: str) -> int:
        """The id of the one worker a person means by a 身份证号 or a name (refused when none or several)."""
        key = text.strip()
        meant = (Worker.id_number == key.upper()) | (Worker.name == key)
        with self.ledger.reading() as session:
            ids = session.scalars(select(Worker.id).where(meant)).all()
            if not ids and scope.limit_of(session) is not None:
                with scope.unlimited(session):
                    if session.scalar(select(Worker.id).where(meant).limit(1)) is not None:
                        scope.refuse(session)      # another community's worker
        if not ids:
            raise NotFound(f"社区工作者台账中没有“{text}”")
        if len(ids) > 1:
            raise ValidationError.single("姓名", f"“{text}”有{len(ids)}人重名，请改用身份证号")
        return ids[0]

    def _add_columns(self, session, columns):
        # Column by column, without a dict per worker: a roster of 10,000 workers is read each time its page opens.
        post_names = {p.code: p.name for p in self.standard(session).posts}
        codes = columns["post"]
        named = {code: post_names.get(code, str(code)) for code in set(codes)}
        columns.put("post", list(map(named.__getitem__, codes)))
        columns.put("post_code", codes)
        sexes, births, doubted, masked = [], [], [], {}
        for at, (number, account) in enumerate(zip(columns["id_number"], columns["bank_account"])):
            if number and "*" in number:
                # masked by the server (领导 on PostgreSQL): its masked view says what it derives from the number
                masked[columns["id"][at]] = at
                card, doubts = None, None
            else:
                # A stored number that no longer verifies (a digit changed outside the application) is listed and
                # exported as it is, with the doubt beside it, instead of failing the whole roster.
                card, doubts = checked_numbers(number, account)
            sexes.append(card.sex if card else None)
            births.append(card.birth_date if card else None)
            doubted.append(doubts or ABSENT)
        if masked:
            for wid, sex, birth in session.execute(text("SELECT id, sex, birth_date FROM worker WHERE id = ANY (:ids)"),
                                                   {"ids": list(masked)}):
                sexes[masked[wid]], births[masked[wid]] = sex, birth
        columns.put("sex", sexes)
        columns.put("birth_date", births)
        columns.put("doubts", doubted, sparse=True)

    def _details(self, session, record):
        wid = record["id"]
        birth = record["birth_date"]
        rows = lambda model, order: [  # noqa: E731
            {c.key: getattr(o, c.key) for c in model.__table__.columns}
            for o in session.scalars(select(model).where(model.worker_id == wid).order_by(order))]
        return {
            "age": age_on(birth, date.today()) if birth else None,
            "level_changes": rows(LevelChange, LevelChange.effective_on),
            "post_changes": rows(PostChange, PostChange.effective_on),
            "appraisals": rows(Appraisal, Appraisal.year),
            "certificates": rows(Certificate, Certificate.obtained_on),
        }

    def _current(self, obj):
        out = super()._current(obj)
        out["post"] = obj.post
        return out

    def _resolve(self, session, attrs, problems, row, bad):
        super()._resolve(session, attrs, problems, row, bad)
        standard = self.standard(session)
        post = attrs.get("post")
        if isinstance(post, str):
            text = post.split("（")[0].strip()
            found = standard.post_by_name(text) or (standard.post(int(text)) if text.isdigit() and
                                                    int(text) in {p.code for p in standard.posts} else None)
            if found is None:
                names = "、".join(f"{p.name}（{p.title}）" for p in standard.posts)
                problems.append(Problem("岗位", f"“{post}”不是有效岗位，可选：{names}", row))
            else:
                attrs["post"] = found.code

    def _check(self, session, attrs, problems, existing, row):
        standard = self.standard(session)
        post = standard.post(attrs["post"])
        wrong_level = post.level_problem(attrs["level"])
        if wrong_level:
            problems.append(Problem("等级", wrong_level, row))
        if attrs.get("dual_role") and post.code != standard.posts[0].code:
            problems.append(Problem("一肩挑", f"一肩挑只适用于{standard.posts[0].name}（{standard.posts[0].title}）", row))
        other = facts_for(session).first(Worker, id_number=attrs["id_number"])
        if other is not None and (existing is None or other.id != existing.id):
            problems.append(Problem("身份证号", f"已登记为“{other.name}”的身份证号，同一人不能重复登记", row))
        try:
            card = parse_id(attrs["id_number"])
        except ValueError as exc:   # the stored number of a record being edited no longer verifies
            problems.append(Problem("身份证号", f"已登记的号码未通过校验（{exc}），请先更正", row))
            return
        started = attrs.get("started_on")
        if started is not None and age_on(card.birth_date, started) < 16:
            problems.append(Problem("参加社区工作时间", "早于本人年满16周岁的日期，请核对", row))

    def warnings(self, session, attrs, row=None):
        doubt = bankcard.doubt(attrs.get("bank_account"))
        return [Problem("银行账号", doubt, row)] if doubt else []

    def _apply(self, session, obj, attrs):
        old = (obj.level, obj.post, obj.title)
        super()._apply(session, obj, attrs)
        if obj.status is None:
            obj.status = "在岗"
        if old[0] is None:
            return None
        approver = self.ledger.actor.name

        def history(saved: Worker) -> None:
            for model, values in history_rows(saved.id, old, (saved.level, saved.post, saved.title), approver,
                                              "台账直接修改"):
                session.add(model(**values))
        return history

    def write_children(self, session, written):
        """An import that changes a worker's level, post or title leaves the same history as a form does."""
        approver = self.ledger.actor.name
        rows: dict[type, list[dict]] = {LevelChange: [], PostChange: []}
        for worker_id, before, attrs in written:
            if before is None:
                continue
            new = (attrs.get("level", before.level), attrs.get("post", before.post), attrs.get("title", before.title))
            for model, values in history_rows(worker_id, (before.level, before.post, before.title), new, approver,
                                              "台账导入修改"):
                rows[model].append(values)
        return {model.__table__.name: {"inserted": bulk_insert(session, model, values), "values": values}
                for model, values in rows.items() if values}

    # --- history --------------------------------------------------------------------------------
    HISTORY = {"调级记录": LevelChange, "岗位变动": PostChange, "年度考核": Appraisal, "证书": Certificate}

    def add_history(self, worker_id: int, kind: str, values: dict[str, Any]) -> int:
        """Add a line of 调级记录 / 岗位变动 / 年度考核 / 证书 to a worker; returns its id."""
        model = self.HISTORY[kind]
        with self.ledger.unit("ledger.write") as session:
            worker = self._load(session, worker_id)
            problems = _check_history(kind, values)
            if kind == "调级记录" and not problems:
                wrong_level = self.standard(session).post(worker.post).level_problem(values.get("new_level"))
                if wrong_level:
                    problems.append(Problem("调整后等级", wrong_level))
            if problems:
                raise ValidationError(problems)
            if kind == "年度考核":
                existing = session.scalar(select(Appraisal).where(Appraisal.worker_id == worker_id,
                                                                  Appraisal.year == values["year"]))
                if existing is not None:
                    existing.grade = values["grade"]
                    return existing.id
            obj = model(worker_id=worker_id, **values)
            if kind == "调级记录":
                obj.recorded_at = datetime.now()
                worker.level = values["new_level"]
            session.add(obj)
            session.flush()
            return obj.id

    def remove_history(self, kind: str, entry_id: int) -> None:
        model = self.HISTORY[kind]
        with self.ledger.unit("ledger.write") as session:
            obj = session.get(model, entry_id)   # None outside the account's community too
            if obj is None:
                raise NotFound(f"{kind}记录不存在")
            session.delete(obj)


def history_rows(worker_id: int, old: tuple[int, int, str], new: tuple[int, int, str], approver: str | None,
                 reason: str) -> list[tuple[type, dict[str, Any]]]:
    """The 调级记录 and 岗位变动 lines that a change of (level, post, title) leaves, as (model, values)."""
    today = date.today()
    out: list[tuple[type, dict[str, Any]]] = []
    if new[0] != old[0]:
        out.append((LevelChange, {"worker_id": worker_id, "old_level": old[0], "new_level": new[0], "reason": reason,
                                  "effective_on": today, "approver": approver, "recorded_at": datetime.now()}))
    if new[1] != old[1] or new[2] != old[2]:
        out.append((PostChange, {"worker_id": worker_id, "old_post": old[1], "new_post": new[1], "old_title": old[2],
                                 "new_title": new[2], "reason": reason, "effective_on": today}))
    return out


def _check_history(kind: str, values: dict[str, Any]) -> list[Problem]:
    problems = []
    if kind == "年度考核":
        if values.get("grade") not in APPRAISAL_GRADES:
            problems.append(Problem("考核结果", f"应为{'/'.join(APPRAISAL_GRADES)}"))
        if not isinstance(values.get("year"), int) or not 1990 <= values["year"] <= 2100:
            problems.append(Problem("年度", "不是有效年份"))
    if kind == "调级记录" and not values.get("reason"):
        problems.append(Problem("调级原因", "必填，不能为空"))
    return problems


WORKERS = LedgerDef(
    "workers", "社区工作者", Worker, FIELDS, WorkerService,
    page=PageHint("工", 40, unit="人", facets=("community", "title", "post", "status"),
                  hidden=("bank_account", "contribution_base", "special_deduction", "political_status", "note")),
    children=(Child(LevelChange, "调级记录", "worker_id"), Child(PostChange, "岗位变动", "worker_id"),
              Child(Appraisal, "年度考核", "worker_id"), Child(Certificate, "证书", "worker_id")),
    # A worker who has been paid stays on the roster (as 离职), so pay sheets keep their people.
    delete_hint="离职人员请把状态改为“离职”")
