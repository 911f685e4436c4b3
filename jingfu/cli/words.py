"""What `jingfu review` prints, in the configured language: Chinese for county staff, English second.

`JINGFU_LANGUAGE` is `zh_CN` (the default, as the bot's) or `en`. The names of statuses and service
modes come from the bot's own catalog (render/locales), so the terminal and the bot say them alike.
Messages of the core's rules (a refusal, a missing object) stay as the core words them.
"""

from __future__ import annotations

import os
from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo

from jingfu.cli.errors import CliError

VARIABLE = "JINGFU_LANGUAGE"
# Times are the reviewers' own: Bayannur keeps Beijing time.
LOCAL_TIME = ZoneInfo("Asia/Shanghai")
LANGUAGES = ("zh_CN", "en")

# key: (zh_CN, en). English plurals are chosen by count (`{s}`), never "1 requests".
_WORDS: dict[str, tuple[str, str]] = {
    "none_waiting_request": ("没有待审核的请求", "no request is waiting for review"),
    "none_waiting_advisory": ("没有待审核的农技推送", "no advisory is waiting for review"),
    "waiting_request": (
        "{n} 个请求待审核（北京时间）：",
        "{n} request{s} waiting for review (times Asia/Shanghai):",
    ),
    "waiting_advisory": (
        "{n} 条农技推送待审核（北京时间）：",
        "{n} advis{ies} waiting for review (times Asia/Shanghai):",
    ),
    "row_fee": (
        "    照片 {photos}  费用 {fee}（{mode}）  提交 {submitted}  应审于 {due}",
        "    photos {photos}  fee {fee} ({mode})  submitted {submitted}  review by {due}",
    ),
    "row_expert": ("    专家 {expert}", "    expert {expert}"),
    "row_flags": ("    敏感词：{flags}", "    screening flags: {flags}"),
    "none": ("无", "none"),
    "more": (
        "    …（共 {n} 字；`jingfu review show {id}` 看全文）",
        "    … ({n} characters; `jingfu review show {id}` shows all)",
    ),
    "from_offer": (
        "    来自专家 {expert} 给园区的服务 #{offer}：批准后服务即开始",
        "    from expert {expert}'s offer #{offer} to the park: approving starts the service",
    ),
    "approved_offer": (
        "已批准 #{id}；专家主动提供的服务，现在开始服务",
        "approved #{id}; the expert offered it, so the service starts now",
    ),
    "approved": (
        "已批准 #{id}；已邀请专家，答复期限 {until}",
        "approved #{id}; the expert is invited until {until}",
    ),
    "rejected": ("已驳回 #{id}；服务券冻结金额已退回", "rejected #{id}; the voucher hold is released"),
    "not_pending": (
        "请求 #{id} 的状态是「{status}」：只有待审核的请求才能{verb}；`jingfu review list` 列出待审核的请求",
        "request #{id} is '{status}': only a request pending review can be {verb}; "
        "`jingfu review list` shows them",
    ),
    "verb_approved": ("批准", "approved"),
    "verb_rejected": ("驳回", "rejected"),
    "advisory_row": (
        "#{id}  {county}  {expert}  {category}  面向 {subjects}",
        "#{id}  {county}  {expert}  {category}  for {subjects}",
    ),
    "all_subjects": ("全部作物和牲畜", "all crops and animals"),
    "advisory_reach": (
        "    提交 {submitted}  现在发送可送达 {n} 位农户",
        "    submitted {submitted}  would reach {n} farmer{s} now",
    ),
    "advisory_approved": (
        "已批准农技推送 #{id}；机器人将发给 {n} 位农户",
        "approved advisory #{id}; the bot sends it to {n} farmer{s}",
    ),
    "advisory_rejected": (
        "已驳回农技推送 #{id}；专家会收到理由",
        "rejected advisory #{id}; the expert is told the reason",
    ),
    # `jingfu review show`
    "show_head": ("请求 #{id}  {county}  状态：{status}", "request #{id}  {county}  status: {status}"),
    "township": ("，{township}", ", {township}"),
    "show_farmer": (
        "农户：{farmer}（服务对象 {so}，{kind}{township}）",
        "farmer: {farmer} (service object {so}, {kind}{township})",
    ),
    "show_voucher": (
        "服务券 {year} 年：可用 {available}，冻结 {held}",
        "voucher {year}: available {available}, held {held}",
    ),
    "show_no_voucher": ("服务券：本年度未发放", "voucher: none issued this year"),
    "show_text": ("农户原文：", "the farmer wrote:"),
    "show_hits": ("敏感词命中（{verdict}）：", "screening hits ({verdict}):"),
    "show_hit": (
        "    「{matched}」 第 {start}–{end} 字  词条 {term}  {category}  {action}",
        '    "{matched}" at {start}–{end}  term {term}  {category}  {action}',
    ),
    "show_nlu": (
        "理解：专业 {specialty}  作物/畜种 {subject}  症状 {symptoms}  时期 {stage}  规模 {scale}",
        "read as: specialty {specialty}  crop/animal {subject}  symptoms {symptoms}  stage {stage}"
        "  scale {scale}",
    ),
    "show_mode": ("服务方式 {mode}  费用 {fee}  地点 {place}", "mode {mode}  fee {fee}  place {place}"),
    "show_expert": (
        "专家：{name}（{title}，{organisation}）  在办 {open}  评分 {rating}",
        "expert: {name} ({title}, {organisation})  open {open}  rating {rating}",
    ),
    "show_no_expert": ("专家：未选择", "expert: none chosen"),
    "show_photos": ("照片 {n} 张", "{n} photo{s}"),
    "show_claim": ("认领：{name}，至 {until}", "claimed by {name} until {until}"),
    "show_timeline": ("经过：", "timeline:"),
    "show_event": (
        "    {at}  {action}  {from_status} → {to_status}{reason}",
        "    {at}  {action}  {from_status} → {to_status}{reason}",
    ),
    "show_thread": ("对话：", "thread:"),
    "show_message": ("    {at}  {sender}：{text}", "    {at}  {sender}: {text}"),
    "show_notes": ("审核备注（农户和专家看不到）：", "reviewers' notes (never shown to farmer or expert):"),
    "show_note": ("    {at}  {name}：{text}", "    {at}  {name}: {text}"),
    "kind_household": ("示范户", "demonstration household"),
    "kind_point": ("示范点", "demonstration point"),
    "kind_park": ("农业科技园区", "agricultural science park"),
    "kind_unit": ("示范单位", "demonstration unit"),
    "reason": ("（理由：{reason}）", " (reason: {reason})"),
}


def language() -> str:
    """The configured language; a value outside LANGUAGES is a mistake to say, not to ignore."""
    value = os.environ.get(VARIABLE, "").strip() or LANGUAGES[0]
    if value not in LANGUAGES:
        raise CliError(f"{VARIABLE}={value!r} is not a language here; use one of {', '.join(LANGUAGES)}")
    return value


def say(key: str, /, **values: object) -> str:
    zh, en = _WORDS[key]
    if language() == "zh_CN":
        return zh.format(**values)
    count = values.get("n")
    plural = count != 1
    return en.format(**values, s="s" if plural else "", ies="ories" if plural else "ory")


@cache
def _catalog() -> dict[str, dict[str, str]]:
    from render.i18n import Catalog

    return Catalog.load().messages


def catalog_name(group: str, value: str) -> str:
    """A status's or a mode's name as the bot says it (`status.pending_review` → 待审核)."""
    names = _catalog().get(language(), {})
    return names.get(f"{group}.{value}", value.replace("_", " "))


def local_time(at: datetime | None) -> str:
    """A moment as county staff read it: Beijing time to the minute, or a dash."""
    return at.astimezone(LOCAL_TIME).strftime("%Y-%m-%d %H:%M") if at else "—"
