"""A synthetic city of Fuzhou's shape: its area hierarchy, organisations and members.

Deterministic: the same scale and seed give the same city, row for row. At scale 1 it has 13
districts, 170 streets and towns, 2,700 communities and villages, 8,100 grids, 32,400
buildings, 16,000 organisations and 220,000 members (DOMAIN.md's figures). A smaller scale is
a slice of it: the first communities of the first districts, with organisations and members
in proportion. The registry imports it; the benchmarks and demos of every service use it.
"""

from __future__ import annotations

import csv
import random
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime, timedelta, timezone
from operator import attrgetter
from pathlib import Path
from typing import Any

from contract.china_codes import CREDIT_CODE_ALPHABET, credit_code_check, id_number_check
from contract.ids import entity_id
from contract.taxonomy import Category

ORGANIZATIONS, MEMBERS, COMMUNITIES, GRIDS_PER_COMMUNITY, BUILDINGS_PER_GRID = 16_000, 220_000, 2_700, 3, 4
CITY = ("350100", "福州市", "Fuzhou", 26.0745, 119.2965)
URBAN = {"350102", "350103", "350104", "350105", "350111"}
# code, name, English name, streets and towns
DISTRICTS = (
    ("350102", "鼓楼区", "Gulou", 10),
    ("350103", "台江区", "Taijiang", 10),
    ("350104", "仓山区", "Cangshan", 13),
    ("350105", "马尾区", "Mawei", 4),
    ("350111", "晋安区", "Jin'an", 9),
    ("350112", "长乐区", "Changle", 18),
    ("350121", "闽侯县", "Minhou", 15),
    ("350122", "连江县", "Lianjiang", 16),
    ("350123", "罗源县", "Luoyuan", 11),
    ("350124", "闽清县", "Minqing", 11),
    ("350125", "永泰县", "Yongtai", 15),
    ("350128", "平潭县", "Pingtan", 12),
    ("350181", "福清市", "Fuqing", 26),
)
SYLLABLES = (
    ("东", "dong"),
    ("西", "xi"),
    ("南", "nan"),
    ("北", "bei"),
    ("安", "an"),
    ("泰", "tai"),
    ("温", "wen"),
    ("泉", "quan"),
    ("华", "hua"),
    ("大", "da"),
    ("五", "wu"),
    ("凤", "feng"),
    ("洪", "hong"),
    ("山", "shan"),
    ("茶", "cha"),
    ("亭", "ting"),
    ("上", "shang"),
    ("渡", "du"),
    ("新", "xin"),
    ("港", "gang"),
    ("江", "jiang"),
    ("仓", "cang"),
    ("前", "qian"),
    ("湖", "hu"),
    ("塘", "tang"),
    ("林", "lin"),
    ("阳", "yang"),
    ("光", "guang"),
    ("明", "ming"),
    ("福", "fu"),
    ("兴", "xing"),
    ("和", "he"),
    ("平", "ping"),
    ("乐", "le"),
    ("康", "kang"),
    ("宁", "ning"),
    ("盛", "sheng"),
    ("金", "jin"),
    ("桥", "qiao"),
    ("浦", "pu"),
)
# kind: (share of the organisations that are not area Party committees, name pattern)
UNIT_KINDS = {
    "branch": (0.45, "{place}第{n}党支部"),
    "general_branch": (0.05, "{place}{trade}党总支"),
    "party_group": (0.03, "{place}第{n}党小组"),
    "private_enterprise": (0.14, "福州{place}{trade}有限公司"),
    "social_organization": (0.07, "{place}{service}服务中心"),
    "government_unit": (0.04, "{place}{office}"),
    "school": (0.04, "福州市{place}小学"),
    "hospital": (0.02, "{place}社区卫生服务站"),
    "shop": (0.08, "{place}{shop}"),
    "commercial_building": (0.02, "{place}{n}号商务楼宇"),
    "business_district": (0.01, "{place}商圈"),
    "industrial_park": (0.01, "{place}{trade}产业园"),
    "internet_company": (0.01, "福建{place}网络科技有限公司"),
    "union": (0.03, "{place}{trade}工会联合会"),
}
PARTY_KINDS = {"branch", "general_branch", "party_group"}
TRADES = ("科技", "物流", "电子", "建筑", "医药", "文化传媒", "金融", "食品", "纺织", "汽车服务")
SERVICES = ("养老", "助残", "青少年", "心理", "法律", "志愿", "家庭", "环保")
OFFICES = ("社区居委会", "市场监督管理所", "派出所", "税务分局", "卫生监督所", "司法所")
SHOPS = ("便民超市", "理发店", "药店", "面馆", "水果店", "家电维修部", "五金店", "早餐店")
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟"
    "姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严欧莫孔向常汤康易乔赖文"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建国红梅志鹏飞斌宇浩凯婷雪琳晨阳晓东海燕慧颖"
ROLE_SHARES = (("volunteer", 0.35), ("building_head", 0.02), ("grid_worker", 0.01))


@dataclass(frozen=True)
class AreaRow:
    code: str
    name: str
    name_en: str
    level: str
    parent_code: str
    lat: float
    lon: float


@dataclass(frozen=True)
class OrganizationRow:
    code: str
    name: str
    kind: str
    area_code: str
    party_parent_code: str
    address: str
    lat: float
    lon: float
    contact_name: str
    contact_phone: str
    tags: str  # separated by ";"
    credit_code: str


@dataclass(frozen=True)
class MemberRow:
    code: str
    name: str
    phone: str
    id_number: str
    roles: str  # separated by ";"
    organization_codes: str  # separated by ";", the member's own organisation first


@dataclass(frozen=True)
class City:
    areas: list[AreaRow]
    organizations: list[OrganizationRow]
    members: list[MemberRow]


def generate_city(scale: float = 1.0, seed: int = 350100, *, members: bool = True) -> City:
    rng = random.Random(seed)
    areas = _areas(rng, communities=max(1, round(COMMUNITIES * scale)))
    organizations = _organizations(rng, areas, total=max(1, round(ORGANIZATIONS * scale)))
    people = list(_members(rng, organizations, total=max(1, round(MEMBERS * scale)))) if members else []
    return City(areas, organizations, people)


def generate_province(cities: int, scale: float = 1.0, *, members: bool = True) -> Iterator[City]:
    """A province of `cities` cities, one at a time: the first is the synthetic Fuzhou; each other
    one is a city of the same shape with a seed of its own, its area codes under `35kk` (city k,
    from 02), its organisations' and members' codes under `Ckk-`, and placed 1.5° from the others
    (cities are about 0.7° across), so no two cities' places meet."""
    for k in range(cities):
        city = generate_city(scale, seed=350100 + k, members=members)
        if k:
            yield _moved(city, k)
        else:
            yield city


def _moved(city: City, k: int) -> City:
    area, own = f"35{k + 1:02d}", f"C{k + 1:02d}-"
    lat, lon = 1.5 * (k // 5), 1.5 * (k % 5)

    def place(code: str) -> str:
        return area + code[4:] if code else code

    def ours(codes: str) -> str:
        return ";".join(own + code[3:] for code in codes.split(";")) if codes else codes

    return City(
        [
            replace(a, code=place(a.code), parent_code=place(a.parent_code), lat=a.lat + lat, lon=a.lon + lon)
            for a in city.areas
        ],
        [
            replace(
                o,
                code=ours(o.code),
                area_code=place(o.area_code),
                party_parent_code=ours(o.party_parent_code),
                lat=round(o.lat + lat, 6),
                lon=round(o.lon + lon, 6),
            )
            for o in city.organizations
        ],
        [replace(m, code=ours(m.code), organization_codes=ours(m.organization_codes)) for m in city.members],
    )


def _place(rng: random.Random) -> tuple[str, str]:
    (a, pa), (b, pb) = rng.sample(SYLLABLES, 2)
    return a + b, (pa + pb).capitalize()


def _near(rng: random.Random, lat: float, lon: float, spread: float) -> tuple[float, float]:
    return round(lat + rng.uniform(-spread, spread), 6), round(lon + rng.uniform(-spread, spread), 6)


def _areas(rng: random.Random, communities: int) -> list[AreaRow]:
    city_code, city_name, city_en, lat, lon = CITY
    rows = [AreaRow(city_code, city_name, city_en, "city", "", lat, lon)]
    streets = [(d, s) for d, *_, n in DISTRICTS for s in range(1, n + 1)]
    per_street = [COMMUNITIES // len(streets)] * len(streets)
    for i in rng.sample(range(len(streets)), COMMUNITIES % len(streets)):
        per_street[i] += 1
    left = communities
    for code, name, name_en, _ in DISTRICTS:
        if left <= 0:
            break
        d_lat, d_lon = _near(rng, lat, lon, 0.35)
        rows.append(AreaRow(code, name, name_en, "district", city_code, d_lat, d_lon))
        for (district, s), count in zip(streets, per_street, strict=True):
            if district != code or left <= 0:
                continue
            place, place_en = _place(rng)
            s_code, (s_lat, s_lon) = f"{code}{s:03d}", _near(rng, d_lat, d_lon, 0.05)
            urban = code in URBAN
            rows.append(
                AreaRow(
                    s_code,
                    place + ("街道" if urban else "镇"),
                    place_en + (" Street" if urban else " Town"),
                    "street",
                    code,
                    s_lat,
                    s_lon,
                )
            )
            for c in range(1, min(count, left) + 1):
                rows.extend(_community(rng, f"{s_code}{c:03d}", s_code, urban, s_lat, s_lon))
            left -= min(count, left)
    return rows


def _community(rng: random.Random, code: str, parent: str, urban: bool, lat: float, lon: float) -> Iterator[AreaRow]:
    place, place_en = _place(rng)
    c_lat, c_lon = _near(rng, lat, lon, 0.01)
    yield AreaRow(
        code,
        place + ("社区" if urban else "村"),
        place_en + (" Community" if urban else " Village"),
        "community",
        parent,
        c_lat,
        c_lon,
    )
    for g in range(1, GRIDS_PER_COMMUNITY + 1):
        g_code, (g_lat, g_lon) = f"{code}{g:02d}", _near(rng, c_lat, c_lon, 0.002)
        yield AreaRow(g_code, f"第{g}网格", f"Grid {g}", "grid", code, g_lat, g_lon)
        for b in range(1, BUILDINGS_PER_GRID + 1):
            b_lat, b_lon = _near(rng, g_lat, g_lon, 0.0005)
            yield AreaRow(f"{g_code}{b:03d}", f"{b}号楼", f"Building {b}", "building", g_code, b_lat, b_lon)


def _organizations(rng: random.Random, areas: list[AreaRow], total: int) -> list[OrganizationRow]:
    by_code = {a.code: a for a in areas}
    committee_of: dict[str, str] = {}
    rows: list[OrganizationRow] = []

    def add(name: str, kind: str, area: AreaRow, parent: str, tags: str, credit: str = "") -> str:
        code = f"FZ-ORG-{len(rows) + 1:06d}"
        contact = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
        address = "".join(by_code[c].name for c in _lineage(area.code, by_code) if by_code[c].level != "grid")
        phone = _phone(rng)
        rows.append(
            OrganizationRow(
                code, name, kind, area.code, parent, address, area.lat, area.lon, contact, phone, tags, credit
            )
        )
        return code

    for area in areas:  # every district, street and community has its Party committee
        if area.level in ("district", "street", "community"):
            suffix = {"district": "委", "street": "党工委", "community": "党委"}[area.level]
            parent = committee_of.get(area.parent_code, "")
            committee_of[area.code] = add(area.name + suffix, "party_committee", area, parent, "党组织;" + area.level)
    buildings = [a for a in areas if a.level == "building"]
    kinds = list(UNIT_KINDS)
    weights = [UNIT_KINDS[k][0] for k in kinds]
    for n in range(max(0, total - len(rows))):
        kind = rng.choices(kinds, weights)[0]
        building = rng.choice(buildings)
        community = by_code[by_code[building.parent_code].parent_code]
        name = UNIT_KINDS[kind][1].format(
            place=community.name.removesuffix("社区").removesuffix("村"),
            n=n % 9 + 1,
            trade=rng.choice(TRADES),
            service=rng.choice(SERVICES),
            office=rng.choice(OFFICES),
            shop=rng.choice(SHOPS),
        )
        tags = (
            "党组织"
            if kind in PARTY_KINDS
            else "近邻合伙人;两新组织"
            if kind in ("private_enterprise", "social_organization")
            else "近邻合伙人"
        )
        credit = "" if kind in PARTY_KINDS else _credit_code(rng, kind, community.code[:6])
        add(name, kind, building, committee_of[community.code], tags, credit)
    return rows


def _lineage(code: str, by_code: dict[str, AreaRow]) -> list[str]:
    """The codes from the city down to `code`."""
    chain = []
    while code:
        chain.append(code)
        code = by_code[code].parent_code
    return chain[::-1]


def _credit_code(rng: random.Random, kind: str, division: str) -> str:
    prefix = {
        "government_unit": "11",
        "school": "12",
        "hospital": "12",
        "social_organization": "52",
        "union": "81",
    }.get(kind, "91")
    body = prefix + division + "".join(rng.choice(CREDIT_CODE_ALPHABET) for _ in range(9))
    return body + credit_code_check(body)


def _phone(rng: random.Random) -> str:
    return "1" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9))


def _members(rng: random.Random, organizations: list[OrganizationRow], total: int) -> Iterator[MemberRow]:
    codes = [o.code for o in organizations]
    weights = [3.0 if o.kind in PARTY_KINDS or o.kind == "party_committee" else 1.0 for o in organizations]
    homes = rng.choices(codes, weights, k=total)
    admins = set()
    for i, home in enumerate(homes):
        orgs = [home] + ([rng.choice(codes)] if rng.random() < 0.08 else [])
        roles = ["party_member"] + [role for role, share in ROLE_SHARES if rng.random() < share]
        if home not in admins:
            admins.add(home)
            roles.append("administrator")
        birth = f"{rng.randint(1950, 2004)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        first17 = f"{_home_division(rng)}{birth}{rng.randint(0, 999):03d}"
        yield MemberRow(
            code=f"FZ-M-{i + 1:07d}",
            name=rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else ""),
            phone=_phone(rng),
            id_number=first17 + id_number_check(first17),
            roles=";".join(dict.fromkeys(roles)),
            organization_codes=";".join(dict.fromkeys(orgs)),
        )


def _home_division(rng: random.Random) -> str:
    return rng.choice(DISTRICTS)[0]


def write_csv(rows: Iterable[object], path: Path, *, encoding: str = "utf-8") -> Path:
    """Writes dataclass rows as the registry's import expects them: a header, then one line a row."""
    rows = list(rows)
    names = [field.name for field in fields(rows[0])]  # type: ignore[arg-type]
    with path.open("w", newline="", encoding=encoding) as f:
        writer = csv.writer(f)
        writer.writerow(names)
        writer.writerows(map(attrgetter(*names), rows))  # not `astuple`, which deep-copies each row
    return path


def expected_counts(city: City) -> tuple[Counter[str], Counter[str]]:
    """Organisations and members in every area node's subtree, as the registry should count
    them (a member counts under their own organisation, the first of theirs)."""
    parent = {a.code: a.parent_code for a in city.areas}

    def lineage(code: str) -> Iterator[str]:
        while code:
            yield code
            code = parent[code]

    area_of = {o.code: o.area_code for o in city.organizations}
    organizations = Counter(c for o in city.organizations for c in lineage(o.area_code))
    members = Counter(c for m in city.members for c in lineage(area_of[m.organization_codes.split(";")[0]]))
    return organizations, members


# --- needs ------------------------------------------------------------------------------

# Fuzhou's needs figures (DOMAIN.md): 20,006 needs posted, 113,195 claims (person-times).
NEEDS_POSTED, CLAIMS_MADE = 20_006, 113_195
# Of the needs ever posted, those of about the last ten weeks are still open, at ~830 a month
# (20,006 over two years); the others were fulfilled, and their claims are the 113,195.
OPEN_NEEDS = 2_000
NEED_TITLES = {
    Category.VENUE: "主题党日活动借用会议室",
    Category.FIRST_AID_TRAINING: "员工急救知识培训",
    Category.LEGAL_AID: "居民法律咨询",
    Category.ELDERLY_CARE: "独居老人助餐",
    Category.TUTORING: "四点半课堂辅导",
    Category.REPAIRS: "老旧小区水电维修",
    Category.HAIRCUT: "高龄老人上门理发",
    Category.LECTURER: "党课宣讲师资",
    Category.MEDICAL: "社区义诊",
    Category.APPLIANCE_CLEANING: "困难户空调清洗",
    Category.PSYCHOLOGICAL_COUNSELLING: "青少年心理疏导",
    Category.CULTURE: "社区文艺汇演",
    Category.VOLUNTEERING: "垃圾分类志愿督导",
    Category.EMPLOYMENT: "失业人员就业指导",
}
_NEED_CATEGORIES = list(NEED_TITLES)
_NEED_WEIGHTS = [3, 2, 2, 4, 3, 3, 2, 1, 2, 1, 1, 2, 3, 1]


@dataclass(frozen=True)
class NeedSpec:
    """One need as its organisation posts it (the body of `POST /needs`, and who posts it)."""

    organization_code: str
    body: dict[str, object]


def generate_needs(city: City, count: int, *, start: datetime, seed: int = 20006) -> list[NeedSpec]:
    """`count` needs of the city's organisations, in their communities, starting within 60 days
    of `start`. Quantities average the 5.66 claims a need had in Fuzhou (113,195 / 20,006)."""
    rng = random.Random(seed)
    organizations = city.organizations
    specs = []
    for _ in range(count):
        org = rng.choice(organizations)
        category = rng.choices(_NEED_CATEGORIES, _NEED_WEIGHTS)[0]
        lat, lon = _near(rng, org.lat, org.lon, 0.003)
        starts = start + timedelta(days=rng.randint(3, 60), hours=rng.choice((9, 14, 19)))
        body: dict[str, object] = {
            "title": NEED_TITLES[category],
            "category": category.value,
            "area_code": org.area_code[:12],
            "lat": round(lat, 6),
            "lon": round(lon, 6),
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=2)).isoformat(),
            "quantity": rng.choice((1, 2, 3, 4, 5, 6, 8, 10, 12)),
            "urgency": rng.choices(("low", "normal", "high", "urgent"), (2, 6, 2, 1))[0],
        }
        specs.append(NeedSpec(org.code, body))
    return specs


def generate_history(
    city: City, count: int, *, end: datetime, seed: int = 113195, claims: int | None = None
) -> list[dict[str, Any]]:
    """`count` needs fulfilled over the two years before `end`, each claimed unit by unit by
    other organisations (5.67 claims a need; Fuzhou's were 5.66), `claims` of them in all when
    given, in the shape of the needs service's history import. Ids are derived from `seed`, so
    a second import adds nothing."""
    rng = random.Random(seed)
    organizations = city.organizations
    specs = generate_needs(city, count, start=end, seed=seed)
    quantities = [int(str(spec.body["quantity"])) for spec in specs]
    if claims is not None:
        _add_up(rng, quantities, claims)
    history = []
    for i, (spec, quantity) in enumerate(zip(specs, quantities, strict=True)):
        posted = end - timedelta(days=rng.uniform(10, 730))  # done (at most 8 days later) before `end`
        claims_of_need = []
        for _ in range(quantity):
            claimer = rng.choice(organizations)
            while claimer.code == spec.organization_code and len(organizations) > 1:
                claimer = rng.choice(organizations)  # an organisation never claims its own need
            made = posted + timedelta(hours=rng.uniform(1, 72))
            claims_of_need.append(
                {
                    "organization_id": entity_id("organization", claimer.code),
                    "made_at": made.isoformat(),
                    "completed_at": (made + timedelta(days=rng.uniform(1, 5))).isoformat(),
                }
            )
        done = max(str(c["completed_at"]) for c in claims_of_need)
        body = {k: v for k, v in spec.body.items() if k not in ("starts_at", "ends_at")}
        body["quantity"] = quantity
        history.append(
            {
                **body,
                "id": entity_id("need", f"history-{seed}-{i}"),
                "organization_id": entity_id("organization", spec.organization_code),
                "posted_at": posted.isoformat(),
                "fulfilled_at": done,
                "claims": claims_of_need,
            }
        )
    return history


def _add_up(rng: random.Random, quantities: list[int], total: int) -> None:
    """Nudges `quantities` one unit at a time, at random needs, until they add up to `total`
    (each stays within 1..12, the quantities `generate_needs` draws from)."""
    if not len(quantities) <= total <= 12 * len(quantities):
        raise ValueError(f"{total:,} claims cannot be spread over {len(quantities):,} needs of 1 to 12")
    gap = total - sum(quantities)
    step = 1 if gap > 0 else -1
    while gap:
        i = rng.randrange(len(quantities))
        if 1 <= quantities[i] + step <= 12:
            quantities[i] += step
            gap -= step


# Activities residents sign up for: one a month for every eight organisations, as a guess
# (the seeds tell of them, not of their number).
ACTIVITIES_HELD = 2_000
CHINA = timezone(timedelta(hours=8))
ACTIVITY_TITLES = {
    Category.MEDICAL: ("社区义诊进楼栋", "居民健康体检日"),
    Category.LEGAL_AID: ("法律知识讲座", "律师进社区咨询日"),
    Category.PARTY_EDUCATION: ("主题党日开放活动", "党史故事分享会"),
    Category.CULTURE: ("邻里文艺汇演", "书法体验课"),
    Category.SPORTS: ("全民健身太极拳", "亲子趣味运动会"),
    Category.FIRST_AID_TRAINING: ("应急救护培训", "心肺复苏体验课"),
    Category.HAIRCUT: ("爱心义剪", "便民理发日"),
    Category.ENVIRONMENT: ("垃圾分类宣传", "社区清洁日"),
    Category.CHILD_CARE: ("暑期托管体验", "四点半课堂"),
    Category.VOLUNTEERING: ("志愿服务集市", "邻里互助日"),
}


def generate_activities(city: City, count: int, *, start: datetime, seed: int = 2000) -> list[NeedSpec]:
    """`count` activities of the city's organisations in their communities, starting within 30
    days of `start`, with 10 to 60 places (the body of `POST /activities`, and who posts it)."""
    rng = random.Random(seed)
    kinds = list(ACTIVITY_TITLES)
    specs = []
    for _ in range(count):
        org = rng.choice(city.organizations)
        category = rng.choice(kinds)
        day = (start + timedelta(days=rng.randint(2, 30))).astimezone(CHINA)
        starts = day.replace(hour=rng.choice((9, 14, 19)), minute=0, second=0, microsecond=0)
        body: dict[str, object] = {
            "title": rng.choice(ACTIVITY_TITLES[category]),
            "category": category.value,
            "area_code": org.area_code[:12],
            "place": f"{org.name}活动室",
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=2)).isoformat(),
            "places": rng.choice((10, 20, 30, 40, 60)),
        }
        specs.append(NeedSpec(org.code, body))
    return specs


# --- supply: venues and services -----------------------------------------------------------

# Fuzhou's figures (DOMAIN.md): venues and services shared on the platform.
VENUES_SHARED, SERVICES_SHARED = 7_204, 4_183
# Who hosts venues, and how: a name, opening hours, who may book, approval, capacity, facilities.
_VENUE_HOSTS = (
    (
        "党群服务中心多功能厅",
        [{"days": [1, 2, 3, 4, 5, 6, 7], "opens": "08:30", "closes": "21:00"}],
        "anyone",
        False,
        (40, 200),
    ),
    ("党群活动室", [{"days": [1, 2, 3, 4, 5, 6, 7], "opens": "08:00", "closes": "21:00"}], "area", False, (15, 60)),
    (
        "工会共享职工之家",
        [{"days": [1, 2, 3, 4, 5, 6, 7], "opens": "09:00", "closes": "21:00"}],
        "anyone",
        True,
        (30, 120),
    ),
    ("企业会议室", [{"days": [1, 2, 3, 4, 5], "opens": "09:00", "closes": "18:00"}], "partners", True, (10, 40)),
    ("学校报告厅", [{"days": [6, 7], "opens": "08:00", "closes": "18:00"}], "partners", True, (100, 400)),
)
_FACILITIES = ("投影仪", "音响", "空调", "无线网络", "白板", "茶水", "无障碍通道", "停车位")
BOOKING_PURPOSES = ("主题党日活动", "支部委员会", "党课学习", "志愿者培训", "居民议事会", "联建共建座谈", "文艺排练")


@dataclass(frozen=True)
class SupplySpec:
    """One venue or service as its organisation shares it (the body of `POST /resources`)."""

    organization_code: str
    body: dict[str, object]


def generate_supply(city: City, venues: int, services: int, *, seed: int = 7204) -> list[SupplySpec]:
    """`venues` venues and `services` services of the city's organisations, at their places:
    community centres open every day to anyone, Party rooms for their own area, unions' shared
    bases that approve, companies' and schools' rooms for partner units."""
    rng = random.Random(seed)
    organizations = city.organizations
    specs = []
    for _ in range(venues):
        org = rng.choice(organizations)
        suffix, hours, bookable_by, approval, (low, high) = rng.choices(_VENUE_HOSTS, (3, 4, 1, 2, 1))[0]
        lat, lon = _near(rng, org.lat, org.lon, 0.002)
        body: dict[str, object] = {
            "kind": "venue",
            "name": f"{org.name}{suffix}",
            "category": Category.VENUE.value,
            "area_code": org.area_code[:12],
            "address": org.address,
            "lat": round(lat, 6),
            "lon": round(lon, 6),
            "capacity": rng.randint(low, high),
            "facilities": rng.sample(_FACILITIES, rng.randint(2, 5)),
            "opening_hours": hours,
            "bookable_by": bookable_by,
            "needs_approval": approval,
        }
        specs.append(SupplySpec(org.code, body))
    for _ in range(services):
        org = rng.choice(organizations)
        category = rng.choices(_NEED_CATEGORIES[1:], _NEED_WEIGHTS[1:])[0]
        lat, lon = _near(rng, org.lat, org.lon, 0.002)
        body = {
            "kind": "service",
            "name": f"{org.name}{NEED_TITLES[category]}服务",
            "category": category.value,
            "area_code": org.area_code[:12],
            "lat": round(lat, 6),
            "lon": round(lon, 6),
            "capacity": rng.choice((5, 8, 10, 20, 30, 50)),
            "capacity_period": rng.choice(("week", "month", "month")),
            "service_radius_km": rng.choice((2.0, 3.0, 5.0, 10.0)),
        }
        specs.append(SupplySpec(org.code, body))
    return specs


def generate_bookings(
    city: City, venues: list[str], count: int, *, around: datetime, seed: int = 100_000
) -> list[dict[str, Any]]:
    """`count` bookings of the venues of these ids, between 90 days
    before and 60 days after `around`, on the half hour in their venues' usual hours, in the
    shape of the resources service's booking import. Some land on a time taken already: the
    import skips those, as it would a clash in a real ledger. Ids are derived from `seed`."""
    rng = random.Random(seed)
    organizations = city.organizations
    local = timezone(timedelta(hours=8))
    base = around.astimezone(local).replace(hour=0, minute=0, second=0, microsecond=0)
    rows = []
    for i in range(count):
        venue_id = rng.choice(venues)
        start = base + timedelta(days=rng.randint(-90, 60), hours=rng.randint(9, 15), minutes=rng.choice((0, 30)))
        end = start + timedelta(minutes=30 * rng.randint(2, 6))
        rows.append(
            {
                "id": entity_id("booking", f"history-{seed}-{i}"),
                "venue_id": venue_id,
                "organization_id": entity_id("organization", rng.choice(organizations).code),
                "starts_at": start.isoformat(),
                "ends_at": end.isoformat(),
                "attendees": rng.randint(5, 30),
                "purpose": rng.choice(BOOKING_PURPOSES),
            }
        )
    return rows


# A community's points shop (积分超市): what its shelf holds in the demo, kept small.
SHOP_SHELF = (
    ("goods", "爱心大米 5 斤", "社区党群服务中心一楼领取", 120, 20),
    ("goods", "食用油 1.8 升", "", 100, 15),
    ("goods", "洗衣液", "", 60, 30),
    ("goods", "环保购物袋", "", 20, 50),
    ("service", "上门理发一次", "约好时间后上门", 80, 10),
    ("venue_time", "活动室使用 2 小时", "工作日 9:00-17:00", 150, 8),
)


def shop_items(area_code: str) -> list[dict[str, Any]]:
    """The bodies of the items a community's shop shelves (`POST /shop/items`), valid for a year."""
    until = (datetime.now(UTC) + timedelta(days=365)).replace(microsecond=0).isoformat()
    return [
        {
            "kind": kind,
            "name": name,
            "description": description,
            "area_code": area_code,
            "price": price,
            "stock": stock,
            "valid_until": until,
        }
        for kind, name, description, price, stock in SHOP_SHELF
    ]
