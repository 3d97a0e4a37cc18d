"""gunicorn.conf.py as gunicorn itself reads it, and two servers on one machine that must not share anything."""

import stat
import sys
import time

from tests.heritage.test_faults import ROOT, free_port, get, gunicorn


def gunicorn_config(monkeypatch, **env):
    """The settings gunicorn takes from gunicorn.conf.py (through its own command-line and file loading)."""
    from gunicorn.app.wsgiapp import WSGIApplication

    monkeypatch.delenv("GUNICORN_CONTROL_SOCKET", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(sys, "argv", ["gunicorn", "--config", "gunicorn.conf.py"])
    return WSGIApplication("%(prog)s [OPTIONS] [APP_MODULE]", prog="gunicorn").cfg


def test_the_control_socket_is_off_unless_given_a_path_of_its_own(monkeypatch):
    assert gunicorn_config(monkeypatch).control_socket_disable is True
    config = gunicorn_config(monkeypatch, GUNICORN_CONTROL_SOCKET="/run/heritage/gunicorn.ctl")
    assert config.control_socket_disable is False and config.control_socket == "/run/heritage/gunicorn.ctl"


def sockets(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if stat.S_ISSOCK(p.lstat().st_mode))


def wait_for(condition, seconds=10):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def test_two_servers_run_by_one_user_share_no_control_socket(tmp_path, static_root):
    # gunicorn 27's default is one socket per user, ~/.gunicorn/gunicorn.ctl (a service without XDG_RUNTIME_DIR).
    env = {"HOME": str(tmp_path), "XDG_RUNTIME_DIR": ""}
    unreachable = f"postgres://postgres@127.0.0.1:{free_port()}/heritage"  # /healthz answers without a database
    with gunicorn(unreachable, static_root, **env) as first:
        with gunicorn(unreachable, static_root, **env) as second:
            assert get(first, "/healthz")[0] == get(second, "/healthz")[0] == 503
            assert sockets(tmp_path) == []
        assert get(first, "/healthz")[0] == 503  # stopping one leaves the other serving


def test_servers_given_their_own_control_sockets_keep_them(tmp_path, static_root):
    unreachable = f"postgres://postgres@127.0.0.1:{free_port()}/heritage"
    first_socket, second_socket = tmp_path / "first.ctl", tmp_path / "second.ctl"
    with gunicorn(unreachable, static_root, HOME=str(tmp_path), GUNICORN_CONTROL_SOCKET=str(first_socket)):
        with gunicorn(unreachable, static_root, HOME=str(tmp_path), GUNICORN_CONTROL_SOCKET=str(second_socket)):
            assert wait_for(lambda: sockets(tmp_path) == ["first.ctl", "second.ctl"]), sockets(tmp_path)
        assert wait_for(lambda: sockets(tmp_path) == ["first.ctl"]), sockets(tmp_path)
