# Sourced by the bin/ entrypoints: run from the project root with the project's Python, and refuse
# to start (exit 2, naming what is missing) when the environment is not enough (helpdesk.preflight).
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ -n "${PYTHON:-}" ]; then PY="$PYTHON"
elif [ -x .venv/bin/python ]; then PY=.venv/bin/python
else PY=python3
fi
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-helpdesk.settings}"
"$PY" -m helpdesk.preflight || exit 2
