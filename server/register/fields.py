"""Field checks of personal data, one definition for every form and item that takes them (the register's, the
petitions window's): ID numbers by GB 11643-1999 (server/identity.py), mobiles 1[3-9] and nine digits, each
problem named in English and Chinese. Marshmallow validators, no Flask."""
from marshmallow import ValidationError

from .. import clock, phone_time
from ..identity import id_number_problem, is_valid_mobile

ID_PROBLEMS = {
    "format": "an ID number is 18 characters: 17 digits and a digit or X / 身份证号须为18位：17位数字加一位数字或X",
    "birth_date": "the birth date in it (characters 7 to 14) is not a real day / 身份证号中的出生日期（第7至14位）无效",
    "check_digit": "the check digit (the last character) does not match / 身份证号校验位（最后一位）不正确",
}
MOBILE_PROBLEM = "a mobile number is 11 digits, 13… to 19… / 手机号须为11位，以13至19开头"
BLANK = "may not be blank / 不能为空"
AHEAD = "may not be in the future / 不能晚于当前时间"


def id_number(value):
    problem = id_number_problem(value, clock.china_today())
    if problem:
        raise ValidationError(ID_PROBLEMS[problem])


def mobile(value):
    if not is_valid_mobile(value):
        raise ValidationError(MOBILE_PROBLEM)


def not_blank(value):
    if not value.strip():
        raise ValidationError(BLANK)


def received_lately(value):
    """When a petition was received, as the desk registers it: within server/phone_time.py's bounds for a backlog."""
    why = phone_time.refusal(value, clock.now(), allowance=phone_time.BACKLOG_ALLOWANCE)
    if why:
        raise ValidationError(" / ".join(why))


def not_after_today(value):
    """A China calendar day up to today (a birth, a leaving, a retirement)."""
    if value > clock.china_today():
        raise ValidationError(AHEAD)
