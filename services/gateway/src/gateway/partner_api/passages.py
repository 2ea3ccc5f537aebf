"""The partner API's passages to the services, declared once: each row is a route under
/api/v1, the service it is passed on to (at the same path, as the key's organisation), the scope
the key must hold, and the body it takes. The routes and their OpenAPI, request schemas
included, are made from this table (`partner_api.api`); the bodies are the contract's, which the
services validate with too."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel

from contract.bodies.cobuilding import (
    AgreementCreate,
    DeliveryCreate,
    FulfilmentCreate,
    MilestoneDone,
    OfferCreate,
    ProjectCreate,
    SpendingCreate,
)
from contract.bodies.needs import (
    ClaimCreate,
    ClaimDone,
    EvaluationAnswer,
    EvaluationCreate,
    NeedCreate,
    NeedEdit,
    WishClaimCreate,
)
from contract.bodies.points import ItemCreate, PickupConfirm
from contract.bodies.resources import BookingCreate, RequestCreate, ResourceCreate, ResourceEdit, SeriesCreate

Service = Literal["needs", "resources", "matching", "points", "cobuilding"]


@dataclass(frozen=True)
class Passage:
    name: str  # the route's name (its OpenAPI operation id begins with it)
    method: Literal["GET", "POST", "PATCH"]
    path: str  # `{..._id}`: an id; a parameter in `words`: one of those words
    service: Service
    scope: str
    doc: str
    body: type[BaseModel] | None = None
    status: int = 200
    body_optional: bool = False  # the body may be left out
    words: dict[str, tuple[str, ...]] = field(default_factory=dict)


READ, NEEDS, RESOURCES, SHOP = "read", "needs:write", "resources:write", "shop:write"
COBUILDING = "cobuilding:write"  # agreements, projects, offers on and deliveries of purchases

PASSAGES = (
    Passage(
        "list_agreements",
        "GET",
        "/agreements",
        "cobuilding",
        READ,
        "The co-building agreements (结对共建) the key's organisation is a party to, each commitment "
        "with its occurrences: done, due, missed, to come.",
    ),
    Passage(
        "propose_agreement",
        "POST",
        "/agreements",
        "cobuilding",
        COBUILDING,
        "Proposes a co-building agreement to the other parties, signed by the key's organisation; a "
        "venue it commits is booked every month or week for the party it is for once all have signed.",
        AgreementCreate,
        201,
    ),
    Passage("get_agreement", "GET", "/agreements/{agreement_id}", "cobuilding", READ, "One agreement."),
    Passage(
        "act_on_agreement",
        "POST",
        "/agreements/{agreement_id}/{action}",
        "cobuilding",
        COBUILDING,
        "Signs an agreement the key's organisation is a party to (the last signature puts it in force), or ends it.",
        words={"action": ("sign", "end")},
    ),
    Passage(
        "record_commitment_kept",
        "POST",
        "/agreements/{agreement_id}/commitments/{commitment_id}/fulfilments",
        "cobuilding",
        COBUILDING,
        "Records a commitment kept on a day of the term (a venue commitment is kept by its bookings).",
        FulfilmentCreate,
    ),
    Passage(
        "publish_project",
        "POST",
        "/projects",
        "cobuilding",
        COBUILDING,
        "Puts a project of the key's organisation on the project list (项目清单): partners, milestones, budget.",
        ProjectCreate,
        201,
    ),
    Passage(
        "project_milestone_done",
        "POST",
        "/projects/{project_id}/milestones/{milestone_id}/done",
        "cobuilding",
        COBUILDING,
        "Marks a milestone done, with the person-times it served: the project goes into public notice (公示).",
        MilestoneDone,
    ),
    Passage(
        "record_project_spending",
        "POST",
        "/projects/{project_id}/spending",
        "cobuilding",
        COBUILDING,
        "Records money spent on the organisation's project and its funder; 409 past the budget and "
        "what its area's administrators approved.",
        SpendingCreate,
    ),
    Passage(
        "list_purchases",
        "GET",
        "/purchases",
        "cobuilding",
        READ,
        "Purchases of services (购买服务) unions and streets publish: the co-building service's `GET /purchases`.",
    ),
    Passage(
        "offer_on_purchase",
        "POST",
        "/purchases/{purchase_id}/offers",
        "cobuilding",
        COBUILDING,
        "The key's organisation offers to deliver a purchased service, within its budget, while it is open.",
        OfferCreate,
    ),
    Passage(
        "record_purchase_delivery",
        "POST",
        "/purchases/{purchase_id}/deliveries",
        "cobuilding",
        COBUILDING,
        "Records a delivery (person-times served) of a purchase awarded to the key's organisation.",
        DeliveryCreate,
    ),
    Passage(
        "decide_proposal",
        "POST",
        "/proposals/{proposal_id}/{decision}",
        "matching",
        "matches:decide",
        "Accepts or declines a proposal the key's organisation is a side of. When both sides have "
        "accepted, the claim and the booking or service request are made.",
        words={"decision": ("accept", "decline")},
    ),
    Passage(
        "list_needs",
        "GET",
        "/needs",
        "needs",
        READ,
        "Needs the key's organisation may see: the needs service's `GET /needs`, same filters and cursors.",
    ),
    Passage("post_need", "POST", "/needs", "needs", NEEDS, "Posts a need of the key's organisation.", NeedCreate, 201),
    Passage("get_need", "GET", "/needs/{need_id}", "needs", READ, "One need with its claims."),
    Passage(
        "claim_need",
        "POST",
        "/needs/{need_id}/claims",
        "needs",
        NEEDS,
        "Claims part or all of a need for the key's organisation; 409 when less is left.",
        ClaimCreate,
        201,
    ),
    Passage(
        "edit_need",
        "PATCH",
        "/needs/{need_id}",
        "needs",
        NEEDS,
        "Edits one of the organisation's needs: title, description, quantity, urgency, deadline.",
        NeedEdit,
    ),
    Passage(
        "act_on_claim",
        "POST",
        "/needs/{need_id}/claims/{claim_id}/{action}",
        "needs",
        NEEDS,
        "The claimer starts or releases its claim; the posting organisation completes it, with the "
        'person-times served (`{"served": 12}`; the claim\'s quantity without a body).',
        ClaimDone,
        words={"action": ("start", "complete", "release")},
        body_optional=True,
    ),
    Passage(
        "act_on_need",
        "POST",
        "/needs/{need_id}/{action}",
        "needs",
        NEEDS,
        "Moves one of the organisation's needs on: publishes a draft, starts the work, reports it "
        "fulfilled, confirms it or cancels it.",
        words={"action": ("publish", "start", "fulfil", "confirm", "cancel")},
    ),
    Passage(
        "search_resources",
        "GET",
        "/resources",
        "resources",
        READ,
        "Venues, lendables and services: the resources service's `GET /resources`, same filters "
        "(kind, category, area, near a point, free between two times) and cursors.",
    ),
    Passage(
        "share_resource",
        "POST",
        "/resources",
        "resources",
        RESOURCES,
        "Shares a venue, lendable or service of the key's organisation.",
        ResourceCreate,
        201,
    ),
    Passage("get_resource", "GET", "/resources/{resource_id}", "resources", READ, "One venue, lendable or service."),
    Passage(
        "edit_resource",
        "PATCH",
        "/resources/{resource_id}",
        "resources",
        RESOURCES,
        "Edits one of the organisation's resources.",
        ResourceEdit,
    ),
    Passage(
        "request_service",
        "POST",
        "/resources/{resource_id}/requests",
        "resources",
        RESOURCES,
        "Requests another organisation's service or lendable for a day, for the key's organisation; "
        "409 when less is left in that period.",
        RequestCreate,
        201,
    ),
    Passage(
        "act_on_resource",
        "POST",
        "/resources/{resource_id}/{action}",
        "resources",
        RESOURCES,
        "Moves one of the organisation's resources on.",
        words={"action": ("publish", "pause", "resume", "withdraw")},
    ),
    Passage(
        "book_venue",
        "POST",
        "/venues/{venue_id}/bookings",
        "resources",
        RESOURCES,
        "Books a venue for the key's organisation; 409 when the time is taken.",
        BookingCreate,
        201,
    ),
    Passage(
        "book_series",
        "POST",
        "/venues/{venue_id}/bookings/series",
        "resources",
        RESOURCES,
        "A recurring booking, weekly or monthly; each refused occurrence says why.",
        SeriesCreate,
        201,
    ),
    Passage(
        "venue_calendar",
        "GET",
        "/venues/{venue_id}/{calendar}",
        "resources",
        READ,
        "A venue's calendar, as JSON or as an iCalendar feed.",
        words={"calendar": ("calendar", "calendar.ics")},
    ),
    Passage(
        "list_wishes",
        "GET",
        "/wishes",
        "needs",
        READ,
        "The wish wall: residents' open micro-wishes (`status=open`, of an area's subtree with "
        "`area_code`), the resident's name masked (王**); or the wishes the organisation claimed.",
    ),
    Passage("get_wish", "GET", "/wishes/{wish_id}", "needs", READ, "One micro-wish, open or the organisation's."),
    Passage(
        "claim_wish",
        "POST",
        "/wishes/{wish_id}/claim",
        "needs",
        NEEDS,
        "Takes an open micro-wish on for the organisation (or one of its members); 409 when another holds it.",
        WishClaimCreate,
    ),
    Passage(
        "release_wish",
        "POST",
        "/wishes/{wish_id}/release",
        "needs",
        NEEDS,
        "Lets a claimed micro-wish go back to the wall.",
    ),
    Passage(
        "prove_wish",
        "POST",
        "/wishes/{wish_id}/proof",
        "needs",
        NEEDS,
        "The photo (multipart field `photo`: JPEG, PNG or WebP, up to 5 MiB) that shows the wish "
        "fulfilled; the resident or their community then confirms it.",
    ),
    Passage(
        "list_thank_you_letters",
        "GET",
        "/thank-you-letters",
        "needs",
        READ,
        "The confirmed wishes the organisation fulfilled, each with its thank-you letter (感谢信).",
    ),
    Passage(
        "thank_you_letter",
        "GET",
        "/wishes/{wish_id}/thank-you",
        "needs",
        READ,
        "The thank-you letter for a confirmed wish the organisation fulfilled, as a page to print.",
    ),
    Passage(
        "ratings_to_give",
        "GET",
        "/evaluations/waiting",
        "needs",
        READ,
        "Help the organisation received and may still rate (评价): completed claims of its needs, "
        "its service requests done, its bookings ended; the soonest to close first.",
    ),
    Passage(
        "list_ratings",
        "GET",
        "/evaluations",
        "needs",
        READ,
        "An organisation's ratings (`organization_id`): stars, tags, comments unless hidden, answers.",
    ),
    Passage(
        "rating_summary",
        "GET",
        "/evaluations/summary",
        "needs",
        READ,
        "How many ratings an organisation has, their average and how many of each star.",
    ),
    Passage("get_rating", "GET", "/evaluations/{evaluation_id}", "needs", READ, "One rating."),
    Passage(
        "give_rating",
        "POST",
        "/evaluations/{evaluation_id}/give",
        "needs",
        NEEDS,
        "Rates help the organisation received, 1 to 5 stars with a comment and tags, once, within "
        "14 days of its end; `evaluation.given` follows.",
        EvaluationCreate,
    ),
    Passage(
        "answer_rating",
        "POST",
        "/evaluations/{evaluation_id}/answer",
        "needs",
        NEEDS,
        "The organisation rated answers a rating, once.",
        EvaluationAnswer,
    ),
    Passage(
        "list_bookings",
        "GET",
        "/bookings",
        "resources",
        READ,
        "The organisation's bookings and those of its venues (`status=requested`: approvals waiting).",
    ),
    Passage(
        "act_on_booking",
        "POST",
        "/bookings/{booking_id}/{action}",
        "resources",
        RESOURCES,
        "Approves, declines or releases a booking of its venue, or cancels one.",
        words={"action": ("approve", "decline", "cancel", "no_show")},
    ),
    Passage(
        "list_service_requests",
        "GET",
        "/service-requests",
        "resources",
        READ,
        "The organisation's service requests, made and received.",
    ),
    Passage(
        "get_service_request",
        "GET",
        "/service-requests/{request_id}",
        "resources",
        READ,
        "One service request the organisation made or received.",
    ),
    Passage(
        "act_on_service_request",
        "POST",
        "/service-requests/{request_id}/{action}",
        "resources",
        RESOURCES,
        "The provider accepts or declines a request, then completes an accepted one (the service "
        "given, the lendable back); the requester cancels. 409 names the request's status and the "
        "moves it allows.",
        words={"action": ("accept", "decline", "cancel", "complete")},
    ),
    Passage(
        "list_shop_items",
        "GET",
        "/shop/organizations/{organization_id}/items",
        "points",
        READ,
        "The items of the key's organisation's points shop (积分超市), withdrawn ones too.",
    ),
    Passage(
        "shelve_item",
        "POST",
        "/shop/items",
        "points",
        SHOP,
        "Puts an item on the shelf of an area's points shop, for a price in points, with a stock.",
        ItemCreate,
        201,
    ),
    Passage(
        "list_shop_orders",
        "GET",
        "/shop/organizations/{organization_id}/orders",
        "points",
        READ,
        "The orders of the key's organisation's points shop (`?status=ordered`: those to hand "
        "over), the newest first; their pickup codes are the buyers' to show.",
    ),
    Passage(
        "confirm_pickup",
        "POST",
        "/shop/pickups",
        "points",
        SHOP,
        "Hands an order over against the pickup code its buyer shows (typed, or read from its QR); "
        "404 when no order of the shop has that code, 409 when it was picked up, cancelled or expired.",
        PickupConfirm,
    ),
)
