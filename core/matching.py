"""Which experts a farmer may choose, and in what order to suggest them (Art. 11(2), 11(4)).

Only active experts of the farmer's own county whose term covers today are ever offered: no
cross-county service. Suggestions are only an order; the farmer may pick anyone from the county list.
Each suggestion carries its reasons as data, so the bot can word them in the farmer's language.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import pairwise
from typing import Any

from sqlalchemy import Select, func, select

from core import expert_figures
from core.budget import LOCAL_TZ
from core.errors import AlreadyDeclined, NotFound, NotPermitted
from core.lifecycle import Action
from nlu.lexicon import canonical_name
from storage.enums import ExpertStatus, RequestStatus
from storage.models import Expert, ExpertSpecialty, RequestEvent, ServiceRequest, Specialty
from storage.types import utcnow
from storage.uow import UnitOfWork

# Fit dominates: a specialist always outranks a non-specialist (the wrong specialty cannot solve the
# problem), and knowing the crop outranks every soft term together (their weights sum to < CROP_WEIGHT).
SPECIALTY_WEIGHT = 10.0
CROP_WEIGHT = 4.0
# Among equally fit experts: the farmers' satisfaction first (Art. 11(2)), then the chance to reach the
# yearly minimum (an expert under five services a year is dismissed, Art. 9(3)2(1)), then current load
# (a busy expert answers later).
RATING_WEIGHT = 1.0
FAIRNESS_WEIGHT = 0.8
LOAD_WEIGHT = 0.6

# Bayesian average: a few ratings move an expert only a little away from the prior, so one 5-star
# rating does not outrank a long record of 4.8s.
RATING_PRIOR_MEAN = 4.0
RATING_PRIOR_WEIGHT = 5
YEARLY_MINIMUM_SERVICES = 5

# Which side of the farm a coarse group serves. After the request's own specialty come the experts
# of the same side, then the rest: a tomato's whitefly is nearer to a soil or irrigation specialist
# than to a vet (a vet was suggested for it, on ratings and load alone), a sheep's diarrhoea nearer
# to an animal husbandry specialist than to an agronomist. A group not listed is a side of its own.
SIDE_OF_GROUP = {
    "crop_cultivation": "plants",
    "plant_protection": "plants",
    "animal_husbandry": "animals",
    "veterinary": "animals",
}

OPEN_STATUSES = (RequestStatus.approved, RequestStatus.in_service)
DONE_STATUSES = expert_figures.DONE_STATUSES
# Submitted, not yet in service: waiting for review, or approved and waiting for the expert.
WAITING_STATUSES = (RequestStatus.pending_review, RequestStatus.approved)

# Farmers and expert records name the same crop or animal differently. Local names, typos and English
# names ("Tomatoes" → 番茄) come from the NLU's synonyms (nlu.lexicon.canonical_name), the one list both
# the NLU and matching read; these groups add the looser kinships matching needs on top (羊 ~ 肉羊).
SUBJECT_SYNONYMS: tuple[frozenset[str], ...] = (
    frozenset({"向日葵", "葵花", "葵花籽", "油葵", "食葵"}),
    frozenset({"番茄", "西红柿"}),
    frozenset({"肉羊", "羊", "羊羔", "绵羊"}),
    frozenset({"马铃薯", "土豆"}),
    frozenset({"玉米", "苞米"}),
    frozenset({"辣椒", "线椒", "尖椒"}),
    frozenset({"蜜瓜", "甜瓜", "哈密瓜"}),
    frozenset({"奶牛", "乳牛"}),
)


REASON_PHRASES = {
    "zh": {
        "specialty_match": "专业对口",
        "other_specialty": "其他专业",
        "crop_match": "熟悉该作物/畜种",
        "rating": "评分{avg:.1f}（{count}条）",
        "open_load": "在办{n}件",
        "services_this_year": "今年已服务{n}次",
    },
    "en": {
        "specialty_match": "specialty match",
        "other_specialty": "other specialty",
        "crop_match": "knows this crop/animal",
        "rating": "rating {avg:.1f} ({count})",
        "open_load": "{n} open",
        "services_this_year": "{n} services this year",
        "services_this_year_1": "1 service this year",
    },
}


@dataclass(frozen=True)
class MatchReason:
    specialty_match: bool
    crop_match: bool
    rating_avg: float | None  # the plain mean of the expert's ratings, None before the first one
    rating_count: int
    open_load: int
    services_this_year: int
    yearly_minimum: int = YEARLY_MINIMUM_SERVICES
    # Not the request's specialty, but one on the same side of the farm (SIDE_OF_GROUP).
    related_specialty: bool = False

    @property
    def below_yearly_minimum(self) -> bool:
        return self.services_this_year < self.yearly_minimum

    @property
    def codes(self) -> tuple[str, ...]:
        flags = {
            "specialty_match": self.specialty_match,
            "crop_match": self.crop_match,
            "rated": self.rating_count > 0,
            "below_yearly_minimum": self.below_yearly_minimum,
        }
        return tuple(code for code, on in flags.items() if on)

    def text(self, language: str) -> str:
        """A one-line summary; the bot may word the structured fields itself instead."""
        phrase = REASON_PHRASES[language]
        parts = [phrase["specialty_match" if self.specialty_match else "other_specialty"]]
        if self.crop_match:
            parts.append(phrase["crop_match"])
        if self.rating_avg is not None:
            parts.append(phrase["rating"].format(avg=self.rating_avg, count=self.rating_count))
        parts.append(phrase["open_load"].format(n=self.open_load))
        n = self.services_this_year
        parts.append(phrase.get(f"services_this_year_{n}", phrase["services_this_year"]).format(n=n))
        return " · ".join(parts)

    @property
    def zh(self) -> str:
        return self.text("zh")

    @property
    def en(self) -> str:
        return self.text("en")


@dataclass(frozen=True)
class ExpertCard:
    """What a farmer sees of an expert; plain data, usable after the unit of work has closed."""

    id: int
    county_id: int
    name: str
    title: str
    specialty_codes: frozenset[str]
    keywords: tuple[str, ...]

    @classmethod
    def of(cls, expert: Expert) -> ExpertCard:
        return cls(
            id=expert.id,
            county_id=expert.county_id,
            name=expert.name,
            title=expert.title,
            specialty_codes=frozenset(expert.specialty_codes),
            keywords=tuple(expert.keywords),
        )


@dataclass(frozen=True)
class Suggestion:
    expert: ExpertCard
    score: float
    components: dict[str, float]
    reason: MatchReason

    @property
    def expert_id(self) -> int:
        return self.expert.id

    @property
    def reason_zh(self) -> str:
        return self.reason.zh

    @property
    def reason_en(self) -> str:
        return self.reason.en


@dataclass(frozen=True)
class ExpertPage:
    experts: list[ExpertCard]
    total: int
    offset: int

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.experts) < self.total


def _today(now: datetime | None) -> date:
    return (now or utcnow()).astimezone(LOCAL_TZ).date()


def _serving(expert: Expert, today: date) -> bool:
    return expert.status is ExpertStatus.active and expert.term_start <= today <= expert.term_end


def is_serving(expert: Expert, now: datetime | None = None) -> bool:
    """Active, and the five-year term covers today (Bayannur's date): who may serve or offer service."""
    return _serving(expert, _today(now))


def _serving_in_county(county_id: int, today: date, excluded: Collection[int] = ()) -> Select[Expert]:
    return select(Expert).where(
        Expert.county_id == county_id,
        Expert.status == ExpertStatus.active,
        Expert.term_start <= today,
        Expert.term_end >= today,
        Expert.id.not_in(excluded),
    )


# The invited expert said no to this request, by declining or by letting the invitation expire.
PASSED_ACTIONS = (Action.decline, Action.expire)


async def experts_who_passed(uow: UnitOfWork, request_id: int | None) -> frozenset[int]:
    """The experts who declined this request or let its invitation expire, from its recorded history.

    They are not offered again for it, neither in the suggestions nor in the county list: the farmer
    was just told that this expert will not serve, and inviting them again would only cost another
    day of review and another refusal. Leaving them out rather than listing them as "declined" keeps
    every button the farmer sees one that works; a forged or old button naming them is refused with
    its own message (AlreadyDeclined), not the generic "unavailable".
    """
    if request_id is None:
        return frozenset()
    rows = await uow.session.scalars(
        select(RequestEvent.expert_id).where(
            RequestEvent.request_id == request_id,
            RequestEvent.action.in_([str(action) for action in PASSED_ACTIONS]),
            RequestEvent.expert_id.is_not(None),
        )
    )
    return frozenset(expert_id for expert_id in rows if expert_id is not None)


_LATIN_WORD = re.compile(r"[a-z]+")


def _canonical_names(term: str) -> set[str]:
    """What the NLU's synonyms call the term, or its words: "Sunflowers" and "my sunflower" → 向日葵.
    A subject stays in the farmer's words when the NLU found no crop in it (the Rasa model has not
    learnt English), so English names are read here too, in any case, singular or plural."""
    lowered = term.lower()
    words = _LATIN_WORD.findall(lowered)
    phrases = [lowered, *words, *(f"{a} {b}" for a, b in pairwise(words))]
    return {name for phrase in phrases if (name := canonical_name(phrase)) is not None}


@functools.lru_cache(maxsize=4096)
def _names_for(term: str) -> frozenset[str]:
    # Cached: every suggestion matches the subject against each of the county's experts' keywords,
    # the same few dozen words each time.
    term = term.strip()
    names = ({term} | _canonical_names(term)) if term else set()
    for group in SUBJECT_SYNONYMS:
        if names & group:
            names |= group
    return frozenset(names)


def _same_thing(a: str, b: str) -> bool:
    shorter, longer = sorted((a, b), key=len)
    # One character is too little to go on: 羊 must not match 羊肚菌 (a mushroom).
    return shorter == longer or (len(shorter) >= 2 and shorter in longer)


def subject_matches(subject: str | None, keywords: Iterable[str]) -> bool:
    """True if the subject and a keyword name the same crop or animal (synonyms; 食用向日葵 ⊃ 向日葵)."""
    if not subject:
        return False
    wanted = _names_for(subject)
    return any(_same_thing(a, b) for keyword in keywords for b in _names_for(keyword) for a in wanted)


def bayesian_rating(stars_sum: int, count: int) -> float:
    return (RATING_PRIOR_MEAN * RATING_PRIOR_WEIGHT + stars_sum) / (RATING_PRIOR_WEIGHT + count)


def score(reason: MatchReason, bayes_rating: float) -> tuple[float, dict[str, float]]:
    shortfall = max(reason.yearly_minimum - reason.services_this_year, 0) / reason.yearly_minimum
    components = {
        "specialty": SPECIALTY_WEIGHT * reason.specialty_match,
        "crop": CROP_WEIGHT * reason.crop_match,
        "rating": RATING_WEIGHT * (bayes_rating - 1) / 4,
        "fairness": FAIRNESS_WEIGHT * shortfall,
        "load": LOAD_WEIGHT / (1 + reason.open_load),
    }
    return round(sum(components.values()), 6), {k: round(v, 6) for k, v in components.items()}


async def _requests_per_expert(
    uow: UnitOfWork,
    ids: Select[Any],
    statuses: Sequence[RequestStatus],
) -> dict[int, int]:
    rows = await uow.session.execute(
        select(ServiceRequest.expert_id, func.count())
        .where(ServiceRequest.expert_id.in_(ids), ServiceRequest.status.in_(statuses))
        .group_by(ServiceRequest.expert_id)
    )
    return {expert_id: count for expert_id, count in rows if expert_id is not None}


async def _cards(uow: UnitOfWork, serving: Select[Expert]) -> list[ExpertCard]:
    """The experts of `serving` as cards, read as plain columns: every serving expert of the county
    is scored on each suggestion, and ORM objects with their specialties cost more than the query."""
    rows = (
        await uow.session.execute(
            serving.with_only_columns(
                Expert.id, Expert.county_id, Expert.name, Expert.title, Expert.keywords
            ).order_by(Expert.id)
        )
    ).all()
    codes: dict[int, set[str]] = {row.id: set() for row in rows}
    for expert_id, code in await uow.session.execute(
        select(ExpertSpecialty.expert_id, ExpertSpecialty.specialty_code).where(
            ExpertSpecialty.expert_id.in_(list(codes))
        )
    ):
        codes[expert_id].add(code)
    return [
        ExpertCard(row.id, row.county_id, row.name, row.title, frozenset(codes[row.id]), tuple(row.keywords))
        for row in rows
    ]


async def suggest_experts(
    uow: UnitOfWork,
    *,
    farmer_county_id: int,
    specialty_code: str | None,
    subject: str | None,
    limit: int = 5,
    year: int | None = None,
    now: datetime | None = None,
    request_id: int | None = None,
) -> list[Suggestion]:
    """The county's serving experts, best fit first; ties broken by expert id. For a request being
    re-picked (`request_id`), without the experts who already declined it or let it expire."""
    today = _today(now)
    passed = await experts_who_passed(uow, request_id)
    serving = _serving_in_county(farmer_county_id, today, passed)
    experts = await _cards(uow, serving)
    # The county's serving experts as a subquery, not a list of a few hundred bound ids.
    ids = serving.with_only_columns(Expert.id)
    # Ratings of all time and services of the year from the running figures: one row per expert and
    # year, where counting them read the expert's whole history (issue 21).
    figures = await expert_figures.for_experts(uow, ids, year or today.year)
    open_load = await _requests_per_expert(uow, ids, OPEN_STATUSES)
    sides = await _sides(uow)
    wanted_side = sides.get(specialty_code) if specialty_code else None
    suggestions = []
    for expert in experts:
        kept = figures.get(expert.id, expert_figures.ExpertFigures())
        count, stars_sum = kept.rating_count, kept.rating_stars
        specialty_match = specialty_code in expert.specialty_codes
        reason = MatchReason(
            specialty_match=specialty_match,
            related_specialty=not specialty_match
            and wanted_side is not None
            and any(sides.get(code) == wanted_side for code in expert.specialty_codes),
            crop_match=subject_matches(subject, expert.keywords),
            rating_avg=round(stars_sum / count, 2) if count else None,
            rating_count=count,
            open_load=open_load.get(expert.id, 0),
            services_this_year=kept.services,
        )
        total, components = score(reason, bayesian_rating(stars_sum, count))
        suggestions.append(Suggestion(expert, total, components, reason))
    # The request's specialty first, then the same side of the farm, then the rest; within each,
    # by score. The weights already put every specialist first; the tiers say so outright.
    suggestions.sort(
        key=lambda s: (not s.reason.specialty_match, not s.reason.related_specialty, -s.score, s.expert.id)
    )
    return suggestions[:limit]


async def _sides(uow: UnitOfWork) -> dict[str, str]:
    """Each specialty's side of the farm, from its coarse group (stored data: admins may add)."""
    rows = await uow.session.execute(select(Specialty.code, Specialty.coarse_group))
    return {code: SIDE_OF_GROUP.get(group, group) for code, group in rows}


async def county_experts(
    uow: UnitOfWork,
    county_id: int,
    *,
    offset: int = 0,
    limit: int = 10,
    now: datetime | None = None,
    request_id: int | None = None,
) -> ExpertPage:
    """One page of every serving expert of the county, for the farmer's free choice; for a request
    being re-picked, without the experts who already declined it or let it expire."""
    query = _serving_in_county(county_id, _today(now), await experts_who_passed(uow, request_id))
    total = await uow.session.scalar(select(func.count()).select_from(query.subquery()))
    page = await uow.session.scalars(query.order_by(Expert.id).offset(offset).limit(limit))
    return ExpertPage(experts=[ExpertCard.of(e) for e in page], total=total or 0, offset=offset)


async def expert_available_to_farmer(
    uow: UnitOfWork,
    expert_id: int,
    farmer_county_id: int,
    *,
    now: datetime | None = None,
    request_id: int | None = None,
) -> Expert:
    """The expert, if this farmer may choose them (for `request_id`, when given); refuses forged or
    stale choices.

    NotPermitted: the expert serves another county (Art. 11(4)) — never a button we showed.
    AlreadyDeclined: the expert declined this request or let its invitation expire.
    NotFound: no such expert, or no longer serving (suspended, retired, term over).
    """
    expert = await uow.session.get(Expert, expert_id)
    if expert is None:
        raise NotFound("no such expert", expert_id=expert_id)
    if expert.county_id != farmer_county_id:
        raise NotPermitted(
            "experts serve their own county only; choose one of your county's experts",
            expert_id=expert_id,
        )
    if not _serving(expert, _today(now)):
        raise NotFound("this expert is not serving at the moment; please choose another", expert_id=expert_id)
    if expert.id in await experts_who_passed(uow, request_id):
        raise AlreadyDeclined(
            "this expert already declined this request or let the invitation expire; please choose another",
            expert_id=expert_id,
            request_id=request_id,
        )
    return expert
