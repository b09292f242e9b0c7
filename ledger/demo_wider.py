"""Demo data of the wider ledgers: 共建单位 and 共建项目, 在职党员双报到, 志愿服务, 小区 — at the seeds' proportions.

Per community, as the seeds state them for a city of 400 communities: about 3.5 共建单位 (延边 1,369), 5 清单
entries (延边 1,995 projects), 50 registered members (延边 20,816) with one or two service records each, a
volunteer team in three communities of four with about 17 activities a year each (昆区 1,260 a year), and
2.2 小区 (延边 898 street-managed). Every record passes its service's rules; written with bulk inserts in the
caller's transaction (ledger/demo.py).
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from .bulk import insert_rows
from .idcard import make_id
from .models import Activity, Estate, Grid, Partner, Project, Registration, ServiceRecord, Team

_UNITS = (("区税务局", "机关"), ("区人民法院", "机关"), ("区市场监管局", "机关"), ("区城管局", "机关"), ("区卫健委", "机关"),
          ("第一中学", "事业单位"), ("实验小学", "事业单位"), ("区人民医院", "事业单位"), ("妇幼保健院", "事业单位"),
          ("供电公司", "国有企业"), ("自来水公司", "国有企业"), ("燃气公司", "国有企业"), ("工商银行支行", "国有企业"),
          ("移动公司营业部", "国有企业"), ("邮政分局", "国有企业"), ("华联超市", "非公企业"), ("建设集团", "非公企业"),
          ("康泰药房", "非公企业"), ("律师事务所", "社会组织"), ("社工服务中心", "社会组织"), ("志愿者协会", "社会组织"),
          ("物业服务公司", "物业企业"), ("安居物业", "物业企业"))
_NEEDS = ("老旧小区加装电梯", "楼道照明改造", "老年助餐点", "儿童托管服务", "停车位规划", "垃圾分类亭", "健身器材更新",
          "雨污管网疏通", "便民理发", "法律咨询进社区", "义诊服务", "四点半课堂", "适老化改造", "消防通道整治",
          "小区绿化提升", "文化广场修缮", "充电桩安装", "困难家庭帮扶", "反诈宣传", "家政技能培训")
_POSTS = ("党员先锋岗", "政策宣传员", "矛盾调解员", "环境监督员", "志愿服务岗", "文明劝导员", None)
_SERVICES = ("清理楼道杂物", "入户宣传政策", "慰问独居老人", "文明交通劝导", "参与疫苗接种服务", "小区环境整治",
             "垃圾分类引导", "防汛值守", "义务理发", "辅导学生作业")
_TEAM_KINDS = ("党员志愿服务队", "党员志愿服务队", "红色物业", "调解", "巡逻", "文体", "其他")
_TEAM_NAMES = {"党员志愿服务队": "党员先锋服务队", "红色物业": "红色物业服务队", "调解": "和事佬调解队",
               "巡逻": "平安巡逻队", "文体": "文体志愿服务队", "其他": "邻里互助队"}
_ACTIVITIES = ("环境卫生整治", "关爱空巢老人", "平安巡逻", "政策宣讲", "义诊", "便民维修", "文艺汇演", "垃圾分类宣传",
               "邻里纠纷调解", "助学辅导", "防诈骗宣传", "植树护绿")
_ESTATES = ("家园", "小区", "花园", "苑", "新村", "嘉园", "公寓")
_COMPANIES = ("安居物业", "万家物业", "金阳物业", "和顺物业", "城投物业")
_REGIONS = ("150206", "150207", "152502", "620201", "222401")
_HOURS = tuple(Decimal(h) for h in ("0.5", "1", "1.5", "2", "3", "4"))


def load_wider(session: Session, rng, names: list[str], cids: dict[str, int], today: date) -> dict[str, int]:
    """Write the wider ledgers of every community; returns how many rows of each were written."""
    grids: dict[int, list[int]] = {}
    for gid, cid in session.execute(select(Grid.id, Grid.community_id).order_by(Grid.id)):
        grids.setdefault(cid, []).append(gid)
    counts = {"共建单位": _partners(session, rng, names, cids, today),
              "共建项目": _projects(session, rng, names, cids, today)}
    counts["在职党员报到"], counts["报到党员服务记录"] = _registrations(session, rng, names, cids, grids, today)
    counts["志愿服务队"], counts["志愿服务活动"] = _volunteers(session, rng, names, cids, grids, today)
    counts["小区"] = _estates(session, rng, names, cids, grids)
    return counts


def _int(rng, low: int, high: int) -> int:
    """randint's range from one random() call: a fifth of the cost, for the tens of thousands of members."""
    return low + int(rng.random() * (high - low + 1))


def _day_between(rng, first: date, last: date) -> date:
    return first + timedelta(days=_int(rng, 0, max(0, (last - first).days)))


def _mobile(rng) -> str:
    return f"1{'358'[_int(rng, 0, 2)]}{_int(rng, 100000000, 999999999)}"


def _partners(session, rng, names, cids, today) -> int:
    rows = []
    for cname in names:
        for unit, kind in rng.sample(_UNITS, rng.randint(2, 5)):
            # mostly agreements of the last three years; one in seven older, ended and not renewed
            first = date(2016, 1, 1) if rng.random() < 0.15 else today.replace(year=today.year - 3, day=1)
            signed = _day_between(rng, first, today)
            rows.append({
                "name": unit, "kind": kind, "community_id": cids[cname], "party_org": f"{unit}党支部",
                "party_secretary": rng.person(), "contact": rng.person(),
                "phone": _mobile(rng), "signed_on": signed,
                # three-year agreements, some of them ended and not yet renewed
                "expires_on": signed.replace(year=signed.year + 3, day=1),
                "alliance": f"{cname.removesuffix('社区')}片区党建联盟", "part_time_member": rng.random() < 0.6,
                "note": None})
    return insert_rows(session, Partner, rows)


def _projects(session, rng, names, cids, today) -> int:
    rows = []
    for cname in names:
        for need in rng.sample(_NEEDS, rng.randint(3, 7)):
            list_type = rng.choices(("项目", "需求", "资源"), (60, 25, 15))[0]
            status, start, end = "征集中", None, None
            if list_type == "项目":
                status = rng.choices(("实施中", "已完成", "征集中", "已取消"), (45, 40, 10, 5))[0]
            if status in ("实施中", "已完成"):
                start = _day_between(rng, today - timedelta(days=700), today - timedelta(days=30))
                end = _day_between(rng, start, today) if status == "已完成" else start + timedelta(days=rng.randint(60, 360))
            rows.append({
                "name": need, "community_id": cids[cname], "list_type": list_type,
                "undertaker": rng.choice(_UNITS)[0] if list_type != "需求" else None,
                "content": f"{cname}{need}", "start_on": start, "end_on": end, "status": status,
                "beneficiaries": rng.randint(20, 600) if list_type == "项目" else None,
                "investment": Decimal(rng.randint(5, 300) * 1000) if list_type == "项目" else None, "note": None})
    return insert_rows(session, Project, rows)


def _registrations(session, rng, names, cids, grids, today) -> tuple[int, int]:
    rows, used = [], set()
    for cname in names:
        cid = cids[cname]
        places = grids[cid]
        last = len(places) - 1
        for _ in range(rng.randint(35, 65)):
            birth = date(_int(rng, 1960, 2000), _int(rng, 1, 12), _int(rng, 1, 28))
            while True:
                number = make_id(_REGIONS[_int(rng, 0, len(_REGIONS) - 1)], birth, _int(rng, 1, 999))
                if number not in used:
                    used.add(number)
                    break
            registered = _day_between(rng, max(date(2015, 1, 1), birth.replace(year=birth.year + 19)), today)
            employer = _UNITS[_int(rng, 0, len(_UNITS) - 1)][0]
            rows.append({
                "name": rng.person(), "id_number": number, "employer": employer,
                "employer_party_org": f"{employer}党支部", "community_id": cid, "grid_id": places[_int(rng, 0, last)],
                "registered_on": registered, "post": _POSTS[_int(rng, 0, len(_POSTS) - 1)], "phone": _mobile(rng),
                "status": "已转出" if rng.random() < 0.04 else "在册", "note": None})
    insert_rows(session, Registration, rows)
    services = []
    for rid, registered, status in session.execute(
            select(Registration.id, Registration.registered_on, Registration.status).order_by(Registration.id)):
        if status != "在册":
            continue
        first = _int(rng, 0, len(_SERVICES) - 1)
        for k in range((0, 1, 1, 2, 2, 3)[_int(rng, 0, 5)]):   # different services: consecutive ones of the list
            services.append({"registration_id": rid, "served_on": _day_between(rng, registered, today),
                             "content": _SERVICES[(first + k) % len(_SERVICES)], "hours": _HOURS[_int(rng, 0, 5)]})
    insert_rows(session, ServiceRecord, services)
    return len(rows), len(services)


def _volunteers(session, rng, names, cids, grids, today) -> tuple[int, int]:
    teams = []
    for n, cname in enumerate(names):
        if n % 4 == 1:
            continue   # one community in four has no volunteer team yet (the seeds: about 300 for 400)
        cid = cids[cname]
        kind = rng.choice(_TEAM_KINDS)
        teams.append({"name": f"{cname.removesuffix('社区')}{_TEAM_NAMES[kind]}", "community_id": cid,
                      "grid_id": None, "kind": kind, "leader": rng.person(), "members": rng.randint(8, 60),
                      "founded_on": date(rng.randint(2012, 2023), rng.randint(1, 12), 1), "note": None})
    insert_rows(session, Team, teams)
    activities = []
    start = date(today.year - 1, 1, 1)
    for tid, cid, founded in session.execute(select(Team.id, Team.community_id, Team.founded_on).order_by(Team.id)):
        held = set()
        for _ in range(rng.randint(10, 23)):
            day, name = _day_between(rng, max(start, founded), today), rng.choice(_ACTIVITIES)
            if (day, name) in held:
                continue
            held.add((day, name))
            people = rng.randint(5, 30)
            activities.append({"held_on": day, "community_id": cid, "team_id": tid, "name": name,
                               "participants": people, "hours": Decimal(people * rng.choice((2, 3, 4))),
                               "served": rng.randint(20, 200), "note": None})
    insert_rows(session, Activity, activities)
    return len(teams), len(activities)


def _estates(session, rng, names, cids, grids) -> int:
    rows = []
    for cname in names:
        cid = cids[cname]
        base = cname.removesuffix("社区")
        for suffix in rng.sample(_ESTATES, rng.choice((1, 2, 2, 3, 3))):
            committee = rng.random() < 0.6
            households = rng.randint(200, 1500)
            rows.append({
                "name": f"{base}{suffix}", "community_id": cid, "grid_id": rng.choice(grids[cid]),
                "buildings": max(2, households // rng.randint(40, 90)), "households": households,
                "property_company": rng.choice(_COMPANIES), "property_party": f"{rng.person()}（党建指导员）",
                "owners_committee": "有" if committee else "无",
                "committee_founded_on": date(rng.randint(2010, 2024), rng.randint(1, 12), 1) if committee else None,
                "red_property": rng.random() < 0.45, "fee_rate": Decimal(rng.randint(6000, 9900)) / 100, "note": None})
    return insert_rows(session, Estate, rows)
