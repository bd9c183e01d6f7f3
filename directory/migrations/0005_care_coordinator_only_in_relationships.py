import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """The care coordinator lives only in care relationships now; every grant names a trust."""

    dependencies = [("directory", "0004_care_relationships_from_coordinators")]

    operations = [
        migrations.RemoveIndex(model_name="serviceuser", name="service_user_caseload_idx"),
        migrations.RemoveField(model_name="serviceuser", name="care_coordinator"),
        migrations.AlterField(
            model_name="trustrolegrant",
            name="trust",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="role_grants",
                to="directory.trust",
            ),
        ),
    ]
