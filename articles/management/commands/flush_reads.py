from django.core.management.base import BaseCommand

from articles.reads import flush_reads


class Command(BaseCommand):
    help = "쌓인 기사 조회 기록을 데이터베이스에 옮기고 48시간이 지난 기록을 지웁니다 (cron용)."

    def handle(self, *args, **options):
        taken = flush_reads()
        self.stdout.write(self.style.SUCCESS(f"조회 기록 {taken}건을 옮겼습니다."))
