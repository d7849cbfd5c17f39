"""Reports open on the last complete month (not an empty month-to-date), with one-click periods."""

import datetime as dt

import time_machine

from staffroom.reports.forms import PeriodForm, quick_ranges


def test_default_is_the_last_complete_month_in_the_business_time_zone(business):
    # 1 March 00:30 in Moscow is still 28 February in UTC: the business date decides.
    with time_machine.travel(dt.datetime(2031, 2, 28, 21, 30, tzinfo=dt.UTC), tick=False):
        values = PeriodForm(None, business=business).values()
        assert (values["start"], values["end"]) == (dt.date(2031, 2, 1), dt.date(2031, 2, 28))
    with time_machine.travel(dt.datetime(2032, 3, 10, 9, 0, tzinfo=dt.UTC), tick=False):  # leap year
        values = PeriodForm(None, business=business).values()
        assert (values["start"], values["end"]) == (dt.date(2032, 2, 1), dt.date(2032, 2, 29))


def test_sales_page_offers_one_click_periods(business, owner, client_for):
    with time_machine.travel(dt.datetime(2031, 1, 31, 12, 0, tzinfo=dt.UTC), tick=False):
        html = client_for(owner).get("/reports/sales/").content.decode()
        ranges = quick_ranges(business)
    assert "?start=2030-12-01&end=2030-12-31" in html.replace("&amp;", "&")
    assert [label for label, _start, _end in ranges][:3] == ["Yesterday", "Last week", "Last month"]
