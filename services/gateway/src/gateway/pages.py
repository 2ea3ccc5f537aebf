"""The city portal's pages, rendered on the server."""

from __future__ import annotations

from html import escape
from typing import Any

from gateway.models import ProposalView

_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>党建超市 · 匹配推荐</title>
<style>
body {{ font-family: system-ui, "PingFang SC", "Noto Sans CJK SC", sans-serif; margin: 1.5rem; color: #222; }}
h1 {{ color: #b71c1c; }} table {{ border-collapse: collapse; width: 100%; }}
td, th {{ border-bottom: 1px solid #ddd; padding: .5rem; text-align: left; vertical-align: top; }}
.why {{ color: #555; font-size: .9em; }}
.figures {{ display: flex; flex-wrap: wrap; gap: 1rem; margin: 1rem 0; }} .figures h2 {{ width: 100%; margin: 0; }}
.figure {{ background: #fff5f5; border-radius: .5rem; padding: .75rem 1rem; min-width: 8rem; }}
.figure b {{ font-size: 1.5rem; color: #b71c1c; }}
</style></head>
<body><h1>党建超市 · 需求与资源匹配推荐</h1>
<p>Party-building supermarket · match proposals</p>
{figures}
<table><thead><tr><th>需求 Need</th><th>资源 Supply</th><th>得分 Score</th><th>推荐理由 Why</th></tr></thead>
<tbody>{rows}</tbody></table>
{empty}
</body></html>"""


FIGURES = (
    ("organizations", "党组织", "organisations"),
    ("members", "党员", "members"),
    ("needs_posted", "发布需求", "needs posted"),
    ("claims_completed", "认领完成(人次)", "claims done (person-times)"),
    ("venues_shared", "共享场地", "venues shared"),
    ("services_shared", "共享服务", "services shared"),
)


def home_page(figures: dict[str, Any], views: list[ProposalView]) -> str:
    totals = figures["totals"]
    cells = "".join(
        f'<div class="figure" data-figure="{key}"><b>{totals[key]:,}</b><br>{zh}<br><small>{en}</small></div>'
        for key, zh, en in FIGURES
    )
    block = f'<section class="figures"><h2>{escape(figures["area"]["name"])}</h2>{cells}</section>'
    rows = "".join(_row(v) for v in views)
    empty = "" if views else "<p>暂无匹配推荐 · No proposals yet.</p>"
    return _PAGE.format(figures=block, rows=rows, empty=empty)


def _row(view: ProposalView) -> str:
    proposal = view.proposal
    need = escape(view.need["title"]) if view.need else escape(proposal["need_id"])
    supply = escape(view.resource["name"]) if view.resource else escape(proposal["resource_id"])
    why = ", ".join(f"{escape(r['name'])} {r['value']:.2f}×{r['weight']:.2f}" for r in proposal["reasons"])
    return (
        f'<tr data-proposal="{escape(proposal["id"])}"><td>{need}</td><td>{supply}</td>'
        f'<td>{proposal["score"]:.2f}</td><td class="why">{why}</td></tr>'
    )
