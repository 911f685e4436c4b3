from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import NotFound, NotPermitted
from core.matching import (
    MatchReason,
    Suggestion,
    county_experts,
    expert_available_to_farmer,
    subject_matches,
    suggest_experts,
)
from storage.enums import ExpertStatus, RequestStatus
from storage.models import Expert, Farmer
from storage.uow import UnitOfWork
from tests import factories as make

NOW = datetime(2024, 6, 15, 4, tzinfo=UTC)
UowFactory = Callable[[], UnitOfWork]


async def suggestions_for(
    uow: UnitOfWork,
    county_id: int,
    *,
    specialty_code: str | None = "plant_protection",
    subject: str | None = "向日葵",
    limit: int = 5,
    year: int | None = None,
    now: datetime = NOW,
) -> list[Suggestion]:
    return await suggest_experts(
        uow,
        farmer_county_id=county_id,
        specialty_code=specialty_code,
        subject=subject,
        limit=limit,
        year=year,
        now=now,
    )


async def suggest(uow: UnitOfWork, county_id: int, **options: Any) -> list[int]:
    return [s.expert_id for s in await suggestions_for(uow, county_id, **options)]


async def give_services(
    uow: UnitOfWork,
    farmer: Farmer,
    expert: Expert,
    stars: Sequence[int | None],
    *,
    completed_at: datetime = datetime(2024, 3, 1, tzinfo=UTC),
) -> None:
    """One finished request per entry, rated with those stars (None: completed, not yet rated)."""
    for star in stars:
        status = RequestStatus.completed if star is None else RequestStatus.settled
        request = await make.service_request(
            uow, farmer, status=status, expert_id=expert.id, completed_at=completed_at
        )
        if star is not None:
            await make.rating(uow, request, star)


async def test_only_serving_experts_of_the_farmers_county_are_offered(uow_factory: UowFactory) -> None:
    async with uow_factory() as uow:
        home, other = await make.county(uow), await make.county(uow)
        serving = await make.expert(uow, home.id)
        await make.expert(uow, home.id, status=ExpertStatus.suspended)
        await make.expert(uow, home.id, status=ExpertStatus.retired)
        await make.expert(uow, home.id, term_end=date(2024, 6, 14))
        await make.expert(uow, home.id, term_start=date(2024, 6, 16))
        await make.expert(uow, other.id)
        last_day = await make.expert(uow, home.id, term_end=date(2024, 6, 15))
        await uow.commit()

    async with uow_factory() as uow:
        assert await suggest(uow, home.id, limit=50) == [serving.id, last_day.id]
        page = await county_experts(uow, home.id, offset=0, limit=50, now=NOW)
        assert [e.id for e in page.experts] == [serving.id, last_day.id]


async def test_term_day_is_judged_in_shanghai_time(uow_factory: UowFactory) -> None:
    async with uow_factory() as uow:
        home = await make.county(uow)
        await make.expert(uow, home.id, term_end=date(2024, 6, 15))
        await uow.commit()
    # 16:30 UTC on 15 June is already 16 June in Bayannur: the term is over.
    async with uow_factory() as uow:
        assert await suggest(uow, home.id, now=datetime(2024, 6, 15, 16, 30, tzinfo=UTC)) == []


async def test_specialty_fit_then_crop_fit_rank_first(uow_factory: UowFactory) -> None:
    async with uow_factory() as uow:
        home = await make.county(uow)
        farmer = await make.farmer(uow, home.id)
        neither = await make.expert(uow, home.id, specialties=["animal_husbandry"], keywords=["肉羊"])
        crop_only = await make.expert(uow, home.id, specialties=["soil_fertilizer"], keywords=["向日葵"])
        specialty_only = await make.expert(uow, home.id, keywords=["小麦"])
        both = await make.expert(uow, home.id, keywords=["葵花", "玉米"])
        # Everything soft favours the less fit experts: ratings, no load, no services yet.
        await give_services(uow, farmer, neither, [5] * 3, completed_at=datetime(2023, 5, 1, tzinfo=UTC))
        await give_services(uow, farmer, both, [2] * 6)
        await give_services(uow, farmer, specialty_only, [3] * 6)
        await make.service_request(uow, farmer, status=RequestStatus.in_service, expert_id=both.id)
        await uow.commit()

    async with uow_factory() as uow:
        assert await suggest(uow, home.id) == [both.id, specialty_only.id, crop_only.id, neither.id]


async def test_without_any_specialist_the_others_are_still_suggested(uow_factory: UowFactory) -> None:
    async with uow_factory() as uow:
        home = await make.county(uow)
        first = await make.expert(uow, home.id, specialties=["animal_husbandry"])
        second = await make.expert(uow, home.id, specialties=["soil_fertilizer"])
        await uow.commit()

    async with uow_factory() as uow:
        suggestions = await suggestions_for(uow, home.id, specialty_code="veterinary", subject=None)
    assert [s.expert_id for s in suggestions] == [first.id, second.id]
    assert not any(s.reason.specialty_match or s.reason.crop_match for s in suggestions)


async def test_after_the_specialists_the_same_side_of_the_farm_comes_first(uow_factory: UowFactory) -> None:
    """A plant's problem: a soil specialist before a vet, even a better-rated one (issue 17)."""
    async with uow_factory() as uow:
        home = await make.county(uow)
        farmer = await make.farmer(uow, home.id)
        vet = await make.expert(uow, home.id, specialties=["veterinary"])
        soil = await make.expert(uow, home.id, specialties=["soil_fertilizer"])
        specialist = await make.expert(uow, home.id)
        await give_services(uow, farmer, vet, [5] * 6)
        await give_services(uow, farmer, soil, [1] * 6)  # everything soft favours the vet
        await uow.commit()

    async with uow_factory() as uow:
        suggestions = await suggestions_for(uow, home.id, subject=None)
    assert [s.expert_id for s in suggestions] == [specialist.id, soil.id, vet.id]
    assert [s.reason.related_specialty for s in suggestions] == [False, True, False]


async def test_fairness_lifts_an_under_served_expert(uow_factory: UowFactory) -> None:
    async with uow_factory() as uow:
        home = await make.county(uow)
        farmer = await make.farmer(uow, home.id)
        busy_year = await make.expert(uow, home.id)
        quiet_year = await make.expert(uow, home.id)
        await give_services(uow, farmer, busy_year, [4, 4, 4, None, None, None])
        await give_services(uow, farmer, quiet_year, [4, 4, 4])
        # Last year's services (the Shanghai calendar year) do not count towards this year's minimum.
        late_2023 = datetime(2023, 12, 31, 15, 59, tzinfo=UTC)
        await give_services(uow, farmer, quiet_year, [None] * 3, completed_at=late_2023)
        await uow.commit()

    async with uow_factory() as uow:
        suggestions = await suggestions_for(uow, home.id)
    assert [s.expert_id for s in suggestions] == [quiet_year.id, busy_year.id]
    quiet, busy = (s.reason for s in suggestions)
    assert (quiet.services_this_year, quiet.below_yearly_minimum) == (3, True)
    assert (busy.services_this_year, busy.below_yearly_minimum) == (6, False)


async def test_year_boundary_is_shanghai_midnight(uow_factory: UowFactory) -> None:
    async with uow_factory() as uow:
        home = await make.county(uow)
        farmer = await make.farmer(uow, home.id)
        expert = await make.expert(uow, home.id)
        # 16:00 UTC on 31 December is 00:00 on 1 January in Bayannur.
        await give_services(uow, farmer, expert, [None], completed_at=datetime(2023, 12, 31, 16, tzinfo=UTC))
        await uow.commit()

    async with uow_factory() as uow:
        for year, count in ((2023, 0), (2024, 1)):
            [suggestion] = await suggestions_for(uow, home.id, specialty_code=None, subject=None, year=year)
            assert suggestion.reason.services_this_year == count


async def test_one_five_star_rating_does_not_beat_a_long_record(uow_factory: UowFactory) -> None:
    async with uow_factory() as uow:
        home = await make.county(uow)
        farmer = await make.farmer(uow, home.id)
        newcomer = await make.expert(uow, home.id)
        veteran = await make.expert(uow, home.id)
        last_year = datetime(2023, 5, 1, tzinfo=UTC)  # keeps this year's fairness equal
        await give_services(uow, farmer, newcomer, [5], completed_at=last_year)
        await give_services(uow, farmer, veteran, [5] * 10 + [4] * 2, completed_at=last_year)
        await uow.commit()

    async with uow_factory() as uow:
        suggestions = await suggestions_for(uow, home.id, subject=None)
    assert [s.expert_id for s in suggestions] == [veteran.id, newcomer.id]
    assert (suggestions[0].reason.rating_avg, suggestions[0].reason.rating_count) == (4.83, 12)
    assert (suggestions[1].reason.rating_avg, suggestions[1].reason.rating_count) == (5.0, 1)


async def test_open_load_prefers_the_less_busy_expert(uow_factory: UowFactory) -> None:
    async with uow_factory() as uow:
        home = await make.county(uow)
        farmer = await make.farmer(uow, home.id)
        busy, free = await make.expert(uow, home.id), await make.expert(uow, home.id)
        for status in (RequestStatus.approved, RequestStatus.in_service):
            await make.service_request(uow, farmer, status=status, expert_id=busy.id)
        # Neither a waiting repick nor a finished service is current load.
        for status in (RequestStatus.repick, RequestStatus.cancelled):
            await make.service_request(uow, farmer, status=status, expert_id=free.id)
        await uow.commit()

    async with uow_factory() as uow:
        suggestions = await suggestions_for(uow, home.id, subject=None)
    assert [(s.expert_id, s.reason.open_load) for s in suggestions] == [(free.id, 0), (busy.id, 2)]


async def test_equal_experts_are_ordered_by_id_and_limited(uow_factory: UowFactory) -> None:
    async with uow_factory() as uow:
        home = await make.county(uow)
        experts = [await make.expert(uow, home.id) for _ in range(7)]
        await uow.commit()

    async with uow_factory() as uow:
        assert await suggest(uow, home.id) == [e.id for e in experts[:5]]
        assert await suggest(uow, home.id, limit=2) == [e.id for e in experts[:2]]


async def test_suggestion_explains_itself(uow_factory: UowFactory) -> None:
    async with uow_factory() as uow:
        home = await make.county(uow)
        farmer = await make.farmer(uow, home.id)
        expert = await make.expert(uow, home.id, keywords=["向日葵"], name="王农艺", title="研究员")
        await give_services(uow, farmer, expert, [5, 4])
        await make.service_request(uow, farmer, status=RequestStatus.in_service, expert_id=expert.id)
        await uow.commit()

    async with uow_factory() as uow:
        [suggestion] = await suggestions_for(uow, home.id, subject="葵花")
    reason = suggestion.reason
    assert (suggestion.expert.name, suggestion.expert.title) == ("王农艺", "研究员")
    assert (reason.specialty_match, reason.crop_match) == (True, True)
    assert (reason.rating_avg, reason.rating_count, reason.open_load) == (4.5, 2, 1)
    assert (reason.services_this_year, reason.yearly_minimum) == (2, 5)
    assert reason.codes == ("specialty_match", "crop_match", "rated", "below_yearly_minimum")
    assert suggestion.reason_zh == "专业对口 · 熟悉该作物/畜种 · 评分4.5（2条） · 在办1件 · 今年已服务2次"
    assert suggestion.reason_en == (
        "specialty match · knows this crop/animal · rating 4.5 (2) · 1 open · 2 services this year"
    )
    assert set(suggestion.components) == {"specialty", "crop", "rating", "fairness", "load"}
    assert suggestion.score == pytest.approx(sum(suggestion.components.values()))


@pytest.mark.parametrize(("services", "said"), [(0, "0 services"), (1, "1 service"), (2, "2 services")])
def test_the_english_reason_counts_services_in_good_english(services: int, said: str) -> None:
    reason = MatchReason(
        specialty_match=True,
        crop_match=False,
        rating_avg=None,
        rating_count=0,
        open_load=0,
        services_this_year=services,
        yearly_minimum=5,
    )
    assert reason.en.endswith(f" · {said} this year")
    assert reason.zh.endswith(f"今年已服务{services}次")


@pytest.mark.parametrize(
    ("subject", "keywords", "matches"),
    [
        ("葵花", ["向日葵"], True),
        ("向日葵", ["油葵"], True),
        ("食用向日葵", ["向日葵"], True),
        ("西红柿", ["番茄"], True),
        ("羊羔", ["肉羊"], True),
        ("羊", ["肉羊"], True),
        ("土豆", ["马铃薯", "小麦"], True),
        ("羊", ["羊肚菌"], False),
        ("玉米", ["小麦", "向日葵"], False),
        ("", ["向日葵"], False),
        (None, ["向日葵"], False),
        ("向日葵", [""], False),
        # English names, as a farmer using the bot in English writes them when the NLU found no crop
        ("Tomatoes", ["番茄"], True),
        ("tomato", ["辣椒", "番茄"], True),
        ("SUNFLOWERS", ["食用向日葵"], True),
        ("my sunflower field", ["向日葵"], True),
        ("sheep", ["肉羊"], True),
        ("Dairy Cows", ["奶牛"], True),
        ("cashmere goats", ["绒山羊"], True),
        ("potatoes", ["马铃薯"], True),
        ("tomatoes", ["向日葵", "小麦"], False),
        ("goats", ["燕麦"], False),
    ],
)
def test_subject_matches(subject: str | None, keywords: list[str], matches: bool) -> None:
    assert subject_matches(subject, keywords) is matches


async def test_county_list_is_paged(uow_factory: UowFactory) -> None:
    async with uow_factory() as uow:
        home, other = await make.county(uow), await make.county(uow)
        experts = [await make.expert(uow, home.id) for _ in range(7)]
        await make.expert(uow, home.id, status=ExpertStatus.suspended)
        await make.expert(uow, other.id)
        await uow.commit()

    async with uow_factory() as uow:
        pages = [await county_experts(uow, home.id, offset=o, limit=3, now=NOW) for o in (0, 3, 6)]
    assert [[e.id for e in p.experts] for p in pages] == [
        [e.id for e in experts[0:3]],
        [e.id for e in experts[3:6]],
        [experts[6].id],
    ]
    assert [(p.total, p.has_more) for p in pages] == [(7, True), (7, True), (7, False)]


async def test_expert_choice_is_checked_against_the_farmers_county(uow_factory: UowFactory) -> None:
    async with uow_factory() as uow:
        home, other = await make.county(uow), await make.county(uow)
        own = await make.expert(uow, home.id)
        foreign = await make.expert(uow, other.id)
        suspended = await make.expert(uow, home.id, status=ExpertStatus.suspended)
        expired = await make.expert(uow, home.id, term_end=date(2024, 1, 1))
        await uow.commit()

    async with uow_factory() as uow:
        assert (await expert_available_to_farmer(uow, own.id, home.id, now=NOW)).id == own.id
        with pytest.raises(NotPermitted):
            await expert_available_to_farmer(uow, foreign.id, home.id, now=NOW)
        for unavailable in (suspended.id, expired.id, 999_999):
            with pytest.raises(NotFound):
                await expert_available_to_farmer(uow, unavailable, home.id, now=NOW)


population = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=2),  # county index
        st.sampled_from(["plant_protection", "animal_husbandry", "soil_fertilizer"]),
        st.lists(st.sampled_from(["向日葵", "番茄", "肉羊", "玉米"]), max_size=2),
        st.sampled_from(list(ExpertStatus)),
        st.integers(min_value=0, max_value=2),  # open requests
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(population=population, farmer_county=st.integers(min_value=0, max_value=2))
async def test_matching_never_crosses_counties(
    uow_factory: UowFactory,
    population: list[tuple[int, str, list[str], ExpertStatus, int]],
    farmer_county: int,
) -> None:
    # Rows accumulate across examples; each example uses counties of its own, so that is harmless.
    async with uow_factory() as uow:
        counties = [await make.county(uow) for _ in range(3)]
        farmers = [await make.farmer(uow, c.id) for c in counties]
        serving: dict[int, set[int]] = {c.id: set() for c in counties}
        for county_index, specialty, keywords, status, load in population:
            county = counties[county_index]
            expert = await make.expert(
                uow, county.id, specialties=[specialty], keywords=keywords, status=status
            )
            for _ in range(load):
                await make.service_request(
                    uow, farmers[county_index], status=RequestStatus.in_service, expert_id=expert.id
                )
            if status is ExpertStatus.active:
                serving[county.id].add(expert.id)
        await uow.commit()

    home = counties[farmer_county].id
    async with uow_factory() as uow:
        suggested = await suggest(uow, home, limit=100)
        page = await county_experts(uow, home, offset=0, limit=100, now=NOW)
    assert set(suggested) == serving[home] == {e.id for e in page.experts}
    assert all(e.county_id == home for e in page.experts)
