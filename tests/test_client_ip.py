"""The client address behind reverse proxies: forged X-Forwarded-For entries are ignored."""

from django.test import RequestFactory

from portal.net import client_ip


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="6.6.6.6", REMOTE_ADDR="10.0.0.2")
    assert client_ip(request) == "10.0.0.2"


def test_one_proxy_takes_the_address_it_appended(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7",
                                   REMOTE_ADDR="10.0.0.2")
    assert client_ip(request) == "203.0.113.7"


def test_short_chain_falls_back_to_the_peer(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="203.0.113.7", REMOTE_ADDR="10.0.0.2")
    assert client_ip(request) == "10.0.0.2"


def test_private_media_is_never_served_by_the_development_server(rf, settings, tmp_path):
    import pytest
    from django.http import Http404

    from portal.views import public_media

    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "dossiers").mkdir()
    (tmp_path / "dossiers" / "receipt.pdf").write_bytes(b"%PDF-1.7")
    (tmp_path / "decisions").mkdir()
    (tmp_path / "decisions" / "qd.pdf").write_bytes(b"%PDF-1.7")
    assert public_media(rf.get("/media/decisions/qd.pdf"), "decisions/qd.pdf").status_code == 200
    for path in ("dossiers/receipt.pdf", "eforms/1/x.pdf", "decisions/../dossiers/receipt.pdf"):
        with pytest.raises(Http404):
            public_media(rf.get("/media/" + path), path)
