"""/docs and /redoc work with no internet: every script, style and icon they load is served by
the app itself from packaged assets, under the same token rules as the rest."""

from __future__ import annotations

import re

import pytest


def _references(html: str) -> list[str]:
    return re.findall(r"""(?:src|href|url)\s*[=:(]\s*['"]([^'"]+)['"]""", html)


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_pages_load_only_local_assets(client, page):
    response = client.get(page)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    html = response.text
    assert "http://" not in html and "https://" not in html, html
    refs = _references(html)
    assert any(r.endswith(".js") for r in refs), refs
    for ref in refs:
        assert ref.startswith("/"), ref
        asset = client.get(ref)
        assert asset.status_code == 200, ref
        assert len(asset.content) > 1000, ref
    assert "/openapi.json" in html


def test_docs_assets_follow_the_token_rules(make_client):
    client = make_client(api_token="s3cret")
    assert client.get("/docs").status_code == 401
    assert client.get("/docs-assets/swagger-ui-bundle.js").status_code == 401
    auth = {"authorization": "Bearer s3cret"}
    assert client.get("/docs", headers=auth).status_code == 200
    assert client.get("/docs-assets/swagger-ui-bundle.js", headers=auth).status_code == 200
