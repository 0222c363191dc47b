from django.core.management.base import BaseCommand

from polls.models import Poll
from polls.services import poll_snapshot_freeze


class Command(BaseCommand):
    help = "마감된 투표의 최종 결과를 확정합니다 (이미 확정된 결과는 그대로 둡니다). cron으로 매시간 실행하세요."

    def handle(self, *args, **options):
        frozen = 0
        for poll in Poll.objects.closed_now().filter(snapshot__isnull=True):
            if poll_snapshot_freeze(poll=poll):
                frozen += 1
        self.stdout.write(self.style.SUCCESS(f"최종 결과 {frozen}건 확정"))
