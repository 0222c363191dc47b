from django.core.management.base import BaseCommand
from django.db import transaction

from articles import hooks
from articles.demo import load_demo


class Command(BaseCommand):
    help = "데모 기사와 그 요약·토론·투표·댓글·알림을 불러옵니다. 여러 번 실행해도 같은 결과입니다."

    @transaction.atomic
    def handle(self, *args, **options):
        articles = load_demo()
        self.stdout.write("articles: 데모 데이터를 불러왔습니다.")
        for label, load in hooks.registered("load_demo"):
            load(articles)
            self.stdout.write(f"{label}: 데모 데이터를 불러왔습니다.")
        self.stdout.write(self.style.SUCCESS(f"데모 기사 {len(articles)}편 준비 완료."))
