import pytest
from django.core.exceptions import ImproperlyConfigured

from newsroom.env import env_bool, env_int, env_list, env_str


@pytest.mark.parametrize("value", ["true", "True", "1", "yes", "on"])
def test_it_reads_true(monkeypatch, value):
    monkeypatch.setenv("NR_FLAG", value)
    assert env_bool("NR_FLAG", False) is True


@pytest.mark.parametrize("value", ["false", "FALSE", "0", "no", "off"])
def test_it_reads_false(monkeypatch, value):
    monkeypatch.setenv("NR_FLAG", value)
    assert env_bool("NR_FLAG", True) is False


@pytest.mark.parametrize("value", ["ja", "2", "treu", "y", "enabled"])
def test_it_rejects_ambiguous_booleans(monkeypatch, value):
    monkeypatch.setenv("NR_FLAG", value)
    with pytest.raises(ImproperlyConfigured, match="NR_FLAG"):
        env_bool("NR_FLAG", False)


def test_it_uses_default_when_unset(monkeypatch):
    monkeypatch.delenv("NR_FLAG", raising=False)
    assert env_bool("NR_FLAG", True) is True
    assert env_str("NR_FLAG", "x") == "x"
    assert env_int("NR_FLAG", 7) == 7
    assert env_list("NR_FLAG", ["a"]) == ["a"]


def test_it_reads_secrets_from_files(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cr3t\n")
    monkeypatch.setenv("NR_SECRET_FILE", str(secret))
    monkeypatch.delenv("NR_SECRET", raising=False)
    assert env_str("NR_SECRET") == "s3cr3t"


def test_it_refuses_both_value_and_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("a")
    monkeypatch.setenv("NR_SECRET_FILE", str(secret))
    monkeypatch.setenv("NR_SECRET", "b")
    with pytest.raises(ImproperlyConfigured):
        env_str("NR_SECRET")


def test_it_reports_unreadable_secret_files(monkeypatch, tmp_path):
    monkeypatch.setenv("NR_SECRET_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="cannot be read"):
        env_str("NR_SECRET")


def test_it_requires_required_values(monkeypatch):
    monkeypatch.delenv("NR_REQUIRED", raising=False)
    with pytest.raises(ImproperlyConfigured, match="NR_REQUIRED"):
        env_str("NR_REQUIRED", required=True)


def test_it_parses_lists_and_ints(monkeypatch):
    monkeypatch.setenv("NR_LIST", " a, b ,,c ")
    monkeypatch.setenv("NR_INT", "42")
    assert env_list("NR_LIST") == ["a", "b", "c"]
    assert env_int("NR_INT", 0) == 42
    monkeypatch.setenv("NR_INT", "zweiundvierzig")
    with pytest.raises(ImproperlyConfigured):
        env_int("NR_INT", 0)


def test_it_reads_whole_numbers_by_key(monkeypatch):
    from newsroom.env import env_int_map

    monkeypatch.setenv("NEWSROOM_RETENTION_DAYS", "inbox.messages=180, audit.entries = 3650")
    assert env_int_map("NEWSROOM_RETENTION_DAYS") == {"inbox.messages": 180, "audit.entries": 3650}


@pytest.mark.parametrize("value", ["inbox.messages", "=5", "inbox.messages=bald", "a=-1"])
def test_it_refuses_a_malformed_mapping(monkeypatch, value):
    from django.core.exceptions import ImproperlyConfigured

    from newsroom.env import env_int_map

    monkeypatch.setenv("NEWSROOM_RETENTION_DAYS", value)
    with pytest.raises(ImproperlyConfigured, match="NEWSROOM_RETENTION_DAYS"):
        env_int_map("NEWSROOM_RETENTION_DAYS")
