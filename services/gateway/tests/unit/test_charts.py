"""The figures' charts as the portal draws them: every month of the range, a month far above the
rest drawn cut with its number, round numbers on the axis, every category named."""

from __future__ import annotations

from datetime import date

from gateway.portal.charts import by_category, by_month, months_between
from gateway.portal.i18n import field_reason

TODAY = date(2026, 12, 6)


def test_every_month_of_the_range_is_on_the_axis_empty_ones_included() -> None:
    chart = by_month({"2026-03": {"posted": 4}, "2026-09": {"posted": 2}}, None, TODAY)
    assert [month for month, _ in chart["rows"]] == months_between("2026-01", "2026-12")
    assert [values.get("posted", 0) for _, values in chart["rows"]][2] == 4
    assert len(by_month({}, "24", TODAY)["rows"]) == 24
    assert by_month({"2019-11": {"posted": 1}}, "all", TODAY)["rows"][0][0] == "2019-11"


def test_a_month_far_above_the_rest_is_drawn_cut_with_its_number_not_flattening_the_others() -> None:
    months = {f"2026-{m:02d}": {"posted": 10, "claims": 12} for m in range(1, 12)} | {"2026-12": {"posted": 400}}
    chart = by_month(months, None, TODAY)
    [cut] = [b for b in chart["bars"] if b["cut"]]
    assert (cut["month"], cut["value"]) == ("2026-12", 400)
    assert [t["value"] for t in chart["ticks"]][-1] == 20  # a round top just over the others
    ordinary = next(b for b in chart["bars"] if b["month"] == "2026-01" and b["series"] == "posted")
    assert ordinary["h"] > (chart["plot"]["bottom"] - chart["plot"]["top"]) / 3


def test_every_category_shown_is_named_beside_its_bars() -> None:
    figures = {f"c{i}": {"posted": i, "venue": 1} for i in range(15)}
    chart = by_category(figures, {"c14": "养老助老"})
    assert [r["label"] for r in chart["rows"]][:2] == ["养老助老", "c13"]
    assert len(chart["rows"]) == 12


def test_a_refused_fields_reason_reads_in_the_visitors_language() -> None:
    assert field_reason("String should have at least 1 character", "zh") == "请填写此项"
    assert field_reason("Input should be greater than or equal to 1", "zh") == "不能小于 1"
    assert field_reason("Input should be greater than or equal to 1", "en") == "At least 1"
    assert field_reason("Input should be a valid integer, unable to parse string as an integer", "zh") == "请填写整数"
    assert field_reason("something the list does not know", "zh") == "请检查此项"
