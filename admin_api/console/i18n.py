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
    "complaint_open": ("待处理", "Open"),
    "complaint_verified": ("属实", "Verified"),
    "complaint_dismissed": ("不属实", "Unfounded"),
    # The money pages: vouchers, reimbursement statements, the fee schedule.
    "vouchers": ("服务券", "Vouchers"),
    "statements": ("核销结算", "Statements"),
    "fees": ("收费标准", "Fees"),
    "kind": ("服务对象类别", "Kind"),
    "kind_household": ("示范户", "Household"),
    "kind_point": ("示范点", "Point"),
    "kind_park": ("农业科技园区", "Park"),
    "kind_unit": ("示范单位", "Unit"),
    "township_id": ("乡镇编号", "Township id"),
    "budget_year": ("预算年度", "Budget year"),
    "issued": ("已发放", "Issued"),
    "available": ("可用", "Available"),
    "held": ("冻结", "Held"),
    "captured": ("已核销", "Captured"),
    "expired": ("已过期", "Expired"),
    "ledger": ("流水", "Ledger"),
    "movement": ("类型", "Movement"),
    "amount": ("金额", "Amount"),
    "request": ("申请", "Request"),
    "note": ("备注", "Note"),
    "ledger_issue": ("发放", "Issue"),
    "ledger_hold": ("冻结", "Hold"),
    "ledger_release": ("解冻", "Release"),
    "ledger_capture": ("核销", "Capture"),
    "ledger_expire": ("过期", "Expiry"),
    "ledger_adjust": ("调整", "Adjustment"),
    "adjust": ("调整余额", "Adjust the balance"),
    "delta_yuan": ("增减金额（元，减少写负数）", "Change in yuan (negative to lower)"),
    "adjust_reason": ("调整理由（记入操作日志）", "Reason (kept in the audit log)"),
    "done_adjusted": ("已调整余额", "Balance adjusted"),
    "issue_batch": ("发放服务券", "Issue vouchers"),
    "issue_who": (
        "按类别、乡镇，或填写服务对象编号（逗号或空格分隔）",
        "By kind, by township, or a list of service object ids (commas or spaces)",
    ),
    "object_ids": ("服务对象编号", "Service object ids"),
    "amount_yuan": ("每户金额（元）", "Amount per account (yuan)"),
    "preview": ("预览", "Preview"),
    "per_account": ("每户金额", "Per account"),
    "accounts": ("账户数", "Accounts"),
    "total": ("合计", "Total"),
    "confirm_once": (
        "确认后发放；重复点击或刷新不会重复发放",
        "Confirming issues the batch; a second click or a reload issues nothing more",
    ),
    "confirm_issue": ("确认发放", "Confirm and issue"),
    "no_accounts": (
        "没有符合条件的已认定服务对象，无法发放",
        "No certified service object matches; nothing to issue",
    ),
    "edit": ("修改", "Edit"),
    "issued_title": ("发放结果", "Batch issued"),
    "issued_now": ("已发放", "Issued"),
    "issued_before": (
        "这一批此前已经发放，本次未重复发放",
        "This batch was issued before; nothing was issued again",
    ),
    "batch_key": ("批次号", "Batch key"),
    "reconciliation": ("对账", "Reconciliation"),
    "checked": ("已核对账户", "Accounts checked"),
    "mismatches": ("不一致", "Mismatches"),
    "bad_amount": (
        "金额请写成元，最多两位小数，例如 600 或 12.50",
        "Write the amount in yuan with at most two decimals, e.g. 600 or 12.50",
    ),
    "bad_delta": (
        "增减金额请写成元，最多两位小数，不能为 0，例如 -50 或 20.5",
        "Write the change in yuan with at most two decimals, not 0, e.g. -50 or 20.5",
    ),
    "bad_ids": (
        "服务对象编号只能是数字，用逗号或空格分隔",
        "Service object ids are numbers, separated by commas or spaces",
    ),
    "period": ("结算期", "Period"),
    "download": ("下载", "Download"),
    "services": ("服务次数", "Services"),
    "statement_draft": ("草稿", "Draft"),
    "statement_confirmed": ("已确认", "Confirmed"),
    "statement_paid": ("已支付", "Paid"),
    "confirm": ("确认", "Confirm"),
    "mark_paid": ("标记已支付", "Mark paid"),
    "done_confirmed": ("已确认结算单", "Statement confirmed"),
    "done_paid": ("已标记支付", "Statement marked paid"),
    "in_force": ("现行标准", "In force now"),
    "mode": ("服务方式", "Service mode"),
    "mode_online": ("线上解答", "Online answer"),
    "mode_video": ("视频解答", "Video answer"),
    "mode_onsite_consult": ("现场咨询", "On-site consultation"),
    "mode_onsite_training": ("现场培训", "On-site training"),
    "set_fee": ("调整收费标准", "Set a fee"),
    "fee_yuan": ("费用（元）", "Fee (yuan)"),
    "effective_from": ("生效时间（北京时间，留空为立即）", "Effective from (Beijing time; empty: now)"),
    "fee_rule": (
        "新标准只能从现在或以后生效；已冻结的费用不受影响",
        "A new fee takes effect now or later; fees already held never change",
    ),
    "fee_entries": ("历次标准", "Every entry"),
    "starts": ("生效时间", "Effective from"),
    "entered": ("录入时间", "Entered"),
    "done_fee": ("已保存新收费标准", "Fee saved"),
    "bad_mode": ("请选择服务方式", "Pick a service mode"),
    "bad_date": ("生效时间格式不对，例如 2026-08-01T00:00", "Write the date as 2026-08-01T00:00"),
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
