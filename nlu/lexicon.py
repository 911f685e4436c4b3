"""Which lookup tables of the Rasa project name entities, and which are only classification cues;
and the canonical name of a thing by any of its names (the project's synonyms)."""

from __future__ import annotations

from functools import cache
from typing import Final

from nlu.training_data import TRAINING_DATA_DIR, read_synonyms

SYNONYMS_FILE: Final = TRAINING_DATA_DIR / "synonyms.yml"

ENTITY_TYPES: Final[tuple[str, ...]] = (
    "crop",
    "livestock",
    "pest_disease",
    "symptom",
    "growth_stage",
    "quantity",
    "place",
)

ENTITY_OF_LOOKUP: Final[dict[str, str]] = {
    "crop_field": "crop",
    "crop_garden": "crop",
    "crop_forage": "crop",
    "livestock": "livestock",
    "aquatic": "livestock",
    "pest": "pest_disease",
    "plant_disease": "pest_disease",
    "weed": "pest_disease",
    "animal_disease": "pest_disease",
    "disaster": "symptom",
    "symptom_plant": "symptom",
    "symptom_nutrient": "symptom",
    "symptom_animal": "symptom",
    "growth_stage": "growth_stage",
    "place": "place",
}

# Lookups whose names start with this hold words that hint at a specialty (大棚, 滴灌, 疫苗) but
# are not entities the intake form wants.
CUE_LOOKUP_PREFIX: Final = "cue_"


def canonical_name(term: str) -> str | None:
    """The canonical name the synonyms give `term` (a local name, a typo, an English name in any case:
    "Tomatoes" → 番茄), or None when it is none of them."""
    return _canonical_names().get(term.strip().lower())


@cache  # read once, when first asked: nothing is read at import
def _canonical_names() -> dict[str, str]:
    return {variant.lower(): name for variant, name in read_synonyms(SYNONYMS_FILE).items()}
