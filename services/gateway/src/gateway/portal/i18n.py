"""The portal's words in Chinese (the default) and English."""

from __future__ import annotations

from contract.taxonomy import Category, label

LANGUAGES = ("zh", "en")

WORDS: dict[str, tuple[str, str]] = {
    "site": ("党建超市", "Party-building supermarket"),
    "home": ("首页", "Home"),
    "needs": ("需求清单", "Needs"),
    "venues": ("共享场地", "Venues"),
    "services": ("共享服务", "Services"),
    "sign_in": ("登录", "Sign in"),
    "sign_out": ("退出", "Sign out"),
    "register": ("居民注册", "Register as a resident"),
    "username": ("用户名", "Username"),
    "password": ("密码", "Password"),
    "name": ("姓名", "Name"),
    "community_code": ("所在社区编码", "Your community's code"),
    "wrong_password": ("用户名或密码不正确", "Wrong username or password"),
    "my_page": ("我的", "Mine"),
    "org_dashboard": ("组织工作台", "Organisation dashboard"),
    "admin_dashboard": ("管理看板", "Area dashboard"),
    "organizations": ("党组织", "organisations"),
    "members": ("党员", "members"),
    "needs_posted": ("发布需求", "needs posted"),
    "claims_completed": ("认领完成(人次)", "claims done (person-times)"),
    "needs_fulfilled": ("需求已完成", "needs fulfilled"),
    "needs_open": ("待认领需求", "needs open"),
    "venues_shared": ("共享场地", "venues shared"),
    "services_shared": ("共享服务", "services shared"),
    "by_month": ("按月", "By month"),
    "by_category": ("按类别", "By category"),
    "drill_down": ("下级区域", "Areas below"),
    "proposals": ("匹配推荐", "Match proposals"),
    "no_proposals": ("暂无匹配推荐", "No proposals yet"),
    "need": ("需求", "Need"),
    "supply": ("资源", "Supply"),
    "score": ("得分", "Score"),
    "why": ("推荐理由", "Why"),
    "category": ("类别", "Category"),
    "area": ("区域", "Area"),
    "all": ("全部", "All"),
    "text": ("关键词", "Text"),
    "date": ("日期", "Date"),
    "free_from": ("空闲自", "Free from"),
    "free_to": ("至", "to"),
    "search": ("搜索", "Search"),
    "next_page": ("下一页", "Next page"),
    "nothing_found": ("没有找到", "Nothing found"),
    "status": ("状态", "Status"),
    "quantity": ("数量", "Quantity"),
    "claimed": ("已认领", "claimed"),
    "starts_at": ("开始时间", "Starts"),
    "ends_at": ("结束时间", "Ends"),
    "deadline": ("截止", "Deadline"),
    "urgency": ("紧急程度", "Urgency"),
    "description": ("说明", "Description"),
    "capacity": ("容纳人数", "Capacity"),
    "address": ("地址", "Address"),
    "opening_hours": ("开放时间", "Opening hours"),
    "facilities": ("设施", "Facilities"),
    "calendar": ("预约日历", "Booking calendar"),
    "free": ("空闲", "free"),
    "taken": ("已约", "taken"),
    "closed": ("未开放", "closed"),
    "book": ("预约", "Book"),
    "attendees": ("人数", "People"),
    "duration": ("时长", "Duration"),
    "minutes": ("分钟", "min"),
    "purpose": ("用途", "Purpose"),
    "booked": ("预约成功", "Booked"),
    "booking_requested": ("已提交,等待场地方审核", "Requested: the venue's organisation will approve it"),
    "sign_in_to_book": ("登录后可预约", "Sign in to book"),
    "my_wishes": ("我的微心愿", "My micro-wishes"),
    "my_bookings": ("我的预约", "My bookings"),
    "post_wish": ("发布微心愿", "Post a micro-wish"),
    "wish_title": ("心愿", "Wish"),
    "confirm_done": ("确认已完成", "Confirm it was done"),
    "cancel": ("取消", "Cancel"),
    "submit": ("提交", "Submit"),
    "post_need": ("发布需求", "Post a need"),
    "share_resource": ("共享场地或服务", "Share a venue or service"),
    "title": ("标题", "Title"),
    "kind": ("类型", "Kind"),
    "venue": ("场地", "Venue"),
    "service": ("服务", "Service"),
    "lendable": ("物资", "Lendable"),
    "own_needs": ("本组织需求", "Our needs"),
    "own_resources": ("本组织资源", "Our resources"),
    "claims": ("认领", "Claims"),
    "own_claims": ("本组织认领", "Our claims"),
    "bookings": ("预约", "Bookings"),
    "approvals": ("待审核预约", "Approvals waiting"),
    "approve": ("同意", "Approve"),
    "decline": ("拒绝", "Decline"),
    "accept": ("接受", "Accept"),
    "accepted_by_us": ("我方已接受,等待对方", "Accepted by us; waiting for the other side"),
    "live_updates": ("实时更新", "Live updates"),
    "new_proposal": ("收到新的匹配推荐", "A new proposal has arrived"),
    "overdue_needs": ("逾期需求", "Overdue needs"),
    "unmatched_by_category": ("待认领需求(按类别)", "Unmatched needs by category"),
    "busiest_venues": ("最繁忙场地", "Busiest venues"),
    "responsive_orgs": ("响应最积极的组织", "Most responsive organisations"),
    "completed": ("完成", "completed"),
    "hours_to_claim": ("平均认领用时(小时)", "Hours to claim (median)"),
    "saved": ("已保存", "Saved"),
    "forbidden": ("无权进行此操作", "You may not do this"),
    "not_found": ("未找到", "Not found"),
    "session_expired": ("请重新登录", "Please sign in again"),
    "bad_form": ("表单已过期,请重试", "The form has expired; please try again"),
    # A service's refusals ({arg}: what the refusal names, a status in the visitor's words)
    "refused": ("未能办理:{arg}", "Not done: {arg}"),
    "refused_invalid": ("请检查填写的内容:{arg}", "Please check the form: {arg}"),
    "refused_slot_taken": ("所选时段已被预约,请另选时间", "That time is booked already; please pick another"),
    "refused_only_left": ("数量不足:只剩 {arg}", "Not enough: only {arg} left"),
    "refused_sign_up_closed": ("报名已截止", "Sign-up has closed"),
    "refused_signed_up_already": ("您已报名", "You are signed up already"),
    "refused_begun": ("活动已开始", "It has begun already"),
    "refused_deadline_passed": ("已过截止时间", "The deadline has passed"),
    "refused_status": ("当前状态为「{arg}」,无法办理", "Not possible while it is {arg}"),
    "refused_code_taken": ("该编码已被使用", "That code is taken"),
    "refused_username_taken": ("该用户名已被使用", "That username is taken"),
    "refused_password_short": ("密码至少 8 个字符", "A password has at least 8 characters"),
    "refused_not_a_community": ("该编码不是本平台的社区", "That is not a community of this platform"),
    "switch_language": ("English", "中文"),
    "role_resident": ("居民", "Resident"),
    "role_member": ("组织成员", "Organisation member"),
    "role_org_admin": ("组织管理员", "Organisation administrator"),
    "role_area_admin": ("区域管理员", "Area administrator"),
    "activities": ("社区活动", "Activities"),
    "post_activity": ("发布活动", "Post an activity"),
    "place": ("地点", "Place"),
    "places": ("名额", "Places"),
    "places_left": ("剩余名额", "Places left"),
    "sign_up": ("报名", "Sign up"),
    "signed_up": ("报名成功", "You are signed up"),
    "sign_up_until": ("报名截止", "Sign-up closes"),
    "withdraw": ("取消报名", "Give my place back"),
    "my_activities": ("我的活动", "My activities"),
    "own_activities": ("本组织活动", "Our activities"),
    "signups": ("报名名单", "Who signed up"),
    "call_off": ("取消活动", "Call it off"),
    "sign_in_to_sign_up": ("居民登录后可报名", "Residents sign in to sign up"),
    "people_coming": ("报名人数(含同行)", "People coming (with those they bring)"),
    "people": ("人", "people"),
    "units": ("份", "units"),
    "audit_log": ("审计日志", "Audit log"),
    "audit_time": ("时间", "When"),
    "audit_actor": ("操作者", "Who"),
    "audit_action": ("操作", "What"),
    "audit_route": ("接口", "Route"),
    "audit_subjects": ("涉及对象", "About"),
    "audit_from": ("来源", "From"),
    "lendables": ("共享物资", "Lendables"),
    "request_it": ("申请服务", "Request this service"),
    "borrow_it": ("申请借用", "Borrow this"),
    "capacity_per_day": ("每天可提供", "Available each day"),
    "capacity_per_week": ("每周可提供", "Available each week"),
    "capacity_per_month": ("每月可提供", "Available each month"),
    "left": ("剩余", "left"),
    "wanted_on": ("需要日期", "Day wanted"),
    "note": ("备注", "Note"),
    "send_request": ("提交申请", "Send the request"),
    "sign_in_to_request": ("登录后可申请", "Sign in to request"),
    "request_sent": ("申请已提交,等待提供方确认", "Requested: the provider will accept or decline it"),
    "requests_received": ("收到的申请", "Requests received"),
    "our_requests": ("本组织的申请", "Our requests"),
    "my_requests": ("我的申请", "My requests"),
    "requester": ("申请方", "Requested by"),
    "mark_done": ("标记已完成", "Mark done"),
    "mark_returned": ("标记已归还", "Mark returned"),
    "done": ("已完成", "done"),
    "returned": ("已归还", "returned"),
}


# What needs, claims, wishes, bookings and resources can be, as the services name it.
STATUSES: dict[str, tuple[str, str]] = {
    "draft": ("草稿", "draft"),
    "open": ("待认领", "open"),
    "partly_claimed": ("部分认领", "partly claimed"),
    "fully_claimed": ("已认领", "claimed"),
    "in_progress": ("进行中", "in progress"),
    "fulfilled": ("已完成", "fulfilled"),
    "confirmed": ("已确认", "confirmed"),
    "cancelled": ("已取消", "cancelled"),
    "expired": ("已逾期", "expired"),
    "claimed": ("已认领", "claimed"),
    "done": ("已完成,待确认", "done, to confirm"),
    "requested": ("待审核", "waiting for approval"),
    "accepted": ("已接受", "accepted"),
    "completed": ("已完成", "completed"),
    "declined": ("已拒绝", "declined"),
    "no_show": ("未到场", "no-show"),
    "published": ("已发布", "published"),
    "paused": ("已暂停", "paused"),
    "withdrawn": ("已撤回", "withdrawn"),
}
# Why matching proposes a pair (its reasons, each scored 0 to 1 and weighted).
REASONS: dict[str, tuple[str, str]] = {
    "distance": ("距离", "distance"),
    "neighbourhood": ("近邻", "neighbourhood"),
    "urgency": ("紧急", "urgency"),
    "age": ("等待时长", "waiting time"),
    "reliability": ("履约", "reliability"),
    "fairness": ("机会均衡", "fairness"),
}
WEEKDAYS = {"zh": "一二三四五六日", "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")}


def _in(lang: str, words: tuple[str, str]) -> str:
    zh, en = words
    return zh if lang == "zh" else en


def translate(key: str, lang: str) -> str:
    return _in(lang, WORDS[key])


def status_label(status: str, lang: str) -> str:
    return _in(lang, STATUSES.get(status, (status, status)))


def reason_label(reason: str, lang: str) -> str:
    return _in(lang, REASONS.get(reason, (reason, reason)))


def weekdays(days: list[int], lang: str) -> str:
    """ISO weekdays (1 = Monday) as the visitor reads them: 周一、周三 or Mon, Wed."""
    if len(days) == 7:
        return _in(lang, ("每天", "Every day"))
    names = [("周" if lang == "zh" else "") + WEEKDAYS[lang][d - 1] for d in days]
    return _in(lang, ("、", ", ")).join(names)


def category_label(category: str, lang: str) -> str:
    try:
        return label(Category(category), lang)
    except ValueError:
        return category


def categories(lang: str) -> list[tuple[str, str]]:
    return [(c.value, label(c, lang)) for c in Category]
