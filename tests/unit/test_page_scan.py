"""The page scan (tests/support/page_scan.py) reads what a person sees, and a refused select names
the values it allows by the options' texts (gateway/web/refill.py)."""

from __future__ import annotations

from gateway.web.refill import named_choices
from tests.support.page_scan import scan_page


def found(html: str) -> set[tuple[str, str]]:
    return {(finding.kind, finding.text) for finding in scan_page(html)}


def test_the_scan_reports_english_codes_raw_values_and_iso_instants_a_person_sees():
    page = ('<p title="Edit">进展：None；attributes.park_justification 于 2026-06-16T02:00:33 '
            'by system</p><input type="submit" value="Save">')
    assert found(page) == {("english", "Edit"), ("raw_value", "None"),
                           ("raw_code", "attributes.park_justification"),
                           ("iso_instant", "2026-06-16T02:00"), ("english", "by"),
                           ("english", "system"), ("english", "Save")}


def test_the_scan_skips_scripts_machine_attributes_and_numbers_the_office_writes():
    page = ('<script>var modern_services = null;</script><style>.who{}</style>'
            '<a href="/web/c/lanzhou/leads?status=reported" class="link">线索</a>'
            '<input name="payer_name" value="x">统一社会信用代码 91430100MJ0000018D，'
            '凭证 YH-00042-00010，导出Excel（.xlsx）')
    assert found(page) == set()


def test_records_in_code_elements_are_not_scanned_but_text_around_them_is():
    """A username, a path, a record shown as written (<code>) are records, not interface."""
    page = ('<td><code>lanzhou-clerk</code></td><td><code title="请求路径">/web/c/lanzhou/leads/5'
            '</code></td><td><code>leads/5</code></td><td>forbidden_role by <code>admin</code></td>'
            '<code title="Path"></code>')
    assert found(page) == {("raw_code", "forbidden_role"), ("english", "by"),
                           ("english", "Path")}


def test_a_refused_select_names_its_values_by_the_options_texts():
    choices = {"approved": "同意", "rejected": "不同意"}
    assert named_choices("应为以下取值之一：approved, rejected", choices) == "应为以下取值之一：同意、不同意"
    # A value the form does not offer now cannot be named: the person is asked to choose.
    assert named_choices("应为以下取值之一：approved, withdrawn", choices) == "请从列表中选择一项"
    assert named_choices("此项为必填项", choices) == "此项为必填项"
