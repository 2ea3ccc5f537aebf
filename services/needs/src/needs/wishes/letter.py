"""The thank-you letter (感谢信) for a micro-wish, as an HTML page to print."""

from __future__ import annotations

from html import escape

from contract.taxonomy import label
from needs.common import now
from needs.wishes.models import Thanks


def render(thanks: Thanks) -> str:
    """A thank-you letter as a page to print (A4, one sheet)."""
    wish, organization_name = thanks.wish, thanks.organization_name
    confirmed = wish.confirmed_at or now()
    date = f"{confirmed.year}年{confirmed.month}月{confirmed.day}日"
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>感谢信 · {escape(organization_name)}</title>
<style>
@page {{ size: A4; margin: 25mm; }}
body {{ font-family: "Noto Serif CJK SC", "Songti SC", serif; max-width: 160mm; margin: 2em auto; line-height: 2; }}
h1 {{ text-align: center; color: #c00; letter-spacing: .5em; }}
.sign {{ text-align: right; margin-top: 3em; }}
</style></head>
<body>
<h1>感谢信</h1>
<p>{escape(organization_name)}：</p>
<p>&emsp;&emsp;贵单位认领的微心愿“{escape(wish.title)}”（{escape(label(wish.category))}）已经完成，
并于{date}经确认。{escape(thanks.resident_name)}和社区全体居民向贵单位及参与的同志致以诚挚的感谢！</p>
<p>&emsp;&emsp;此致<br>敬礼！</p>
<p class="sign">社区（{escape(wish.area_code)}）<br>{date}</p>
<p style="font-size: small; color: #666">编号 {escape(wish.id)}</p>
</body></html>
"""
