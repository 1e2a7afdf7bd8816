"""Chinese column headings of the API's fields, for exports and the OpenAPI document.

A field's heading is its ``metadata["title"]`` where a schema gives one, else the heading of
its name here: most names (``id``, ``status_label``, ``amount`` …) mean the same in every
schema, so one glossary keeps every list's headings consistent. A schema names a field whose
meaning is its own (a project's ``name`` is 项目名称) with a ``title``.
"""

from __future__ import annotations

from marshmallow import fields

GLOSSARY: dict[str, str] = {
    "id": "编号", "code": "编码", "name": "名称", "title": "标题", "kind": "类别代码",
    "kind_label": "类别", "status": "状态代码", "status_label": "状态", "level": "级别代码",
    "level_label": "级别", "stage": "阶段代码", "stage_label": "阶段", "version": "版本",
    "description": "说明", "note": "备注", "reason": "原因", "attributes": "本市字段",
    "tags": "企业标签", "industry": "产业", "channel": "招商方式", "channel_label": "招商方式名称",
    "enterprise": "企业名称",
    "enterprise_id": "企业编号", "project_id": "项目编号", "lead_id": "线索编号",
    "run_id": "考核编号", "evaluation_id": "评估编号", "intermediary_id": "引荐人编号",
    "credit_code": "统一社会信用代码", "origin_region": "来源地区", "origin_province": "来源省份",
    "parent_code": "上级单位", "park_level": "园区级别", "designated_industries": "主导产业",
    "amount": "金额（万元）", "intended_amount": "意向投资额（万元）",
    "agreement_amount": "协议金额（万元）", "arrived_amount": "到位资金·已核实（万元）",
    "arrived_pending_amount": "到位资金·待核实（万元）", "payer_name": "出资方",
    "payer_credit_code": "出资方统一社会信用代码", "verification_label": "核实状态",
    "over_agreement": "超出协议比例", "over_agreement_ratio": "累计到位/协议投资额",
    "over_agreement_confirmed": "已确认超出协议", "verification_reason": "核实理由",
    "reported_at": "填报时间",
    "requested_amount": "申请金额（万元）", "support_amount": "拟支持金额（万元）",
    "uncapped_amount": "封顶前金额（万元）", "cap": "封顶金额（万元）",
    "unit": "单位", "owner_unit": "首问负责单位", "reporting_unit": "报送单位",
    "routed_to_unit": "研判单位", "first_talk_unit": "首谈地", "finding_unit": "招商单位",
    "host_unit": "落户单位", "from_unit": "招商方", "to_unit": "落户方",
    "reported_on": "报送日期", "first_talk_due": "首谈地研判期限",
    "first_talk_due_estimated": "期限为估算", "first_talk_working_days_left": "剩余工作日",
    "assigned_on": "研判日期", "rejected_reason": "退回原因", "duplicate_of_id": "重复于线索",
    "tiers": "项目类别代码", "tier_names": "项目类别", "out_of_province": "省外项目", "signed_on": "签约日期",
    "started_on": "开工日期", "completed_on": "竣工日期", "lost_on": "终止日期",
    "cleared_on": "清退日期", "leader_name": "包抓领导", "last_progress_on": "最近进展日期",
    "progress_note": "最近进展", "milestones": "节点", "next_stage": "下一阶段",
    "incomplete_fields": "下一阶段待补字段", "checklist": "下一阶段待补事项",
    "from_stage": "原阶段", "to_stage": "新阶段", "occurred_on": "发生日期", "actor": "操作人",
    "recorded_at": "记录时间", "arrived_on": "到位日期", "evidence_ref": "凭证编号",
    "verification": "核实状态", "verified_by": "核实人", "verified_at": "核实时间",
    "reported_by": "填报人", "planned_on": "计划日期", "actual_on": "实际日期",
    "indicator_share_from": "招商方指标分成比例", "tax_share_from": "招商方税收分成比例",
    "indicator_sharing_from": "指标分成起算", "tax_sharing_from": "税收分成起算",
    "agreed_on": "商定日期", "action": "操作", "changes": "变更内容",
    "subject": "评估对象", "subject_label": "对象", "subject_type": "对象类型",
    "subject_id": "对象编号", "pass_score": "及格分", "dimensions": "评估维度",
    "hard_refusals": "一票否决项", "steps": "评审流程", "step_labels": "流程名称",
    "required_before": "须在此阶段前通过", "ratings": "评级", "form_code": "评估表编码",
    "form_name": "评估表", "next_step": "下一步", "result": "得分", "passed": "是否通过",
    "failures": "未通过原因", "rating": "评级", "score": "得分", "decision": "决定",
    "decided_by": "决定人", "decided_at": "决定时间", "decided_on": "决定日期",
    "created_by": "录入人", "created_at": "录入时间", "reviewers": "评审人", "scores": "评分",
    "current": "目前得分", "rules": "规则", "rated_at": "评级时间", "field": "专业领域",
    "organisation": "单位", "contact": "联系方式", "active": "在库",
    "request": "申请内容", "requested_on": "申请日期", "decision_level": "决定层级代码",
    "decision_level_label": "决定层级", "proposal": "拟办意见", "proposed_by": "拟办人",
    "proposed_at": "拟办时间", "decision_text": "决定内容", "meeting_ref": "会议文号",
    "conditions_met": "条件是否全部落实", "work_orders": "工作派单", "conditions": "附加条件",
    "rule_code": "规则编码", "rule_name": "规则", "since": "起始日期", "raised_at": "发出时间",
    "cleared_at": "解除时间", "is_open": "未解除", "period": "周期", "period_label": "周期名称",
    "unit_kinds": "考核单位类别", "indicators": "指标", "adjustment_cap": "加减分上限",
    "total_cap": "总分上限", "year": "年度", "scheme_code": "考核方案编码",
    "scheme_name": "考核方案", "period_kind": "周期类型", "period_start": "周期起",
    "period_end": "周期止", "rules_year": "规则年度", "scheme": "方案", "computed_at": "计算时间",
    "computed_by": "计算人", "published_on": "公布日期", "published_at": "公布时间",
    "published_by": "公布人", "objection_deadline": "异议截止日期", "text": "内容",
    "filed_on": "提出日期", "filed_at": "提出时间", "filed_by": "提出人", "answer": "答复",
    "answered_by": "答复人", "answered_at": "答复时间", "recipient_type": "获奖对象类型",
    "recipient_id": "获奖对象编号", "recipient_name": "获奖对象", "capped": "是否封顶",
    "eligible": "是否符合条件", "ineligible_reason": "不符合原因", "basis": "计算依据",
    "project_ids": "相关项目", "columns": "列", "roles": "角色", "filters": "筛选条件",
    "sections": "内容", "chain": "产业链", "link": "环节",
    "province_code": "投资方省份代码", "division_code": "登记机关区划代码",
    "judged_at": "研判时间", "judged_on": "研判日期（服务器记录）",
    "original_planned_on": "最初约定日期", "previous_on": "原约定日期",
    "requested_by": "申请人", "requested_at": "申请时间", "decision_reason": "审批意见",
}


def field_title(name: str, field: fields.Field) -> str:
    """The Chinese heading of a field: its own ``title``, else the glossary's, else its name."""
    return field.metadata.get("title") or GLOSSARY.get(field.data_key or name) or name
