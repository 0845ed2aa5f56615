"""Plausible Chinese personal names, place names and addresses for seed data.

Every random choice goes through an explicit ``random.Random`` passed as ``rng``
so that a given seed always yields the same data.
"""
from __future__ import annotations

import random

from grids.numbering import chinese_numeral

# (surname, rough share in percent). Roughly national frequencies, with
# southern surnames (黄 林 陈 ...) slightly damped for southern Shaanxi.
SURNAMES: list[tuple[str, float]] = [
    ("王", 7.2), ("李", 7.1), ("张", 6.8), ("刘", 5.6), ("陈", 4.0),
    ("杨", 3.4), ("黄", 1.8), ("赵", 2.4), ("吴", 1.7), ("周", 1.8),
    ("徐", 1.3), ("孙", 1.4), ("马", 1.5), ("朱", 1.1), ("胡", 1.2),
    ("郭", 1.3), ("何", 1.0), ("林", 0.6), ("罗", 0.9), ("高", 1.0),
    ("郑", 0.7), ("梁", 0.7), ("谢", 0.6), ("宋", 0.7), ("唐", 0.6),
    ("许", 0.5), ("韩", 0.7), ("冯", 0.7), ("邓", 0.5), ("曹", 0.6),
    ("彭", 0.5), ("曾", 0.4), ("肖", 0.5), ("田", 0.6), ("董", 0.5),
    ("袁", 0.5), ("潘", 0.3), ("于", 0.4), ("蒋", 0.3), ("蔡", 0.3),
    ("余", 0.5), ("杜", 0.5), ("叶", 0.3), ("程", 0.4), ("苏", 0.3),
    ("魏", 0.5), ("吕", 0.3), ("丁", 0.3), ("任", 0.4), ("沈", 0.2),
    ("姚", 0.3), ("卢", 0.3), ("姜", 0.3), ("崔", 0.3), ("汪", 0.3),
    ("范", 0.3), ("石", 0.4), ("贾", 0.4), ("柯", 0.2), ("雷", 0.4),
    ("段", 0.3), ("侯", 0.3),
]

# Given-name characters typical of rural men/women born roughly 1940-2020.
MALE_GIVEN_CHARS = (
    "伟强军明永建国华平志刚勇林斌海波涛辉鹏杰文生成兵忠德福贵才宝"
    "山金春安民荣利祥东峰超磊鑫浩宇博俊龙虎江铭锋"
)
FEMALE_GIVEN_CHARS = (
    "芳秀英丽娟敏静霞玲兰梅燕艳红琴花萍莉娜婷雪慧洁琳倩玉珍凤桂翠"
    "云莲香娥菊月丹妮欣怡悦佳蓉晶瑶颖"
)
TWO_CHAR_GIVEN_SHARE = 0.7

# Village / community stems: first char × second char, mountain-valley flavour
# (Qinling southern slope: rivers, gullies, flats, passes).
PLACE_FIRST_CHARS = (
    "柳青石龙沙高太新黄白红松杨桃梨枫竹花马牛羊鹿虎凤金银铁铜"
    "东西南北中上下大小长双三五九安和兴庙寨狮云月清平永丰茶桑"
    "柏槐梅杉水田"
)
PLACE_SECOND_CHARS = (
    "河沟坪坝岭湾垭庄关铺台林山门潭桥溪坡峪川口坎寺院营堡岩峰"
    "塘池滩园树阳源泉洞平华兴安明光丰和"
)

# Bare street stems; street_address() appends 街 unless the caller passes a
# stem that already ends with 街/路/巷/道 (e.g. "人民路").
STREET_STEMS: list[str] = [
    "新华", "人民", "解放", "建设", "和平", "长安", "中山", "文化", "东风",
    "胜利", "团结", "友谊", "光明", "幸福", "朝阳", "红旗", "工农", "育才",
    "滨河", "沿江", "迎宾", "振兴", "兴盛", "前进", "青年", "民主", "复兴",
    "秦岭", "汉江", "长安北",
]
_STREET_SUFFIXES = ("街", "路", "巷", "道")



def _check_sex(sex: str) -> None:
    if sex not in ("M", "F"):
        raise ValueError(f"sex must be 'M' or 'F', got {sex!r}")


def person_name(rng: random.Random, sex: str) -> str:
    """Surname + 1 or 2 given-name characters (about 70 % two characters)."""
    _check_sex(sex)
    surnames, weights = zip(*SURNAMES)
    surname = rng.choices(surnames, weights=weights)[0]
    pool = MALE_GIVEN_CHARS if sex == "M" else FEMALE_GIVEN_CHARS
    count = 2 if rng.random() < TWO_CHAR_GIVEN_SHARE else 1
    return surname + "".join(rng.sample(pool, count))


def _all_place_stems() -> list[str]:
    return [a + b for a in PLACE_FIRST_CHARS for b in PLACE_SECOND_CHARS if a != b]


_PLACE_STEMS = _all_place_stems()


def place_name(rng: random.Random, used: set[str]) -> str:
    """Return a two-character place stem not in ``used`` and add it to ``used``.

    Raises ValueError once every stem has been used.
    """
    # Rejection sampling is cheap while the set is sparse; near exhaustion fall
    # back to an explicit list of the remaining stems (still deterministic).
    for _ in range(32):
        stem = rng.choice(_PLACE_STEMS)
        if stem not in used:
            used.add(stem)
            return stem
    remaining = [s for s in _PLACE_STEMS if s not in used]
    if not remaining:
        raise ValueError(f"all {len(_PLACE_STEMS)} place stems are used")
    stem = rng.choice(remaining)
    used.add(stem)
    return stem


def group_name(index: int) -> str:
    """Village group (村民小组) name: 1→一组, 11→十一组, 21→二十一组."""
    return chinese_numeral(index) + "组"


def _check_number(number: int) -> None:
    if not isinstance(number, int) or number < 1:
        raise ValueError(f"house number must be a positive int, got {number!r}")


def address(village_name: str, group_index: int, house_number: int) -> str:
    """'柳林村三组12号'. A bare stem ('柳林') gets 村 appended."""
    _check_number(house_number)
    if not village_name.endswith(("村", "社区")):
        village_name += "村"
    return f"{village_name}{group_name(group_index)}{house_number}号"


def street_address(community_name: str, street_stem: str, number: int) -> str:
    """'城关社区新华街45号'. A bare community stem gets 社区 appended, a bare
    street stem gets 街 appended; names already carrying a suffix are kept."""
    _check_number(number)
    if not community_name.endswith("社区"):
        community_name += "社区"
    if not street_stem.endswith(_STREET_SUFFIXES):
        street_stem += "街"
    return f"{community_name}{street_stem}{number}号"
