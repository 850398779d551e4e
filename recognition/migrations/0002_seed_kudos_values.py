from django.db import migrations

VALUES = [
    ("went-the-extra-mile", "Went the extra mile", "Did more than the job asked, for a customer or a colleague."),
    ("helped-a-colleague", "Helped a colleague", "Stepped in so a teammate could serve their customer."),
    ("owned-the-problem", "Owned the problem", "Took it to the end instead of passing it on."),
    ("customer-hero", "Customer hero", "A customer said it best."),
]


def seed(apps, schema_editor):
    KudosValue = apps.get_model("recognition", "KudosValue")
    for order, (slug, name, description) in enumerate(VALUES):
        KudosValue.objects.get_or_create(slug=slug, defaults={"name": name, "description": description, "order": order})


class Migration(migrations.Migration):
    dependencies = [("recognition", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
