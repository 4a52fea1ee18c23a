"""Phone-sized pages: lists serve 20 rows while the narrow cookie (chamber.js) is set."""

from django.test import RequestFactory

from chamber.core.pagination import PHONE_PAGE_SIZE, page_size


def test_page_size_follows_the_narrow_cookie():
    rf = RequestFactory()
    assert page_size(rf.get("/"), 50) == 50
    narrow = rf.get("/")
    narrow.COOKIES["narrow"] = "1"
    assert page_size(narrow, 50) == PHONE_PAGE_SIZE == 20
    assert page_size(narrow, 10) == 10  # never more than the page's own size
    wide = rf.get("/")
    wide.COOKIES["narrow"] = "0"
    assert page_size(wide, 100) == 100
