"""The public `중복·과다 시도 N건 차단` counter goes: anyone could raise it, and each refusal
wrote a row and re-rendered the poll for every reader. Editors see the readers the vote limit
refused in the poll's admin page, counted in the rate-limit store (polls.ratelimit).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("polls", "0004_vote_first_choice"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="poll",
            name="blocked_count",
        ),
    ]
