"""The Keystone fixture itself: real tokens carry the scopes and roles the
auth tests rely on, and the ``backup`` service lands in the catalog."""

import pytest

pytestmark = pytest.mark.integration


def _validate(keystone, token):
    resp = keystone.admin_session.get(
        f"{keystone.auth_url}/auth/tokens",
        headers={"X-Subject-Token": token}, raise_exc=False)
    assert resp.status_code == 200, resp.text
    return resp.json()["token"]


@pytest.mark.parametrize("user, project, roles", [
    ("member_a", "project-a", {"member", "reader"}),
    ("member_a2", "project-a", {"member", "reader"}),
    ("reader_a", "project-a", {"reader"}),
    ("member_b", "project-b", {"member", "reader"}),
    ("service", "service", {"service"}),
    ("freezer", "service", {"admin", "manager", "member", "reader",
                            "service"}),
    ("admin", "admin", {"admin", "manager", "member", "reader"}),
])
def test_token_is_scoped_to_the_users_project_with_its_roles(
        keystone, user, project, roles):
    token = _validate(keystone, keystone.token(user))
    assert token["project"]["id"] == keystone.project_id(project)
    assert token["user"]["id"] == keystone.user(user).id
    assert {r["name"] for r in token["roles"]} == roles


def test_projects_a_and_b_are_distinct(keystone):
    ids = {keystone.project_id(p) for p in ("project-a", "project-b",
                                            "service", "admin")}
    assert len(ids) == 4


def test_token_is_cached_and_issue_token_is_fresh(keystone):
    assert keystone.token("member_b") == keystone.token("member_b")
    assert keystone.issue_token("member_b") != keystone.token("member_b")


def test_revoked_token_no_longer_validates(keystone):
    token = keystone.issue_token("member_a")
    _validate(keystone, token)
    keystone.revoke(token)
    resp = keystone.admin_session.get(
        f"{keystone.auth_url}/auth/tokens",
        headers={"X-Subject-Token": token}, raise_exc=False)
    assert resp.status_code == 404


def test_backup_endpoint_appears_in_the_catalog(keystone):
    before = {e["url"] for e in keystone._get(
        "/endpoints", service_id=keystone.backup_service_id)["endpoints"]}
    try:
        keystone.add_backup_endpoint("http://127.0.0.1:9/backup")
        keystone.add_backup_endpoint("http://127.0.0.1:9090")
        session = keystone.session("member_a")
        catalog = session.auth.get_access(session).service_catalog
        urls = catalog.get_urls(service_type="backup", interface="public")
        assert urls == ("http://127.0.0.1:9090",)
    finally:
        if before:
            keystone.add_backup_endpoint(before.pop())


def test_expired_token_acts_as_the_user_and_no_longer_validates(keystone):
    token = keystone.expired_token("member_a")
    resp = keystone.admin_session.get(
        f"{keystone.auth_url}/auth/tokens",
        headers={"X-Subject-Token": token}, raise_exc=False)
    assert resp.status_code == 404


def test_domain_and_system_scoped_tokens(keystone):
    domain = _validate(keystone, keystone.token("domain_admin"))
    assert domain["domain"]["id"] == "default" and "project" not in domain
    assert "admin" in {r["name"] for r in domain["roles"]}
    system = _validate(keystone, keystone.session(
        "admin", system=True).get_token())
    assert system["system"] == {"all": True} and "project" not in system
