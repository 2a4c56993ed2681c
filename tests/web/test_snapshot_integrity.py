"""Issue 13, failure 2 on the dashboard: a corrupt published snapshot took every page down (500),
sign-in and /snapshots/ included, so nobody could switch to a good snapshot.

The `home` fixture publishes 'earlier' then 'latest'; 'latest' is truncated to half its size.
"""
from __future__ import annotations


def _truncate(home, snapshot_id):
    path = home.path_of(snapshot_id)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def test_a_corrupt_snapshot_is_named_and_the_last_good_one_offered(client, client_for, home, users):
    _truncate(home, "latest")
    assert client.get("/accounts/login/").status_code == 200  # sign-in works
    analyst = client_for("admin")
    for page in ("/", "/due/", "/data-quality/", "/indicators/cla_count/"):
        response = analyst.get(page)
        text = response.content.decode()
        assert response.status_code == 200, page
        assert "Snapshot latest failed its integrity check" in text, page
        assert 'name="snapshot_id" value="earlier"' in text, page  # the last good one, one click away
    register = analyst.get("/snapshots/")
    assert register.status_code == 200
    assert "failed its integrity check" in register.content.decode()
    assert analyst.get("/admin/").status_code == 200
    # choosing the last good snapshot brings the pages back
    analyst.post("/snapshots/", {"snapshot_id": "earlier", "as_of": ""})
    overview = analyst.get("/").content.decode()
    assert "snapshot <strong>earlier</strong>" in overview
    assert "failed its integrity check" not in overview


def test_a_snapshot_published_before_checksums_says_what_to_run(client_for, home):
    import json

    from carewatch.snapshot import REGISTER_NAME, trust

    path = home.root / REGISTER_NAME
    entries = json.loads(path.read_text())["snapshots"]
    path.write_text(json.dumps({"snapshots": [{k: v for k, v in e.items() if k != "sha256"} for e in entries]}))
    text = client_for("analyst").get("/").content.decode()
    assert "Snapshot latest failed its integrity check" in text
    assert "published before carewatch recorded them" in text
    assert "carewatch snapshots --trust latest" in text
    trust(home, "latest", "dora")  # the server sees it at once: the register changed
    assert "snapshot <strong>latest</strong>" in client_for("analyst").get("/").content.decode()
