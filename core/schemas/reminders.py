"""The to-do list's answer, reminder subscriptions and deliveries."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from marshmallow import ValidationError, fields, validate, validates_schema

from core.models.reminders import CHANNELS, DELIVERY_STATUSES, MODES, SCOPES
from core.reminder_channels import SECRET_ENV_PREFIX, SECRET_PLACEHOLDER
from core.schemas.base import BaseSchema, Page
from core.todos import KIND_LABELS, URGENCY_LABELS

# Query parameters of a group robot's address that carry its token.
TOKEN_PARAMETERS = ("key", "access_token", "token")


class TodoQuery(BaseSchema):
    name = fields.String(load_default=None, validate=validate.Length(max=100), metadata={
        "description": "领导本人姓名（包抓项目以姓名记载；网关按登录账号填写）"})


class TodoSchema(BaseSchema):
    kind = fields.String(metadata={"description": "、".join(f"{k} {v}" for k, v in
                                                          KIND_LABELS.items())})
    kind_label = fields.String()
    key = fields.String(metadata={"description": "事项标识（每天按此只提醒一次）"})
    title = fields.String()
    due = fields.Date(allow_none=True)
    urgency = fields.String(metadata={"description": "、".join(f"{k} {v}" for k, v in
                                                             URGENCY_LABELS.items())})
    urgency_label = fields.String()
    api_path = fields.String(metadata={"description": "相对于本市 /api/v1/ 的记录地址"})
    web_path = fields.String(metadata={"description": "相对于本市网页 /web/c/<城市>/ 的页面地址"})


class TodoListSchema(BaseSchema):
    today = fields.Date()
    total = fields.Integer()
    urgent = fields.Integer(metadata={"description": "已逾期或今日到期的事项数"})
    items = fields.List(fields.Nested(TodoSchema))


class SubscriptionCreate(BaseSchema):
    channel = fields.String(required=True, validate=validate.OneOf(list(CHANNELS)),
                            metadata={"description": "email 电子邮件、webhook 群机器人"})
    address = fields.String(required=True, validate=validate.Length(min=3, max=500), metadata={
        "description": "邮箱地址，或群机器人地址（密钥处写 {secret}）"})
    secret_env = fields.String(load_default=None, allow_none=True, validate=validate.Regexp(
        rf"^{SECRET_ENV_PREFIX}[A-Z0-9_]{{1,60}}$"), metadata={
        "description": f"保存群机器人密钥的环境变量名（{SECRET_ENV_PREFIX}…）"})
    mode = fields.String(required=True, validate=validate.OneOf(list(MODES)),
                         metadata={"description": "digest 每日汇总、immediate 即时提醒"})
    name = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100),
                         metadata={"description": "领导本人姓名（按包抓项目提醒）"})

    @validates_schema
    def _address_fits_channel(self, data: dict, **_: object) -> None:
        address = data.get("address") or ""
        if data.get("channel") == "email":
            try:
                fields.Email().deserialize(address)
            except ValidationError:
                raise ValidationError("邮箱地址格式不正确", "address") from None
            return
        parts = urlsplit(address)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValidationError("群机器人地址应为 http(s) 网址", "address")
        for name, value in parse_qsl(parts.query.replace(SECRET_PLACEHOLDER, "SECRET")):
            if name in TOKEN_PARAMETERS and value != "SECRET":
                raise ValidationError(
                    f"地址中的密钥（{name}）不能明文保存：请写作 {name}={SECRET_PLACEHOLDER}，"
                    "并在 secret_env 中填写保存密钥的环境变量名", "address")
        if SECRET_PLACEHOLDER in address and not data.get("secret_env"):
            raise ValidationError("地址含 {secret} 时须填写 secret_env", "secret_env")


class UnitSubscriptionCreate(SubscriptionCreate):
    unit = fields.String(required=True, validate=validate.Length(min=1, max=64),
                         metadata={"description": "单位编码（发送该单位经办人的待办）"})


class SubscriptionQuery(BaseSchema):
    scope = fields.String(load_default=None, validate=validate.OneOf(list(SCOPES)))


class SubscriptionSchema(BaseSchema):
    id = fields.Integer()
    scope = fields.String()
    scope_label = fields.Function(lambda row: SCOPES.get(row.scope))
    user = fields.String(allow_none=True)
    role = fields.String()
    unit = fields.String(attribute="unit_code", allow_none=True)
    name = fields.String(attribute="leader_name", allow_none=True)
    channel = fields.String()
    channel_label = fields.Function(lambda row: CHANNELS.get(row.channel))
    address = fields.String()
    secret_env = fields.String(allow_none=True)
    mode = fields.String()
    mode_label = fields.Function(lambda row: MODES.get(row.mode))
    active = fields.Boolean()
    created_by = fields.String()
    created_at = fields.DateTime()


class SubscriptionList(BaseSchema):
    items = fields.List(fields.Nested(SubscriptionSchema))


class DeliveryQuery(Page):
    status = fields.String(load_default=None, validate=validate.OneOf(list(DELIVERY_STATUSES)))


class AttemptSchema(BaseSchema):
    attempted_at = fields.DateTime()
    outcome = fields.String(metadata={"description": "sent 已送达、failed 失败（稍后重试）"})
    detail = fields.String(allow_none=True)


class DeliverySchema(BaseSchema):
    id = fields.Integer()
    subscription_id = fields.Integer(metadata={"title": "订阅编号"})
    item_key = fields.String(metadata={"title": "提醒事项"})
    day = fields.Date(metadata={"title": "提醒日期"})
    channel = fields.String(metadata={"title": "发送渠道"})
    recipient = fields.String(metadata={"title": "接收人"})
    subject = fields.String(metadata={"title": "主题"})
    status = fields.String()
    status_label = fields.Function(lambda row: DELIVERY_STATUSES.get(row.status))
    attempts = fields.Integer(metadata={"title": "发送次数"})
    next_attempt_at = fields.DateTime(metadata={"title": "下次发送时间"})
    last_error = fields.String(allow_none=True, metadata={"title": "最近错误"})
    sent_at = fields.DateTime(allow_none=True, metadata={"title": "发送时间"})
    history = fields.List(fields.Nested(AttemptSchema), attribute="attempt_rows",
                          metadata={"title": "发送记录"})
