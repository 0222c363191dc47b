from aipick.ratelimit import client_ip


def test_behind_a_proxy_each_reader_is_counted_by_their_own_address(rf, settings):
    """With the proxy's header named, limits count readers, not the proxy they share."""
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 5.6.7.8")
    assert client_ip(request) == "5.6.7.8"


def test_without_a_proxy_header_the_peer_address_counts(rf, settings):
    """A forged X-Forwarded-For is ignored unless the site says a proxy sets it."""
    settings.CLIENT_IP_HEADER = ""
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "10.0.0.1"
