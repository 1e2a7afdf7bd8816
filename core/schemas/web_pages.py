"""The city's own pages of the web interface, as the gateway's interface reads them."""

from __future__ import annotations

from marshmallow import fields

from core.schemas.base import BaseSchema


class WebColumnSchema(BaseSchema):
    key = fields.String(metadata={"description": "行内取值的路径（点分）"})
    heading = fields.String()
    format = fields.String(metadata={"description": "text、amount（万元）、count、percent、date、"
                                                    "yes_no、list"})
    item_key = fields.String(allow_none=True)


class WebChartSchema(BaseSchema):
    kind = fields.String(metadata={"description": "bar、line、pie"})
    title = fields.String()
    category = fields.String()
    values = fields.Function(lambda chart: [{"key": key, "name": name}
                                            for key, name in chart.values])


class WebSectionSchema(BaseSchema):
    title = fields.String()
    source = fields.String(metadata={"description": "本市 /api/v1/ 下的数据路径"})
    rows = fields.String(metadata={"description": "返回内容中行列表的路径，空为整体"})
    columns = fields.List(fields.Nested(WebColumnSchema))
    charts = fields.List(fields.Nested(WebChartSchema))
    export = fields.String(allow_none=True, metadata={"description": "同一数据的 Excel 导出路径"})


class WebFilterSchema(BaseSchema):
    name = fields.String()
    label = fields.String()
    kind = fields.String()
    default = fields.String(allow_none=True)
    choices = fields.Function(lambda item: [{"code": code, "name": name}
                                            for code, name in item.choices],
                              metadata={"description": "可选值（编码与中文名称）；空则自由填写"})


class WebFormFieldSchema(BaseSchema):
    name = fields.String(metadata={"description": "提交内容中的路径（点分），或目标路径中的 {name}"})
    label = fields.String()
    kind = fields.String(metadata={"description": "text、textarea、date、number、amount（万元）、"
                                                  "choice、choices（多选）、yes_no"})
    choices = fields.Function(lambda item: [{"code": code, "name": name}
                                            for code, name in item.choices])
    required = fields.Boolean()
    hint = fields.String()


class WebFormSchema(BaseSchema):
    code = fields.String()
    title = fields.String()
    target = fields.String(metadata={"description": "提交到本市 /api/v1/ 下的路径，"
                                                    "{project_id}、{lead_id} 为记录编号"})
    method = fields.String()
    roles = fields.List(fields.String())
    satisfies = fields.List(fields.String(), metadata={"description": "所满足的拒绝规则（前缀）"})
    submit = fields.String()
    description = fields.String()
    fields_ = fields.List(fields.Nested(WebFormFieldSchema), data_key="fields",
                          attribute="fields")


class WebPageSchema(BaseSchema):
    code = fields.String()
    title = fields.String()
    description = fields.String()
    roles = fields.List(fields.String())
    shown_on = fields.List(fields.String(), metadata={
        "title": "显示位置",
        "description": "显示位置：menu（菜单中的独立页面）、project（项目页中的栏目，按项目编号）、"
                       "lead（线索页中的栏目，按线索编号）"})
    filters = fields.List(fields.Nested(WebFilterSchema))
    sections = fields.List(fields.Nested(WebSectionSchema))
    forms = fields.List(fields.Nested(WebFormSchema), metadata={"title": "表单"})
