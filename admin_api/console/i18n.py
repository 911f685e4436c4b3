"""The console's words: Chinese first, English second (?lang=en, kept in a cookie).

What farmers and experts wrote is shown as written; these are the console's own labels.
"""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

LANG_COOKIE = "jf_lang"
LANGS = ("zh", "en")

_WORDS: dict[str, tuple[str, str]] = {
    "title": ("精服 审核台", "Jingfu review desk"),
    "queue": ("待审队列", "Review queue"),
    "advisories": ("农技推送", "Advisories"),
    "complaints": ("投诉", "Complaints"),
    "audit": ("操作日志", "Audit log"),
    "log_in": ("登录", "Log in"),
    "log_out": ("退出", "Log out"),
    "name": ("用户名", "Name"),
    "password": ("密码", "Password"),
    "wrong_password": ("用户名或密码不对", "Wrong name or password"),
    "too_many": ("尝试次数过多，请稍后再试", "Too many attempts; try again later"),
    "csrf": (
        "表单已过期或来源不明，请刷新页面后重试",
        "The form expired or came from elsewhere; reload the page",
    ),
    "county": ("旗县区", "County"),
    "township": ("乡镇", "Township"),
    "specialty": ("专业", "Specialty"),
    "flagged": ("敏感词", "Flagged"),
    "overdue": ("已超期", "Overdue"),
    "claimed": ("认领", "Claimed"),
    "claimed_any": ("不限", "Any"),
    "claimed_me": ("我认领的", "By me"),
    "claimed_none": ("未认领", "Unclaimed"),
    "claimed_anyone": ("已被认领", "Claimed"),
    "filter": ("筛选", "Filter"),
    "clear": ("清除", "Clear"),
    "pending": ("待审", "Pending"),
    "empty_queue": ("没有符合条件的申请", "No request matches"),
    "waiting": ("已等待", "Waiting"),
    "hours": ("工作小时", "duty hours"),
    "due_by": ("截止", "Due by"),
    "claim": ("认领", "Claim"),
    "claimed_by": ("认领人", "Claimed by"),
    "photos": ("照片", "Photos"),
    "farmer": ("农户", "Farmer"),
    "expert": ("专家", "Expert"),
    "farmer_text": ("农户描述", "The farmer's words"),
    "nlu": ("系统识别", "What the NLU read"),
    "subject": ("作物/畜种", "Crop or animal"),
    "symptoms": ("症状", "Symptoms"),
    "growth_stage": ("生育期", "Growth stage"),
    "scale": ("规模", "Scale"),
    "place": ("地点", "Place"),
    "service_object": ("服务对象", "Service object"),
    "voucher": ("服务券余额", "Voucher balance"),
    "fee": ("费用", "Fee"),
    "load": ("在办", "open requests"),
    "rating": ("评分", "rating"),
    "timeline": ("经过", "Timeline"),
    "thread": ("对话", "Thread"),
    "notes": ("内部备注", "Internal notes"),
    "approve": ("通过", "Approve"),
    "reject": ("驳回", "Reject"),
    "reason": ("驳回理由（农户可见）", "Reason (the farmer reads it)"),
    "common_reasons": ("常用理由", "Common reasons"),
    "pick": ("— 选择 —", "— pick —"),
    "status": ("状态", "Status"),
    "done_approved": ("已通过申请", "Approved request"),
    "done_rejected": ("已驳回申请", "Rejected request"),
    "done_claimed": ("已认领申请", "Claimed request"),
    "error": ("无法完成", "Could not be done"),
    "back": ("返回", "Back"),
    "none": ("无", "none"),
    "when": ("时间", "When"),
    "who": ("操作人", "Who"),
    "action": ("操作", "Action"),
    "object": ("对象", "Object"),
    "more": ("更多", "More"),
    "reach": ("覆盖农户", "Farmers reached"),
    "text": ("内容", "Text"),
    # The desk: one advisory, one complaint, reviewers' notes (admin_api.console.desk).
    "advisories_pending": ("待审核", "Waiting for review"),
    "advisories_approved": ("已通过", "Approved"),
    "advisories_rejected": ("已驳回", "Rejected"),
    "advisory_pending_review": ("待审核", "Waiting for review"),
    "advisory_approved": ("已通过，推送中", "Approved, being sent"),
    "advisory_sent": ("已推送", "Sent"),
    "advisory_rejected": ("已驳回", "Rejected"),
    "category_pest": ("病虫害", "Pests and diseases"),
    "category_disaster": ("灾害", "Disaster"),
    "category_epidemic": ("动物疫病", "Animal epidemic"),
    "approve_send": ("通过并推送", "Approve and send"),
    "reason_expert": ("驳回理由（专家可见）", "Reason (the expert reads it)"),
    "reason_given": ("驳回理由", "Reason given"),
    "reviewed_at": ("审核时间", "Reviewed"),
    "done_advisory_approved": (
        "已通过，机器人正在推送给相关农户",
        "Approved: the bot is sending it to the farmers it concerns",
    ),
    "done_advisory_rejected": ("已驳回，专家会收到理由", "Rejected: the expert is told why"),
    "complaint_text": ("投诉内容", "The complaint"),
    "verdict": ("处理结论", "Verdict"),
    "verified_counts": ("（计入专家年度考核）", "(counts in the expert's yearly assessment)"),
    "resolution": ("处理说明", "Note on the finding"),
    "resolve": ("提交处理结果", "Resolve"),
    "done_complaint_resolved": ("投诉已处理", "Complaint resolved"),
    "add_note": ("添加内部备注", "Add an internal note"),
    # The registry: experts and the team (admin_api.console.registry).
    "experts": ("专家库", "Experts"),
    "full_name": ("姓名", "Name"),
    "team": ("专家团", "Team"),
    "new_expert": ("认定专家", "Certify an expert"),
    "edit": ("编辑", "Edit"),
    "save": ("保存", "Save"),
    "import": ("导入", "Import"),
    "export": ("导出", "Export"),
    "phone": ("手机号", "Mobile"),
    "job_title": ("职称", "Title"),
    "senior": ("副高及以上", "Associate senior or above"),
    "organisation": ("工作单位", "Organisation"),
    "keywords": ("服务作物/畜种", "Crops and animals"),
    "leader": ("团长", "Leader"),
    "certified_on": ("认定日期（聘期五年）", "Certified on (five-year term)"),
    "term": ("聘期", "Term"),
    "expert_active": ("在聘", "Active"),
    "expert_suspended": ("暂停", "Suspended"),
    "expert_retired": ("已解聘", "Dismissed"),
    "act_suspend": ("暂停", "Suspend"),
    "act_dismiss": ("解除聘用", "Dismiss"),
    "act_reinstate": ("恢复", "Reinstate"),
    "act_reason": ("理由（存档）", "Reason (kept on record)"),
    "done_expert_certified": ("已认定专家", "Expert certified"),
    "done_expert_edited": ("已保存", "Saved"),
    "done_expert_suspend": ("已暂停", "Suspended"),
    "done_expert_dismiss": ("已解除聘用", "Dismissed"),
    "done_expert_reinstate": ("已恢复", "Reinstated"),
    "import_hint": (
        "CSV（UTF-8）或 XLSX，第一行为表头，列：",
        "CSV (UTF-8) or XLSX, the first row a header, columns:",
    ),
    "import_refused": (
        "文件未导入，没有认定任何专家。请修改以下各行后重新导入：",
        "Nothing was imported. Correct these rows and import again:",
    ),
    "imported": ("已认定专家：", "Experts certified:"),
    "file": ("文件", "File"),
    "row": ("行", "Row"),
    "column": ("列", "Column"),
    "problem": ("问题", "Problem"),
    "members": ("在聘成员", "Active members"),
    "terms_ending": ("90天内聘期届满", "Terms ending within 90 days"),
    "team_in_order": ("符合第七条要求", "In order with Art. 7"),
    # The term lists (admin_api.console.term_pages) and the account (admin_api.console.account).
    "terms": ("词库", "Term lists"),
    "list": ("词表", "List"),
    "list_banned": ("违禁词", "Banned"),
    "list_sensitive": ("敏感词", "Sensitive"),
    "list_allowlist": ("放行词", "Allowlist"),
    "term_word": ("词语", "Term"),
    "category": ("类别", "Category"),
    "add_term": ("添加词语", "Add a term"),
    "import_terms": ("批量导入（全部或全不）", "Import many (all or none)"),
    "terms_lines": ("每行一个词，类别写在逗号后", "One term a line, a category after a comma"),
    "remove": ("删除", "Remove"),
    "done_terms_added": ("已添加", "Added"),
    "done_terms_imported": ("已导入", "Imported"),
    "done_terms_removed": ("已删除", "Removed"),
    "change_password": ("修改密码", "Change password"),
    "pw_current": ("当前密码", "Current password"),
    "pw_new": ("新密码（至少 10 个字符）", "New password (at least 10 characters)"),
    "pw_repeated": ("再次输入新密码", "New password again"),
    "pw_wrong_current": ("当前密码不对", "The current password is wrong"),
    "pw_differ": ("两次输入的新密码不一致", "The two new passwords differ"),
    "pw_too_short": ("新密码至少 10 个字符", "A new password has at least 10 characters"),
    "pw_changed": (
        "密码已修改；其他设备上的登录已退出",
        "Password changed; your sessions on other devices have ended",
    ),
    "complaint_open": ("待处理", "Open"),
    "complaint_verified": ("属实", "Verified"),
    "complaint_dismissed": ("不属实", "Unfounded"),
}

# What reviewers most often tell a farmer; the farmer reads Chinese, so these stay Chinese.
COMMON_REASONS = (
    "描述不清，请补充作物、症状和面积后重新提交",
    "照片看不清，请重新拍摄后提交",
    "重复提交，已有相同的申请",
    "不属于本项目的服务范围",
    "服务券余额不足",
)


# A request's states as reviewers name them; a state not listed shows its code.
_STATUS_ZH = {
    "draft": "草稿",
    "blocked": "已拦截",
    "pending_review": "待审核",
    "approved": "已通过",
    "repick": "待重选专家",
    "in_service": "服务中",
    "completed": "已完成",
    "settled": "已结算",
    "rejected": "已驳回",
    "cancelled": "已取消",
}


def status_namer(lang: str) -> Callable[[str], str]:
    def name(status: str) -> str:
        return _STATUS_ZH.get(str(status), str(status)) if lang == "zh" else str(status).replace("_", " ")

    return name


def language(request: web.Request) -> str:
    asked = request.query.get("lang")
    if asked in LANGS:
        return asked
    kept = request.cookies.get(LANG_COOKIE)
    return kept if kept in LANGS else "zh"


def translator(lang: str) -> Callable[[str], str]:
    index = LANGS.index(lang)

    def t(key: str) -> str:
        return _WORDS[key][index]

    return t
