"""The outbox's figures an operator monitors (``GET /api/v1/events/status``)."""

from __future__ import annotations

from marshmallow import fields

from core.schemas.base import BaseSchema


class OutboxStatusSchema(BaseSchema):
    unsent = fields.Integer(metadata={"description": "尚未发布到 Kafka 的事件数（积压）"})
    oldest_unsent_time = fields.String(allow_none=True,
                                       metadata={"description": "最早一条未发布事件的发生时间（UTC）"})
    oldest_unsent_age_seconds = fields.Integer(
        allow_none=True, metadata={"description": "最早一条未发布事件已等待的秒数"})
    newest_sent_at = fields.String(allow_none=True,
                                   metadata={"description": "最近一次发布成功的时间（UTC）"})
    highest_position = fields.Integer(allow_none=True, metadata={"description": "最大事件序号"})
    rows = fields.Integer(metadata={"description": "发件箱现存行数"})
    pruned_count = fields.Integer(metadata={"description": "已清理的已发送事件累计数"})
    pruned_through_position = fields.Integer(
        allow_none=True, metadata={"description": "已清理事件的最大序号"})
    pruned_at = fields.String(allow_none=True, metadata={"description": "最近一次清理时间（UTC）"})
    as_of = fields.String(metadata={"description": "统计时刻（UTC）"})
