import pytest

from chamber.core.validators import (
    check_id_number,
    check_mobile,
    check_uscc,
    normalize_code,
    normalize_mobile,
    org_code_check_char,
    uscc_check_char,
)

REAL_CODES = [
    "914403001922038216",  # Huawei
    "91440300708461136T",  # Tencent (Shenzhen)
    "91440300192317458F",  # BYD
    "91440300100012316L",  # Ping An
    "91110108551385082Q",  # Xiaomi
    "91340111MA2RAD3M4R",  # NIO
]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_pass_both_checks(code):
    assert check_uscc(code) is None


def test_standard_example_check_character():
    assert uscc_check_char("91350100M000100Y4") == "3"


@pytest.mark.parametrize("code", REAL_CODES)
def test_altered_final_character_fails_with_expected(code):
    wrong = "0" if code[-1] != "0" else "1"
    message = check_uscc(code[:-1] + wrong)
    assert message and "18" in message and code[-1] in message


def test_altered_org_code_check_fails():
    code = "914403001922038216"
    # change position 17 (org-code check) and fix position 18 so only the inner check fails
    body = code[:16] + ("1" if code[16] != "1" else "2")
    altered = body + uscc_check_char(body)
    message = check_uscc(altered)
    assert message and "17" in message and org_code_check_char(code[8:16]) in message


def test_pilot_code_fails_final_check_only():
    assert "18" in check_uscc("91350100M0001TGQXM")


@pytest.mark.parametrize("bad", ["91440300192203821", "9144030019220382161", "91440300I92203821O"])
def test_malformed_codes(bad):
    assert check_uscc(bad)


def test_normalize_code_handles_fullwidth_and_spaces():
    assert normalize_code(" ９１４４ ０３００１９２２０３８２１６ ") == "914403001922038216"


def test_id_number_check_digit():
    assert check_id_number("11010519491231002X") is None
    assert "X" in check_id_number("110105194912310021")


@pytest.mark.parametrize(
    ("raw", "ok"),
    [
        ("13812345678", True),
        ("+86 138-1234-5678", True),
        ("1381234567", False),
        ("12812345678", False),
    ],
)
def test_mobile(raw, ok):
    assert (check_mobile(normalize_mobile(raw)) is None) is ok
