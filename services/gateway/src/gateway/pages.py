"""The city portal's pages, rendered on the server."""

from __future__ import annotations

from html import escape

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
</style></head>
<body><h1>党建超市 · 需求与资源匹配推荐</h1>
<p>Party-building supermarket · match proposals</p>
<table><thead><tr><th>需求 Need</th><th>资源 Supply</th><th>得分 Score</th><th>推荐理由 Why</th></tr></thead>
<tbody>{rows}</tbody></table>
{empty}
</body></html>"""


def proposals_page(views: list[ProposalView]) -> str:
    rows = "".join(_row(v) for v in views)
    empty = "" if views else "<p>暂无匹配推荐 · No proposals yet.</p>"
    return _PAGE.format(rows=rows, empty=empty)


def _row(view: ProposalView) -> str:
    proposal = view.proposal
    need = escape(view.need["title"]) if view.need else escape(proposal["need_id"])
    supply = escape(view.resource["name"]) if view.resource else escape(proposal["resource_id"])
    why = ", ".join(f"{escape(r['name'])} {r['value']:.2f}×{r['weight']:.2f}" for r in proposal["reasons"])
    return (
        f'<tr data-proposal="{escape(proposal["id"])}"><td>{need}</td><td>{supply}</td>'
        f'<td>{proposal["score"]:.2f}</td><td class="why">{why}</td></tr>'
    )
