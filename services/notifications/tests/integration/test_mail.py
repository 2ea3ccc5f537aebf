"""Mail and SMS on the real stack, read back from the local stack's mail catcher (Mailpit): a
venue's organisation gives a mail address and a mobile number, each is sent the link that
confirms it, and once confirmed the organisation is mailed the approval request for a booking, in
Chinese with its English, with a link to the portal's approvals that works, and once; its SMS
arrives too; the mail's unsubscribe link turns bookings' mails off, and a message stored tells
the portal at once (`message.stored`)."""

from __future__ import annotations

import asyncio
import random
import re
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from contract.events import NOTIFICATIONS_TOPIC, parse_event
from devkit.testing import PlatformApi, TestStack, acting, eventually, mails_to, organization, read_topic

pytestmark = pytest.mark.stack

COMMUNITY = "350124994002"


async def test_a_booking_waiting_for_approval_is_mailed_to_the_venue_in_chinese_with_a_working_link(
    stack: TestStack, http: httpx.AsyncClient
) -> None:
    api = PlatformApi(stack, http)
    owner = await api.register_organization("邮件测试场地单位", COMMUNITY)
    booker = organization(await api.register_organization("邮件测试预约支部", COMMUNITY))
    # the catcher keeps every mail of every run on this machine: an address and a number of this run's own
    address, phone = f"venue-{uuid.uuid4().hex[:12]}@example.cn", f"139{random.randrange(10**8):08d}"
    preferences = stack.url("notifications") + "/preferences"
    said = {"email": address, "phone": phone, "quiet_from": "00:00", "quiet_to": "00:00"}  # no quiet hours
    answer = await http.put(preferences, json=said, headers=acting(organization(owner)))
    assert answer.status_code == 200 and answer.json()["email_confirmed"] is False, answer.text
    for refused in ({"email": "nobody"}, {"email": address, "email_confirmed": True}):
        answer = await http.put(preferences, json=refused, headers=acting(organization(owner)))
        assert answer.status_code == 422 and "email" in answer.text

    # each address is sent the link that confirms it; opened and confirmed in the portal
    for to in (address, f"{phone}@sms.invalid"):
        [asked] = await eventually(lambda to=to: _mails(http, to, 1), within=20)
        [confirm] = re.findall(r"http://\S+/inbox/confirm\?t=[\w.\-]+", str(asked["Text"]))
        assert (await http.get(confirm)).status_code == 200  # a page with a button: nothing changed yet
        done = await http.post(confirm)
        assert done.status_code == 200 and "已确认" in done.text
    confirmed = (await http.get(preferences, headers=acting(organization(owner)))).json()
    assert (confirmed["email_confirmed"], confirmed["phone_confirmed"]) == (True, True)

    venue = await api.share_resource(owner, "venue", COMMUNITY, needs_approval=True)
    start = datetime.now(UTC).replace(hour=2, minute=0, second=0, microsecond=0) + timedelta(days=4)  # 10:00 CST
    slot = {"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=1)).isoformat()}
    await api.post("resources", f"/venues/{venue}/bookings", slot, actor=booker)

    [mail, _] = await eventually(lambda: _mails(http, address, 2), within=30)  # the latest first
    assert "预约等待审批" in str(mail["Subject"])
    text = str(mail["Text"])
    assert "waits for your approval" in text
    [link] = re.findall(r"http://\S+/org#approvals", text)
    page = await http.get(link.split("#")[0], follow_redirects=True)
    assert page.status_code == 200 and "登录" in page.text  # the portal asks the venue's people to sign in

    [sms, _] = await eventually(lambda: _mails(http, f"{phone}@sms.invalid", 2), within=10)
    assert str(sms["Text"]).startswith("【党建超市】") and "审批" in str(sms["Text"])

    inbox = (await http.get(stack.url("notifications") + "/inbox", headers=acting(organization(owner)))).json()
    [message] = inbox["items"]
    assert {(d["channel"], d["status"]) for d in message["deliveries"]} == {("email", "sent"), ("sms", "sent")}

    [unsubscribe] = re.findall(r"http://\S+/unsubscribe\?t=\S+", text)
    assert (await http.get(unsubscribe)).status_code == 200  # a page asking to confirm: nothing changed yet
    assert (await http.get(preferences, headers=acting(organization(owner)))).json()["off"] == []
    forged = await http.post(unsubscribe[:-3] + "abc")
    assert forged.status_code == 403
    token = {"token": unsubscribe.partition("?t=")[2]}
    for path in ("/unsubscribe", "/preferences/confirm"):  # the platform's, for whoever opened a link
        direct = await http.post(stack.url("notifications") + path, json=token, headers=acting(booker))
        assert direct.status_code == 403
    confirmed = await http.post(unsubscribe)
    assert confirmed.status_code == 200 and "已退订" in confirmed.text
    assert (await http.get(preferences, headers=acting(organization(owner)))).json()["off"] == ["booking/email"]

    later = start + timedelta(hours=3)
    second = {"starts_at": later.isoformat(), "ends_at": (later + timedelta(hours=1)).isoformat()}
    await api.post("resources", f"/venues/{venue}/bookings", second, actor=booker)
    await eventually(lambda: _mails(http, f"{phone}@sms.invalid", 3), within=20)  # the SMS still comes...
    await asyncio.sleep(1)
    assert len(await mails_to(http, address)) == 2  # ... the mail no longer, nor the first again

    records = await read_topic(
        stack.kafka,
        stack.topic(NOTIFICATIONS_TOPIC),
        until=lambda got: len([r for r in got if f"organization:{owner}" in r.value.decode()]) >= 2,
    )
    announced = [parse_event(r.value) for r in records if f"organization:{owner}" in r.value.decode()]
    assert {e.type for e in announced} == {"message.stored"}


async def _mails(http: httpx.AsyncClient, to: str, count: int) -> list[dict[str, object]]:
    found = await mails_to(http, to)
    assert len(found) == count, found
    return found
