"""Review snapshots stored the survey response rate in percent; it is a ratio (0..1) everywhere now,
shown as a percentage. Rewrites the stored figures both ways."""

from django.db import migrations


def _scale(block, factor):
    if isinstance(block, dict) and block.get("response_rate") is not None:
        block["response_rate"] = round(block["response_rate"] * factor, 4)


def _rewrite(apps, factor):
    Review = apps.get_model("recognition", "Review")
    for review in Review.objects.exclude(figures={}).iterator(chunk_size=500):
        figures = review.figures or {}
        csat = figures.get("csat") or {}
        _scale(csat, factor)
        _scale(csat.get("previous"), factor)
        for month in figures.get("csat_trend") or []:
            _scale(month, factor)
        Review.objects.filter(pk=review.pk).update(figures=figures)


def forwards(apps, schema_editor):
    _rewrite(apps, 0.01)


def backwards(apps, schema_editor):
    _rewrite(apps, 100)


class Migration(migrations.Migration):
    dependencies = [("recognition", "0004_h11_acknowledgements")]

    operations = [migrations.RunPython(forwards, backwards)]
