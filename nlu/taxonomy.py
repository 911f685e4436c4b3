"""The specialty taxonomy of PRODUCT.md and the intents the bot understands."""

from __future__ import annotations

from typing import Final

COARSE_GROUP_OF_SPECIALTY: Final[dict[str, str]] = {
    "crop_cultivation": "crop_cultivation",
    "horticulture": "crop_cultivation",
    "soil_fertilizer": "crop_cultivation",
    "water_irrigation": "crop_cultivation",
    "agri_machinery": "crop_cultivation",
    "processing_marketing": "crop_cultivation",
    "plant_protection": "plant_protection",
    "animal_husbandry": "animal_husbandry",
    "grassland_forage": "animal_husbandry",
    "aquaculture": "animal_husbandry",
    "veterinary": "veterinary",
}
SPECIALTY_CODES: Final[tuple[str, ...]] = tuple(COARSE_GROUP_OF_SPECIALTY)
OUT_OF_DOMAIN: Final = "out_of_domain"
COARSE_GROUPS: Final[tuple[str, ...]] = (
    "crop_cultivation",
    "plant_protection",
    "animal_husbandry",
    "veterinary",
    OUT_OF_DOMAIN,
)

DESCRIBE_PROBLEM: Final = "describe_problem"
INTENTS: Final[tuple[str, ...]] = (
    DESCRIBE_PROBLEM,
    "greet",
    "help",
    "check_balance",
    "my_requests",
    "cancel",
    "complain",
    "advisories_on",
    "advisories_off",
    "affirm",
    "deny",
    "out_of_scope",
)

# Rasa has one intent classifier, so a problem description is trained as one intent per specialty:
# "describe_problem__plant_protection" reads as intent describe_problem, specialty plant_protection.
SPECIALTY_INTENT_SEPARATOR: Final = "__"


def specialty_intent(code: str) -> str:
    return f"{DESCRIBE_PROBLEM}{SPECIALTY_INTENT_SEPARATOR}{code}"


def split_trained_intent(name: str) -> tuple[str, str | None]:
    """``describe_problem__X`` → ``("describe_problem", "X")``; any other intent → ``(name, None)``."""
    intent, separator, code = name.partition(SPECIALTY_INTENT_SEPARATOR)
    if separator and intent == DESCRIBE_PROBLEM and code in COARSE_GROUP_OF_SPECIALTY:
        return DESCRIBE_PROBLEM, code
    return name, None


def coarse_group(specialty_code: str | None) -> str:
    if specialty_code is None:
        return OUT_OF_DOMAIN
    return COARSE_GROUP_OF_SPECIALTY[specialty_code]
