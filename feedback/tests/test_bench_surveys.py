"""The surveys benchmark runs end to end in its quick mode (no timing asserted: speed is for bench/)."""

import argparse

import pytest

from helpdesk.testing import require_postgres, require_redis

pytestmark = [pytest.mark.worker, pytest.mark.slow]


def test_the_quick_benchmark_delivers_every_survey_once(transactional_db):
    require_postgres()
    require_redis()
    from bench import surveys

    rows = surveys.run(argparse.Namespace(quick=True))
    measures = {row["measure"]: row for row in rows}
    assert measures["e-mails received / surveys"]["value"] == f"{surveys.QUICK} / {surveys.QUICK}"
    assert float(measures["survey e-mails per second"]["value"]) > 0
    assert {"benchmark", "measure", "value", "unit"} <= set(rows[0])
