"""Which lookup tables of the Rasa project name entities, and which are only classification cues."""

from __future__ import annotations

from typing import Final

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
    "symptom_animal": "symptom",
    "growth_stage": "growth_stage",
    "place": "place",
}

# Lookups whose names start with this hold words that hint at a specialty (大棚, 滴灌, 疫苗) but
# are not entities the intake form wants.
CUE_LOOKUP_PREFIX: Final = "cue_"
