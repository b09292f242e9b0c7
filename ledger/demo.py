"""Demo data: a deterministic, realistic street (or district, or city) for a first look, tests and benchmarks.

Everything is valid by the services' rules: 身份证号 pass the check digit, levels lie in their post's range,
grids hold about 450 households (a few deliberately outside the band), some party terms end soon.
The load is one transaction with bulk inserts, so it is all-or-nothing and fast.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from . import audit
from .app import Ledger
from .bankcard import luhn_digit
from .bulk import insert_rows
from .case_demo import load_cases
from .demo_wider import load_wider
from .errors import LedgerError
from .idcard import make_id
from .models import (Appraisal, Budget, Certificate, Community, FundEntry, Grid, PartyOrg, Street, Venue,
                     VenueRoom, Worker)
from .paystandard import default_standard
from .progress import SILENT, Progress
from .services.paystandards import store_standard


@dataclass(frozen=True)
class Scale:
    communities: int
    grids_per_community: int
    workers_per_community: int
    fund_entries_per_community_year: int
    label: str                      # as the first-start page offers it and the audit trail names it


SCALES = {
    "street": Scale(12, 10, 25, 120, "一个街道（12个社区，约300名社区工作者）"),
    "district": Scale(80, 10, 19, 60, "一个区（80个社区，约1,500名社区工作者）"),
    "city": Scale(400, 10, 25, 125, "一个市（400个社区，1万名社区工作者，约10万条经费）"),
}

_WORDS = ("幸福", "和平", "光明", "建设", "新华", "民主", "团结", "胜利", "解放", "东风", "友谊", "文化", "朝阳", "春华",
          "桃园", "锦绣", "金桥", "翠湖", "滨河", "青年", "花园", "振兴", "长青", "康乐", "安居", "永安", "兴隆", "紫荆",
          "龙湖", "凤凰", "育才", "阳光", "丰收", "富强", "怡景", "松鹤", "杏林", "银河", "明珠", "星光")
_PREFIXES = ("", "东", "西", "南", "北", "新", "前", "后", "中", "上")
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史黎贺顾毛郝龚邵万钱覃武戴孔汤庞樊兰殷施陶洪翟安颜倪严牛温芦季俞章鲁葛伍申尤毕聂柴焦向柳邢岳齐沿梅莫庄辛管祝左涂谷祁时舒耿牟卜路詹关苗凌费纪靳盛童欧甄项曲成游阳裴席卫查屈鲍位覃霍翁隋植甘景薄单包司柏宁柯阮桂闵欧解强丛华车冉房边"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌波辉鹏宇浩凯俊帆欣怡婷雪琳晨阳佳慧颖倩瑞雯梅兵亮晶燕云飞海林峰鑫成德胜春秋冬梦思雨嘉琪子涵"
_REGIONS = ("150203", "150204", "150202", "150205", "110105", "130102", "370102", "420106", "510104", "320106")
_GRID_KINDS = ("片区型", "片区型", "楼院型", "单元型", "单位型", "功能型")
_FUND_BUDGET = {"社区工作经费": (150_000, 300_000), "党组织服务群众专项经费": (100_000, 200_000),
                "网格化管理经费": (40_000, 80_000), "共建项目资金": (20_000, 60_000)}
_EXPENSES = {"社区工作经费": ("公共服务", ("办公用品采购", "水电费", "网络通讯费", "社区环境整治", "居民议事会")),
             "党组织服务群众专项经费": ("党建工作", ("主题党日活动", "困难党员慰问", "党员教育培训", "志愿服务活动", "老年人助餐服务")),
             "网格化管理经费": ("自治管理", ("网格员培训", "网格巡查物资", "楼栋长补贴", "矛盾纠纷调解")),
             "共建项目资金": ("其他", ("共建单位联建活动", "社区微改造", "文化活动"))}


class DemoNotEmpty(LedgerError):
    pass


def _name(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2, 2))))


class _DemoRandom(random.Random):
    """The demo's random source, with a fixed pool of plausible names (the city scale needs ~200,000)."""

    def __init__(self, seed: int, pool_size: int = 4000):
        super().__init__(seed)
        self._people = [_name(self) for _ in range(pool_size)]

    def person(self) -> str:
        return self._people[int(self.random() * len(self._people))]




def _community_names(n: int) -> list[str]:
    names = [p + w for p in _PREFIXES for w in _WORDS]
    return [f"{n_}社区" for n_ in names[:n]]


def load_demo(ledger: Ledger, scale: str = "street", today: date | None = None,
              progress: Progress = SILENT, seed: int = 20260101) -> dict[str, int]:
    """Fill an empty database with demo ledgers; returns how many rows of each kind were written."""
    spec = SCALES[scale]
    today = today or date.today()
    rng = _DemoRandom(seed)
    counts: dict[str, int] = {}
    steps = 8
    with ledger.unit("ledger.write") as session:
        if session.scalar(select(func.count()).select_from(Community)):
            raise DemoNotEmpty("数据库中已有社区台账，演示数据只能加载到空数据库（可用 --db 指定一个新文件）")
        progress.report(0, steps, "街道与社区")
        street = session.scalars(select(Street)).first()
        if street is None:
            street = Street(name="示范街道", district="示范区")
            session.add(street)
            session.flush()
        store_standard(session, default_standard())
        community_rows = []
        names = _community_names(spec.communities)
        for i, cname in enumerate(names, 1):
            community_rows.append({
                "street_id": street.id, "name": cname, "code": f"{_REGIONS[0]}{i:03d}",
                "households": 0, "population": 0, "area_km2": Decimal(rng.randint(40, 400)) / 100,
                "party_secretary": rng.person(), "director": rng.person(),
                "phone": f"0472-{rng.randint(2000000, 8999999)}", "address": f"{street.name}{cname.removesuffix('社区')}路{rng.randint(1, 300)}号"})

        progress.report(1, steps, "网格")
        # Each community's households and population are its grids' totals: worked out before either is
        # written, so that every demo row is inserted once (the load is recorded as one event).
        grid_rows, totals = [], {}
        for cname in names:
            for g in range(1, spec.grids_per_community + 1):
                households = int(rng.gauss(450, 55)) if rng.random() > 0.06 else rng.choice((rng.randint(180, 280), rng.randint(640, 780)))
                population = int(households * rng.uniform(2.4, 3.0))
                totals.setdefault(cname, [0, 0])
                totals[cname][0] += households
                totals[cname][1] += population
                grid_rows.append({
                    "community_id": cname, "code": f"{g:02d}", "name": f"第{g}网格", "kind": rng.choice(_GRID_KINDS),
                    "bounds": f"东至{rng.choice(_WORDS)}路，西至{rng.choice(_WORDS)}街", "estates": rng.randint(1, 4),
                    "buildings": rng.randint(6, 20), "units": rng.randint(20, 60), "households": households,
                    "population": population, "floating_population": rng.randint(10, 200), "leader": rng.person(),
                    "fulltime_worker": rng.person(), "parttime_count": rng.randint(1, 6), "department_count": rng.randint(0, 5),
                    "building_leader_count": rng.randint(5, 18), "unit_leader_count": rng.randint(15, 50),
                    "party_org": f"{cname}第{g}网格党支部"})
        for row in community_rows:
            row["households"], row["population"] = totals.get(row["name"], (0, 0))
        insert_rows(session, Community, community_rows)
        cids = dict(session.execute(select(Community.name, Community.id)).all())
        counts["社区"] = len(community_rows)
        for row in grid_rows:
            row["community_id"] = cids[row["community_id"]]
        insert_rows(session, Grid, grid_rows)
        counts["网格"] = len(grid_rows)

        progress.report(2, steps, "党组织")
        counts["党组织"], counts["党小组"] = _party_orgs(session, rng, street, names, cids, spec, today)

        progress.report(3, steps, "社区工作者")
        counts["社区工作者"] = _workers(session, rng, names, cids, spec, today)

        progress.report(4, steps, "经费")
        counts["经费"] = _funds(session, rng, names, cids, spec, today, progress)

        progress.report(6, steps, "阵地")
        counts["阵地"] = _venues(session, rng, names, cids, totals)

        progress.report(7, steps, "共建、报到、志愿服务和小区")
        counts.update(load_wider(session, rng, names, cids, today))
        counts["民生诉求"] = load_cases(session, rng, cids, today)
        audit.record(session, audit.DEMO_LOAD, None, None, spec.label,
                     [{"field": k, "old": None, "new": v} for k, v in counts.items()])
        progress.report(8, steps, "完成")
    return counts


def _party_orgs(session, rng, street, names, cids, spec, today) -> tuple[int, int]:
    """The street's party tree; returns the 党组织 made and, apart, the 党小组 (part of their 支部)."""
    top = PartyOrg(name=f"{street.name}党工委", category="党工委", secretary=rng.person(), members_total=None,
                   founded_on=date(1998, 7, 1), term_start=date(2021, 9, 1), term_years=5)
    session.add(top)
    session.flush()
    community_rows = []
    for i, cname in enumerate(names):
        # Spread term starts so that some terms end overdue, within a month, within three months, and later.
        end_offset = (-40, 20, 75, 200, 400, 700, 900)[i % 7]
        end = today + timedelta(days=end_offset)
        members = rng.randint(80, 400)
        full = members - rng.randint(0, 8)
        community_rows.append({
            "name": f"{cname}党委" if members >= 100 else f"{cname}党总支", "category": "党委" if members >= 100 else "党总支",
            "parent_id": top.id, "community_id": cids[cname], "secretary": rng.person(), "deputy_secretary": rng.person(),
            "committee_size": rng.choice((5, 7)), "members_total": members, "members_full": full,
            "members_probation": members - full, "members_reported": rng.randint(20, 150),
            "founded_on": date(rng.randint(1990, 2010), rng.randint(1, 12), 1),
            "term_start": end.replace(year=end.year - 5, day=1), "term_years": 5, "phone": f"0472-{rng.randint(2000000, 8999999)}",
            "venue": f"{cname}党群服务中心"})
    insert_rows(session, PartyOrg, community_rows)
    parents = dict(session.execute(select(PartyOrg.community_id, PartyOrg.id).where(PartyOrg.parent_id == top.id)).all())
    grids = session.execute(select(Grid.id, Grid.community_id, Grid.code)).all()
    branch_rows = []
    for grid_id, cid, code in grids:
        members = rng.randint(8, 48)
        full = members - rng.randint(0, 3)
        cname = next(n for n, i in cids.items() if i == cid) if len(cids) < 50 else None
        # Three-year terms, mostly current; about one in twenty overdue for 换届.
        started = today - timedelta(days=rng.randint(1150, 1300) if rng.random() < 0.05 else rng.randint(30, 1000))
        start = started.replace(day=1)
        branch_rows.append({
            "name": f"{cname or ''}第{int(code)}网格党支部" if cname else f"第{int(code)}网格党支部", "category": "网格党支部",
            "parent_id": parents[cid], "community_id": cid, "grid_id": grid_id, "secretary": rng.person(),
            "committee_size": 3 if full >= 7 else None, "members_total": members, "members_full": full,
            "members_probation": members - full, "members_reported": rng.randint(2, 20),
            "founded_on": date(rng.randint(2012, 2020), rng.randint(1, 12), 1), "term_start": start, "term_years": 3})
    insert_rows(session, PartyOrg, branch_rows)
    branch_ids = session.execute(select(PartyOrg.id, PartyOrg.community_id).where(PartyOrg.category == "网格党支部")).all()
    group_rows = [{"name": f"{b}号楼党小组", "category": "楼栋党小组", "parent_id": org_id, "community_id": cid,
                   "secretary": rng.person(), "members_total": rng.randint(3, 12)}
                  for org_id, cid in branch_ids[::3] for b in (1, 2)]
    insert_rows(session, PartyOrg, group_rows)
    return 1 + len(community_rows) + len(branch_rows), len(group_rows)


def _workers(session, rng, names, cids, spec, today) -> int:
    rows, used = [], set()
    sequence = 0
    for cname in names:
        cid = cids[cname]
        dual = rng.random() < 0.7
        roles = [("书记", 1)] + ([] if dual else [("主任", 1)]) + [("副书记", 2), ("副主任", 2)]
        while len(roles) < spec.workers_per_community:
            roles.append((rng.choice(("专职网格员", "专职网格员", "社区工作者", "委员")), 3))
        for title, post in roles:
            while True:
                sequence += 1
                birth = date(rng.randint(1966, 2001), rng.randint(1, 12), rng.randint(1, 28))
                number = make_id(rng.choice(_REGIONS), birth, rng.randint(1, 999))
                if number not in used:
                    used.add(number)
                    break
            low, high = {1: (7, 18), 2: (4, 15), 3: (1, 12)}[post]
            started = date(max(birth.year + 20, rng.randint(2003, 2024)), rng.randint(1, 12), 1)
            years = max(0, today.year - started.year)
            level = max(low, min(high, low + years // 3 + rng.choice((0, 0, 1))))
            education = rng.choice(("本科", "本科", "大专", "大专", "硕士", "高中及以下"))
            qualification = rng.choice(("无", "无", "助理社会工作师", "社会工作师", "社会工作师", "高级社会工作师"))
            rows.append({
                "name": rng.person(), "id_number": number, "community_id": cid, "title": title, "post": post, "level": level,
                "dual_role": dual and title == "书记", "education": education, "qualification": qualification,
                "started_on": started, "political_status": rng.choice(("中共党员", "中共党员", "群众", "共青团员")),
                "phone": f"1{rng.choice((3, 5, 8))}{rng.randint(100000000, 999999999)}",
                "bank_account": _card(f"6222{rng.randint(10**13, 10**14 - 1)}"),
                "contribution_base": None, "special_deduction": Decimal(rng.choice((0, 0, 1000, 2000, 3000, 4000))),
                "status": "离职" if rng.random() < 0.02 else "在岗", "credited_bonus": 0})
    insert_rows(session, Worker, rows)
    ids = session.scalars(select(Worker.id)).all()
    appraisals = [{"worker_id": wid, "year": year, "grade": rng.choices(("优秀", "合格", "基本合格", "不合格"), (15, 80, 4, 1))[0]}
                  for wid in ids for year in (today.year - 3, today.year - 2, today.year - 1)]
    insert_rows(session, Appraisal, appraisals)
    quals = session.execute(select(Worker.id, Worker.qualification, Worker.started_on)
                            .where(Worker.qualification != "无")).all()
    insert_rows(session, Certificate, [{"worker_id": wid, "kind": "职业资格", "name": q, "obtained_on": s.replace(year=s.year + 1),
                                           "number": f"{rng.randint(10**9, 10**10 - 1)}"} for wid, q, s in quals])
    return len(rows)


def _card(body: str) -> str:
    """A 银联 card number that passes its Luhn check, as real ones do."""
    return body + luhn_digit(body)


def _funds(session, rng, names, cids, spec, today, progress) -> int:
    budgets, total = [], 0
    years = (today.year - 1, today.year)
    for cname in names:
        for year in years:
            for category, (low, high) in _FUND_BUDGET.items():
                budgets.append({"year": year, "community_id": cids[cname], "category": category,
                                "amount": Decimal(rng.randint(low // 1000, high // 1000) * 1000)})
    insert_rows(session, Budget, budgets)
    budget_of = {(b["year"], b["community_id"], b["category"]): b["amount"] for b in budgets}
    batch: list[dict] = []
    voucher = 0
    for n, cname in enumerate(names):
        cid = cids[cname]
        for year in years:
            last_month = 12 if year < today.year else today.month
            per_year = spec.fund_entries_per_community_year * last_month // 12
            for category in _FUND_BUDGET:
                budget = budget_of[(year, cid, category)]
                share = {"社区工作经费": 0.4, "党组织服务群众专项经费": 0.3, "网格化管理经费": 0.2, "共建项目资金": 0.1}[category]
                expenses = max(2, int(per_year * share) - 2)
                # Allocations: two instalments; spending about 60–105 % of the budget over the year.
                for month in (3, 8):
                    if month <= last_month:
                        voucher += 1
                        batch.append(_fund(cid, date(year, month, 10), category, "拨入", budget / 2, f"BR{year}{voucher:07d}", None,
                                           f"{year}年{category}拨付", rng))
                target = budget * Decimal(rng.uniform(0.72, 0.98)) * last_month / 12
                expense_kind, projects = _EXPENSES[category]
                for e in range(expenses):
                    month = 1 + e * last_month // expenses
                    # Nothing dated after today: this month's entries fall on or before today's date.
                    last_day = 28 if (year, month) != (today.year, today.month) else min(28, today.day)
                    amount = (target / expenses * Decimal(rng.uniform(0.5, 1.5))).quantize(Decimal("0.01"))
                    voucher += 1
                    batch.append(_fund(cid, date(year, month, rng.randint(1, last_day)), category, "支出", max(amount, Decimal("10.00")),
                                       f"ZC{year}{voucher:07d}", expense_kind, rng.choice(projects), rng))
        if len(batch) >= 20_000 or n == len(names) - 1:
            insert_rows(session, FundEntry, batch)
            total += len(batch)
            batch = []
            progress.report(4, 8, f"经费 {total:,} 条")
    return total


def _fund(cid, day, category, direction, amount, voucher, expense_kind, project, rng) -> dict:
    return {"entry_date": day, "community_id": cid, "category": category, "direction": direction,
            "amount": Decimal(amount).quantize(Decimal("0.01")), "voucher_no": voucher, "expense_category": expense_kind,
            "project": project, "handler": rng.person(), "approver": rng.person(), "note": None}


def _venues(session, rng, names, cids, totals) -> int:
    rows = []
    for cname in names:
        cid = cids[cname]
        households = totals[cname][0]
        # Most centres meet the standard (≥300 m², ≥30 m² per 100 households); about one in six falls short.
        if rng.random() < 0.17:
            area = Decimal(rng.randint(180, 290))
        else:
            area = Decimal(max(320, int(households * rng.uniform(0.31, 0.45))))
        rows.append({"name": f"{cname}党群服务中心", "community_id": cid, "tier": "社区级", "kind": "党群服务中心",
                     "address": f"{cname.removesuffix('社区')}路{rng.randint(1, 200)}号", "ownership": rng.choice(("自有", "自有", "租赁", "配建")),
                     "floor_area": area, "households_served": households, "opening_hours": "周一至周日 8:30-17:30",
                     "manager": rng.person(), "built_year": rng.randint(2008, 2024)})
        for k in range(rng.randint(1, 2)):
            rows.append({"name": f"{cname}{('邻里', '红色', '幸福')[k]}驿站", "community_id": cid, "tier": "小区",
                         "kind": rng.choice(("社区服务驿站", "共享家园")), "address": None, "ownership": "配建",
                         "floor_area": Decimal(rng.randint(40, 200)), "households_served": rng.randint(300, 1200),
                         "opening_hours": "周一至周五 9:00-17:00", "manager": rng.person(), "built_year": rng.randint(2015, 2025)})
    insert_rows(session, Venue, rows)
    rooms = []
    for vid, area in session.execute(select(Venue.id, Venue.floor_area)):
        for room in rng.sample(("会议室", "党员活动室", "图书阅览室", "老年活动室", "儿童之家", "便民服务大厅", "心理咨询室"), 3):
            rooms.append({"venue_id": vid, "name": room, "area": (area * Decimal(rng.uniform(0.08, 0.2))).quantize(Decimal("0.01"))})
    insert_rows(session, VenueRoom, rooms)
    return len(rows)


__all__ = ["load_demo", "SCALES", "datetime"]
