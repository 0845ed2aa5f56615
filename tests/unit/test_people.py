import datetime
import random
import re

import pytest

from seed import names, people

TODAY = datetime.date(2024, 6, 1)


# ------------------------------------------------------------ ID numbers

def _check_by_hand(first17):
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, weights)) % 11]


def test_check_digit_published_example():
    # 1*7+1*9+0+1*5+0+5*4+1*2+9*1+4*6+9*3+1*7+2*9+3*10+1*5+0+0+2*2 = 167, 167 % 11 = 2 -> 'X'
    assert people.id_check_digit("11010519491231002") == "X"
    assert people.is_valid_id_number("11010519491231002X")


def test_check_digit_hand_computed_examples():
    # 440524188001010014: 4*7+4*9+0*10+5*5+2*8+4*4+1*2+8*1+8*6+0*3+0*7+1*9+0*10+1*5
    # +0*8+0*4+1*2 = 28+36+25+16+16+2+8+48+9+5+2 = 195, 195 % 11 = 8 -> '4'
    assert people.id_check_digit("44052418800101001") == "4"
    for first17 in ("61092319900101123", "61092320010229456", "00000000000000000"):
        assert people.id_check_digit(first17) == _check_by_hand(first17)
    assert people.id_check_digit("00000000000000000") == "1"


def test_check_digit_satisfies_mod_11_2_identity():
    # ISO 7064 MOD 11-2 definition: sum(a_i * 2^(18-i) mod 11) over all 18 chars,
    # with X = 10 and weight 1 on the check char, is congruent to 1 mod 11.
    rng = random.Random(0)
    seen = set()
    for _ in range(3000):
        first17 = "".join(rng.choice("0123456789") for _ in range(17))
        check = people.id_check_digit(first17)
        digits = [int(c) for c in first17] + [10 if check == "X" else int(check)]
        assert sum(d * pow(2, 17 - i, 11) for i, d in enumerate(digits)) % 11 == 1
        seen.add(check)
    assert seen == set("0123456789X")


def test_check_digit_rejects_bad_input():
    for bad in ("1234", "1101051949123100X", "１１０１０５１９４９１２３１００２"):
        with pytest.raises(ValueError):
            people.id_check_digit(bad)


def test_is_valid_id_number_rejections():
    valid = "11010519491231002X"
    assert not people.is_valid_id_number("110105194912310021")  # wrong check digit
    assert not people.is_valid_id_number("11010519491231002x")  # lowercase x
    assert not people.is_valid_id_number(valid[:-1])  # 17 chars
    assert not people.is_valid_id_number(valid + "1")  # 19 chars
    assert not people.is_valid_id_number("1101051949123A002X")  # letter inside
    assert not people.is_valid_id_number("")
    assert not people.is_valid_id_number(None)
    # Feb 30 and a year out of range, each with an otherwise correct check digit
    for first17 in ("61092320000230123", "61092318991231123", "61092320241301123"):
        assert not people.is_valid_id_number(first17 + _check_by_hand(first17))
    feb29 = "61092320000229123"  # 2000 is a leap year
    assert people.is_valid_id_number(feb29 + _check_by_hand(feb29))


def test_generated_id_numbers_valid_and_sex_parity():
    rng = random.Random(42)
    for i in range(1000):
        sex = "M" if i % 2 else "F"
        born = people.birth_date(rng, 0, 100, TODAY)
        s = people.id_number(rng, "610923", born, sex)
        assert people.is_valid_id_number(s), s
        assert s[:6] == "610923"
        assert s[6:14] == born.strftime("%Y%m%d")
        assert int(s[16]) % 2 == (1 if sex == "M" else 0)
        assert s[14:17] != "000"


def test_id_number_is_deterministic_and_validates_args():
    born = datetime.date(1980, 5, 17)
    a = [people.id_number(random.Random(7), "610923", born, "F") for _ in range(2)]
    assert a[0] == a[1]
    with pytest.raises(ValueError):
        people.id_number(random.Random(1), "61092", born, "M")
    with pytest.raises(ValueError):
        people.id_number(random.Random(1), "610923", born, "X")


def test_birth_date_respects_age_bounds():
    rng = random.Random(5)
    leap_today = datetime.date(2024, 2, 29)
    ages = set()
    for _ in range(3000):
        for today in (TODAY, leap_today):
            born = people.birth_date(rng, 18, 20, today)
            age = people.age_on(born, today)
            assert 18 <= age <= 20
            ages.add(age)
    assert ages == {18, 19, 20}
    assert people.age_on(people.birth_date(rng, 0, 0, TODAY), TODAY) == 0


# ------------------------------------------------------------ phones, masks

def test_mobile_numbers_match_regex():
    rng = random.Random(9)
    numbers = [people.mobile_number(rng) for _ in range(2000)]
    assert all(re.fullmatch(r"1[3-9]\d{9}", n) for n in numbers)
    assert {n[:3] for n in numbers} <= set(people.MOBILE_PREFIXES)
    assert len({n[:3] for n in numbers}) > 20


def test_place_name_distinct_and_deterministic():
    def draw(seed):
        rng, used = random.Random(seed), set()
        stems = [names.place_name(rng, used) for _ in range(1500)]
        assert used == set(stems)
        return stems

    first = draw(1)
    assert len(set(first)) == 1500
    assert all(len(s) == 2 for s in first)
    assert draw(1) == first
    assert draw(2) != first


def test_place_name_exhaustion_raises():
    rng, used = random.Random(3), set()
    with pytest.raises(ValueError):
        for _ in range(100_000):
            names.place_name(rng, used)
    assert len(used) >= 1500


def test_group_names():
    expected = {1: "一组", 3: "三组", 10: "十组", 11: "十一组", 19: "十九组",
                20: "二十组", 21: "二十一组", 45: "四十五组", 99: "九十九组"}
    for i, name in expected.items():
        assert names.group_name(i) == name
    assert len({names.group_name(i) for i in range(1, 100)}) == 99
    for bad in (0, 100):
        with pytest.raises(ValueError):
            names.group_name(bad)


def test_addresses():
    assert names.address("柳林村", 3, 12) == "柳林村三组12号"
    assert names.address("柳林", 12, 5) == "柳林村十二组5号"
    assert names.street_address("城关社区", "新华", 45) == "城关社区新华街45号"
    assert names.street_address("城关", "人民路", 7) == "城关社区人民路7号"
    assert len(set(names.STREET_STEMS)) == len(names.STREET_STEMS) >= 25


def test_person_names():
    rng = random.Random(11)
    surnames = {s for s, _ in names.SURNAMES}
    assert len(surnames) == len(names.SURNAMES) >= 55
    assert len(set(names.MALE_GIVEN_CHARS)) == len(names.MALE_GIVEN_CHARS)
    assert len(set(names.FEMALE_GIVEN_CHARS)) == len(names.FEMALE_GIVEN_CHARS)
    two = 0
    for i in range(2000):
        sex = "MF"[i % 2]
        n = names.person_name(rng, sex)
        assert n[0] in surnames and len(n) in (2, 3)
        pool = names.MALE_GIVEN_CHARS if sex == "M" else names.FEMALE_GIVEN_CHARS
        assert all(c in pool for c in n[1:])
        two += len(n) == 3
    assert 0.65 < two / 2000 < 0.75
    with pytest.raises(ValueError):
        names.person_name(rng, "X")


# ------------------------------------------------------------ households

def test_household_size_and_consistency():
    rng = random.Random(2024)
    sizes = []
    for _ in range(5000):
        head_sex = "M" if rng.random() < 0.8 else "F"
        head_age = people.household_head_age(rng)
        members = people.household_members(rng, head_sex, head_age, TODAY)
        sizes.append(1 + len(members))
        spouses = [m for m in members if m["relation"] == "spouse"]
        assert len(spouses) <= 1
        for m in members:
            assert set(m) == {"relation", "sex", "age"}
            assert m["relation"] in people.RELATIONS
            assert m["sex"] in ("M", "F") and isinstance(m["age"], int)
            assert 0 <= m["age"] <= 110
            if m["relation"] == "spouse":
                assert m["sex"] != head_sex and m["age"] >= 20
            if m["relation"] == "child":
                assert m["age"] <= head_age - 16
                assert all(m["age"] <= s["age"] - 16 for s in spouses)
            if m["relation"] == "parent":
                assert m["age"] >= head_age + 16
            if m["relation"] == "grandchild":
                assert m["age"] <= head_age - 32
    mean = sum(sizes) / len(sizes)
    assert 2.9 <= mean <= 3.5, mean
    single_share = sizes.count(1) / len(sizes)
    assert 0.08 <= single_share <= 0.16, single_share


def test_household_singles_skew_elderly_and_deterministic():
    def singles(age, seed=1):
        rng = random.Random(seed)
        return sum(not people.household_members(rng, "M", age, TODAY) for _ in range(2000))

    assert singles(78) > 2 * singles(40)
    a = people.household_members(random.Random(8), "F", 66, TODAY)
    assert a == people.household_members(random.Random(8), "F", 66, TODAY)
