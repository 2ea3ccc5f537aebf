"""The one category taxonomy that needs and supply share, in Chinese and English."""

from __future__ import annotations

from enum import StrEnum


class Category(StrEnum):
    VENUE = "venue"
    ELDERLY_CARE = "elderly_care"
    CHILD_CARE = "child_care"
    EDUCATION = "education"
    TUTORING = "tutoring"
    MEDICAL = "medical"
    HEALTH_CONSULTATION = "health_consultation"
    LEGAL_AID = "legal_aid"
    FINANCIAL_ADVICE = "financial_advice"
    CULTURE = "culture"
    SPORTS = "sports"
    FIRST_AID_TRAINING = "first_aid_training"
    EMERGENCY_RESCUE = "emergency_rescue"
    REPAIRS = "repairs"
    APPLIANCE_CLEANING = "appliance_cleaning"
    HAIRCUT = "haircut"
    MEAL_HELP = "meal_help"
    CLEANING = "cleaning"
    ENVIRONMENT = "environment"
    PSYCHOLOGICAL_COUNSELLING = "psychological_counselling"
    EMPLOYMENT = "employment"
    PARTY_EDUCATION = "party_education"
    LECTURER = "lecturer"
    VOLUNTEERING = "volunteering"
    EQUIPMENT = "equipment"
    VEHICLE = "vehicle"
    FUNDS = "funds"
    DISABILITY_SUPPORT = "disability_support"
    SAFETY_INSPECTION = "safety_inspection"
    COMMUNITY_GOVERNANCE = "community_governance"


LABELS: dict[Category, tuple[str, str]] = {
    Category.VENUE: ("场地", "Venue"),
    Category.ELDERLY_CARE: ("养老助老", "Elderly care"),
    Category.CHILD_CARE: ("托育看护", "Child care"),
    Category.EDUCATION: ("教育培训", "Education"),
    Category.TUTORING: ("课业辅导", "Tutoring"),
    Category.MEDICAL: ("医疗服务", "Medical care"),
    Category.HEALTH_CONSULTATION: ("健康咨询", "Health consultation"),
    Category.LEGAL_AID: ("法律援助", "Legal aid"),
    Category.FINANCIAL_ADVICE: ("金融咨询", "Financial advice"),
    Category.CULTURE: ("文化活动", "Culture"),
    Category.SPORTS: ("文体健身", "Sports"),
    Category.FIRST_AID_TRAINING: ("急救培训", "First-aid training"),
    Category.EMERGENCY_RESCUE: ("应急救援", "Emergency rescue"),
    Category.REPAIRS: ("维修服务", "Repairs"),
    Category.APPLIANCE_CLEANING: ("家电清洗", "Appliance cleaning"),
    Category.HAIRCUT: ("义剪理发", "Free haircuts"),
    Category.MEAL_HELP: ("助餐送餐", "Meal help"),
    Category.CLEANING: ("环境清洁", "Cleaning"),
    Category.ENVIRONMENT: ("生态环保", "Environment"),
    Category.PSYCHOLOGICAL_COUNSELLING: ("心理疏导", "Psychological counselling"),
    Category.EMPLOYMENT: ("就业创业", "Employment"),
    Category.PARTY_EDUCATION: ("党课教育", "Party education"),
    Category.LECTURER: ("宣讲师资", "Lecturers"),
    Category.VOLUNTEERING: ("志愿服务", "Volunteering"),
    Category.EQUIPMENT: ("设备借用", "Equipment"),
    Category.VEHICLE: ("车辆支持", "Vehicles"),
    Category.FUNDS: ("资金支持", "Funds"),
    Category.DISABILITY_SUPPORT: ("助残服务", "Disability support"),
    Category.SAFETY_INSPECTION: ("安全排查", "Safety inspection"),
    Category.COMMUNITY_GOVERNANCE: ("社区治理", "Community governance"),
}


def label(category: Category, lang: str = "zh") -> str:
    zh, en = LABELS[category]
    return zh if lang == "zh" else en
