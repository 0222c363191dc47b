from audit.__main__ import category_score, put_scores


def report(*, crawlable: float, seo_own: float, audit: str = "is-crawlable") -> dict:
    """A Lighthouse report cut down to what the table reads."""
    refs = [{"id": audit, "weight": 4.0}, {"id": "document-title", "weight": 1.0}]
    audits = {
        audit: {"score": crawlable, "scoreDisplayMode": "binary"},
        "document-title": {"score": 1, "scoreDisplayMode": "binary"},
        "speed": {"score": 0.9, "scoreDisplayMode": "numeric"},
    }
    categories = {
        "seo": {"score": seo_own, "auditRefs": refs},
        **{
            name: {"score": 0.9, "auditRefs": [{"id": "speed", "weight": 1.0}]}
            for name in ("performance", "accessibility", "best-practices")
        },
    }
    return {"audits": audits, "categories": categories}


def test_the_404_page_is_not_charged_for_answering_404():
    """The 404 page's SEO is judged without http-status-code, and the table says what
    Lighthouse itself gave it."""
    row = {"page": "not-found", "name": "not-found-out"}
    notes = put_scores(row, report(crawlable=0, seo_own=0.2, audit="http-status-code"))
    assert row["seo"] == 100
    assert row["seo-failing"] == []
    assert notes == [
        "not-found-out: seo without `http-status-code` (a missing page must answer 404); "
        "Lighthouse's own score 20"
    ]


def test_every_other_page_gets_lighthouses_own_score():
    """The home page has nothing left out: its scores are Lighthouse's, misses listed."""
    home = report(crawlable=0, seo_own=0.2)
    assert category_score(home, "seo", excluded=set()) == 20
    row = {"page": "home", "name": "home-out"}
    assert put_scores(row, home) == []
    assert (row["seo"], row["performance"]) == (20, 90)
    assert row["seo-failing"] == ["is-crawlable (0)"]
