"""A phone whose clock is wrong tells its user (issue 22 point 3): the server refuses a phone's times more than its
clock skew ahead, so a worker whose phone runs 40 minutes fast would see every visit refused without knowing why. The
app compares its clock with the server's at every pull and says so in the header until the clock is right."""
import datetime as dt
import re

from tests.browser.phone import households_of_cell, new_phone, open_app, said, sign_in, sync_now, visits_with, worker


def test_a_phone_running_fast_says_so_until_its_clock_is_set_right(live_server, browser):
    app, base = live_server
    me = worker(app, 23)
    phone = new_phone(browser, base)
    phone.clock.set_fixed_time(dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=40))
    page = open_app(phone)
    sign_in(page, me.username)
    warning = page.wait_for_selector("#clock-warning:not([hidden])").inner_text()
    assert re.search(r"手机时间比服务器快 (39|40|41) 分钟", warning) and "自动设置时间" in warning

    household = households_of_cell(app, me.unit_id)[0]
    page.goto(f"/app/#/household/{household.code}")
    page.fill("form#visit textarea[name=notes]", "时钟快了的走访")
    page.click("form#visit button[type=submit]")
    assert "晚于当前时间" in said(page, "#visit-saved")  # refused, as the warning said it would be
    assert visits_with(app, "时钟快了的走访") == []

    phone.clock.set_fixed_time(dt.datetime.now(dt.timezone.utc))  # the user turns on automatic time
    sync_now(page)
    page.goto("/app/#/households")
    page.wait_for_selector("#households li")
    assert page.is_hidden("#clock-warning")
    phone.close()

