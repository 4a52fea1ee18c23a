from decimal import Decimal

import pytest

from chamber.members.sizing import compute_size_class


@pytest.mark.parametrize(
    ("section", "division", "x", "y", "z", "expected"),
    [
        ("C", "39", 1000, Decimal(40000), None, "large"),
        ("C", "39", 999, Decimal(40000), None, "medium"),  # every indicator must be met
        ("C", "39", 300, Decimal(2000), None, "medium"),
        ("C", "39", 20, Decimal(300), None, "small"),
        ("C", "39", 19, Decimal(300000), None, "micro"),  # one below small is enough
        ("E", "48", None, Decimal(80000), Decimal(80000), "large"),
        ("F", "51", 20, Decimal(5000), None, "medium"),
        ("F", "52", 20, Decimal(5000), None, "small"),  # retail needs X>=50 for medium
        ("I", "65", 100, Decimal(1000), None, "medium"),
        ("L", "72", 300, None, Decimal(120000), "large"),
        ("P", "83", 150, None, None, "medium"),  # "other": employees only
        ("C", "39", None, None, None, ""),
        ("C", "39", 500, None, None, ""),  # can't decide without revenue
    ],
)
def test_size_class(section, division, x, y, z, expected):
    assert (
        compute_size_class(section=section, division=division, employees=x, revenue=y, assets=z)
        == expected
    )
