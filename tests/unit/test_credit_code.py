"""The unified social credit code (GB 32100-2015) and its organisation code (GB 11714)."""

from __future__ import annotations

import pytest

from core.credit_code import (
    CHARSET,
    CreditCodeError,
    check_character,
    is_valid_credit_code,
    make_credit_code,
    organisation_check_character,
    validate_credit_code,
)

# Published codes of real enterprises (Huawei, Tencent, Alibaba) and a Fujian-format code whose
# organisation part begins with a letter; both check characters computed by hand.
VALID = [
    "914403001922038216",
    "9144030071526726XG",
    "91330100799655058B",
    "91350100M000100Y43",
]


def error_of(code: str) -> CreditCodeError:
    with pytest.raises(CreditCodeError) as info:
        validate_credit_code(code)
    assert isinstance(info.value, ValueError)
    assert str(info.value) == info.value.message
    return info.value


@pytest.mark.parametrize("code", VALID)
def test_valid_codes(code):
    assert validate_credit_code(code) == code
    assert is_valid_credit_code(code)


def test_codes_are_normalised():
    assert validate_credit_code("  9144030071526726xg\n") == "9144030071526726XG"
    assert validate_credit_code("９１３３０１００７９９６５５０５８Ｂ") == "91330100799655058B"


def test_check_characters_by_hand():
    # 91350100M000100Y4: weighted sum 1640 = 52 * 31 + 28, and 31 - 28 = 3.
    assert check_character("91350100M000100Y4") == "3"
    # 91110000000000457: weighted sum 0 (mod 31), and 31 - 0 = 31 is written 0.
    assert check_character("91110000000000457") == "0"
    # Organisation code M000100Y: M = 22, Y = 34; sum 139 = 12 * 11 + 7, and 11 - 7 = 4.
    assert organisation_check_character("M000100Y") == "4"
    assert organisation_check_character("71526726") == "X"  # sum mod 11 = 1: 11 - 1 = 10 is X
    assert organisation_check_character("00000000") == "0"  # 11 - 0 = 11 is written 0


@pytest.mark.parametrize("code", ["", "   "])
def test_empty(code):
    error = error_of(code)
    assert error.code == "credit_code.empty"
    assert error.message == "统一社会信用代码不能为空"


@pytest.mark.parametrize("code", ["91440300192203821", "9144030019220382160", "91440300"])
def test_wrong_length(code):
    error = error_of(code)
    assert error.code == "credit_code.length"
    assert error.message == f"统一社会信用代码应为18位，实际为{len(code)}位"


@pytest.mark.parametrize(
    ("code", "position", "char"),
    [
        ("91440300I922038216", 9, "I"),
        ("91440300192203821O", 18, "O"),
        ("9S4403001922038216", 2, "S"),
        ("914403001922-38216", 13, "-"),
        ("91440300192203821Z", 18, "Z"),
    ],
)
def test_bad_charset(code, position, char):
    error = error_of(code)
    assert error.code == "credit_code.charset"
    assert error.message.startswith(f"统一社会信用代码第{position}位“{char}”不是有效字符")


def test_unknown_registration_authority():
    error = error_of(make_credit_code("91440300192203821").replace("9", "B", 1))
    assert error.code == "credit_code.registry"
    assert "登记管理部门代码“B”无效" in error.message


def test_region_must_be_digits():
    error = error_of("9144A3001922038216")
    assert error.code == "credit_code.region"
    assert "行政区划码" in error.message


def test_organisation_code_check_digit():
    # A plausible-looking code whose organisation part 10000110-1 should end in 7.
    error = error_of("911100001000011011")
    assert error.code == "credit_code.org_check_digit"
    assert error.message == "统一社会信用代码第9–17位组织机构代码校验位错误：第17位应为 7"


def test_wrong_check_character():
    error = error_of("914403001922038217")
    assert error.code == "credit_code.check_digit"
    assert error.message == "统一社会信用代码校验位错误：应为 6"


@pytest.mark.parametrize("code", VALID)
def test_every_single_character_change_is_caught(code):
    for i in range(18):
        for c in CHARSET:
            if c != code[i]:
                changed = code[:i] + c + code[i + 1 :]
                assert not is_valid_credit_code(changed), changed


def test_make_credit_code():
    assert make_credit_code("91440300192203821") == "914403001922038216"
    assert make_credit_code(" 9144030071526726x") == "9144030071526726XG"
    prefix = "92620100" + "L1234567"
    code = make_credit_code(prefix + organisation_check_character(prefix[8:]))
    assert validate_credit_code(code) == code


@pytest.mark.parametrize(
    ("prefix", "code"),
    [
        ("9144030019220382", "credit_code.length"),
        ("914403001922038216", "credit_code.length"),
        ("91440300I92203821", "credit_code.charset"),
        ("91440300192203822", "credit_code.org_check_digit"),
    ],
)
def test_make_credit_code_rejects_bad_prefixes(prefix, code):
    with pytest.raises(CreditCodeError) as info:
        make_credit_code(prefix)
    assert info.value.code == code


@pytest.mark.parametrize("value", [None, 914403001922038216, b"914403001922038216", "bad"])
def test_is_valid_never_raises(value):
    assert is_valid_credit_code(value) is False


def test_validate_rejects_non_strings():
    with pytest.raises(TypeError):
        validate_credit_code(None)  # type: ignore[arg-type]
