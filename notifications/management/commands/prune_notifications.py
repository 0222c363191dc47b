from django.core.management.base import BaseCommand

from notifications.services import notifications_prune


class Command(BaseCommand):
    help = (
        "읽은 지 오래된 알림(90일보다 오래된 읽은 알림)을 지웁니다. cron으로 하루 한 번 실행하세요."
    )

    def handle(self, *args, **options):
        deleted = notifications_prune()
        self.stdout.write(self.style.SUCCESS(f"오래된 알림 {deleted}건 삭제"))
