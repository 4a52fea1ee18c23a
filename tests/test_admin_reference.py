"""基础数据: the admin in Chamber's look and in Chinese, each entry listed once."""

from __future__ import annotations

import re
from collections import Counter


def test_admin_index_is_chinese_themed_and_without_duplicates(client, world):
    client.force_login(world.admin)
    r = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    body = r.content.decode()
    assert r.status_code == 200
    assert "chamber/admin.css" in body and "基础数据" in body
    names = re.findall(r'<th scope="row"[^>]*>\s*<a href="[^"]*"[^>]*>([^<]+)</a>', body)
    assert names, "no model rows found on the admin index"
    assert [n for n, c in Counter(names).items() if c > 1] == []
    assert "诉求承办单位" in names and "提案承办单位" in names
