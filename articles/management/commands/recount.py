from django.core.management.base import BaseCommand
from django.db import transaction

from articles import hooks
from articles.cache import site_changed
from articles.services import recount


class Command(BaseCommand):
    help = "모든 카운터(댓글·저장·투표·공감)를 실제 행에서 다시 계산해 바로잡습니다."

    @transaction.atomic
    def handle(self, *args, **options):
        total = 0
        for label, repair in [("articles", recount), *hooks.registered("recount")]:
            fixed = repair()
            total += fixed
            self.stdout.write(f"{label}: {fixed}건 수정")
        if total:
            # Pages and rows kept under the old versions show the drifted numbers.
            site_changed()
        self.stdout.write(self.style.SUCCESS(f"카운터 점검 완료: {total}건 수정"))
