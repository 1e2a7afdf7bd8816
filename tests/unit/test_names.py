"""Enterprise names reduced to a duplicate-detection key."""

from __future__ import annotations

import pytest

from core.names import normalise_enterprise_name as normalise


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("华为技术有限公司", "华为技术"),
        ("  华为技术 有限公司\n", "华为技术"),
        ("华为技术（深圳）有限公司", "华为技术深圳"),
        ("华为技术(深圳)有限公司", "华为技术深圳"),
        ("华为技术【深圳】有限公司", "华为技术深圳"),
        ("ＡＢＣ科技有限公司", "abc科技"),
        ("ABC科技股份有限公司", "abc科技"),
        ("兰州某某有限责任公司", "兰州某某"),
        ("某某集团有限公司", "某某"),
        ("某某集团股份有限公司", "某某"),
        ("某某集团", "某某"),
        ("某某公司", "某某"),
        ("某某投资中心（有限合伙）", "某某投资中心"),
        ("可口可乐·中国 饮料有限公司", "可口可乐中国饮料"),
        ("Coca-Cola Co.", "cocacolaco"),
        ("AT&T 中国", "at&t中国"),
    ],
)
def test_normalise(name, key):
    assert normalise(name) == key


def test_spellings_of_one_name_share_a_key():
    spellings = [
        "甘肃某某新能源集团有限公司",
        "甘肃某某新能源（集团）有限公司",
        " 甘肃某某新能源集团 ",
        "甘肃某某新能源有限公司",
    ]
    assert len({normalise(s) for s in spellings}) == 1


def test_region_prefixes_are_kept():
    assert normalise("兰州某某有限公司") != normalise("天水某某有限公司")
    assert normalise("甘肃某某有限公司") == "甘肃某某"


def test_bracket_content_is_kept():
    assert normalise("某某（兰州）有限公司") != normalise("某某（天水）有限公司")


def test_branches_are_not_their_head_office():
    assert normalise("某某有限公司兰州分公司") == "某某有限公司兰州分公司"
    assert normalise("某某有限公司兰州分公司") != normalise("某某有限公司")


def test_a_bare_legal_form_is_not_reduced_to_nothing():
    assert normalise("有限公司") == "有限公司"
    assert normalise("集团公司") == "集团"


def test_blank_name():
    assert normalise("") == ""
    assert normalise(" \u3000 ") == ""


@pytest.mark.parametrize(
    "name", ["某某集团股份有限公司", "华为技术（深圳）有限公司", "ABC Co., Ltd."]
)
def test_normalising_twice_changes_nothing(name):
    assert normalise(normalise(name)) == normalise(name)
