"""``python -m config.granian`` (``make serve``): the project's defaults, each overridable by
Granian's own variable, and the address and worker count of a deployment that still sets
gunicorn's."""

from config.granian import defaults


def test_defaults_serve_wsgi_with_keep_alive_and_the_access_log():
    settings = defaults({})
    assert settings["GRANIAN_INTERFACE"] == "wsgi"
    assert settings["GRANIAN_HTTP"] == "1"
    assert settings["GRANIAN_HTTP1_KEEP_ALIVE"] == "true"
    assert settings["GRANIAN_LOG_ACCESS_ENABLED"] == "true"
    assert (settings["GRANIAN_HOST"], settings["GRANIAN_PORT"]) == ("127.0.0.1", "8000")


def test_a_granian_variable_wins():
    settings = defaults({"GRANIAN_WORKERS": "7", "GRANIAN_PORT": "9000"})
    # Not set here: Granian reads the variable from the environment itself.
    assert "GRANIAN_WORKERS" not in settings and "GRANIAN_PORT" not in settings


def test_gunicorn_variables_are_still_read():
    settings = defaults({"GUNICORN_BIND": "0.0.0.0:9001", "GUNICORN_WORKERS": "3"})
    assert (settings["GRANIAN_HOST"], settings["GRANIAN_PORT"]) == ("0.0.0.0", "9001")
    assert settings["GRANIAN_WORKERS"] == "3"


def test_a_gunicorn_unix_socket_stays_a_unix_socket():
    settings = defaults({"GUNICORN_BIND": "unix:/run/api.sock"})
    assert settings["GRANIAN_UDS"] == "/run/api.sock"
    assert "GRANIAN_HOST" not in settings
