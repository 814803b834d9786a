"""urls.py in-process: an index URL as uv reads it, and a publish URL as uv's publish does."""

from __future__ import annotations

import pytest

from uvcreds import urls


def test_an_upper_case_scheme_is_a_path_in_an_index_url_and_http_in_a_publish_url() -> None:
    assert urls.parse("HTTP://evil.example/upload/") is None
    published = urls.parse_publish("HTTP://Evil.Example:80/upload/")
    assert (published.scheme, published.host, published.port) == ("http", "evil.example", None)
    assert str(published) == "http://evil.example/upload/"


@pytest.mark.parametrize("text", ["ftp://host/", "/local/dir", "host/upload", "", "https://:1/"])
def test_a_publish_url_that_is_no_http_url_is_refused(text: str) -> None:
    with pytest.raises(urls.UrlError):
        urls.parse_publish(text)


def test_the_root_of_a_binding_covers_uploads_beside_simple_but_not_another_tenant() -> None:
    binding = urls.parse_publish("https://h/team/simple/").root()
    assert binding.covers(urls.parse_publish("https://h/team/"))
    assert binding.covers(urls.parse_publish("https://h/team/upload/"))
    assert not binding.covers(urls.parse_publish("https://h/other-team/upload/"))
    assert not binding.covers(urls.parse_publish("https://h/team/../other-team/"))
