"""Demo content: the two seed articles, retold in our own words with the seeds' facts."""

import io
import random
from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from . import demo_news
from .models import Article, Category, DebateLine, Reporter, SummaryLine

SEOUL = ZoneInfo("Asia/Seoul")

CATEGORIES = [
    ("기술/연구", "tech-research", 1),
    ("산업/비즈니스", "industry", 2),
    ("정책/윤리", "policy-ethics", 3),
]

META_BODY = """\
인스타그램과 페이스북의 모회사 메타가 공들여 내놓은 인공지능 모델 '라마4(Llama 4)'를 두고 개발자들의 반응이 싸늘합니다. 직전 세대인 '라마 3.1'이 오픈AI의 GPT-4o와 견줄 만하다는 호평을 들었던 만큼, 이번 성적표에 대한 실망은 더 크게 다가왔습니다. 메타는 처음으로 여는 AI 개발자 행사 '라마콘(LlamaCon)'에서 흔들린 신뢰를 되돌려야 하는 처지가 됐습니다.

## 라마4, 뭐가 문제였길래?

여러 벤치마크(AI 능력 평가 시험)에서 라마4는 경쟁 모델보다 낮은 점수를 냈습니다. 코드 작성 능력을 재는 'HumanEval'에서 라마4는 75점에 머문 반면, 딥시크(DeepSeek) 모델은 82~85점을 얻었습니다. 추론 문제를 푸는 'ARC'와 폭넓은 언어 이해를 보는 'MMLU'에서도 오픈AI의 o1, 구글의 제미나이 프로에 밀렸습니다. 반에서 늘 최상위권이던 학생이 다음 시험에서 눈에 띄게 미끄러진 셈이라, 개발자들 사이에서는 "무언가 잘못된 것 아니냐"는 물음이 나오기 시작했습니다.

## '매버릭' 논란, 믿어도 돼?

신뢰에 더 큰 흠집을 낸 것은 '라마4 매버릭(Llama 4 Maverick)'입니다. 메타는 이 모델의 대화 실력을 내세우며 높은 벤치마크 점수를 발표했는데, 정작 개발자들이 내려받은 공개 버전은 시험 때와 같은 성능을 보여 주지 못했습니다. 평가에 쓴 모델과 배포한 모델이 어떻게 다른지 메타가 미리 분명히 밝혔어야 했다는 지적이 전문가들 사이에서 이어졌습니다. 점수를 믿고 모델을 고르는 개발자에게 이런 불투명함은 곧 배신감으로 이어집니다.

## 똑똑한 AI라더니, 생각은 못 해?

라마4 제품군에는 단계적으로 따져 보며 답을 찾는 'AI 추론(reasoning)' 전용 모델도 빠져 있습니다. 오픈AI는 'o1'과 'o3-mini'로 복잡한 문제 풀이와 과학 연구 쪽에서 앞서 나가고 있습니다. 상식 문제를 묻는 'CommonsenseQA'에서 o1이 85%를 맞힌 데 비해 라마4는 72%에 그쳤습니다. 아는 것은 많지만 깊이 따져 보는 힘은 아직 모자라다는 평가가 나오는 이유입니다.

## 그래서 라마콘에서 뭘 보여줄 건데?

라마콘에서 메타가 내밀 수 있는 카드는 분명합니다. 성능을 끌어올린 '라마 4.1'이나 '라마 5'로 실제 쓰임새에서 나아진 모습을 보여 주고, 빠져 있던 추론 전용 모델을 내놓는 것입니다. 모델을 만들고 평가하는 과정을 공개해 매버릭 같은 일이 반복되지 않게 하겠다는 약속, 개발자 의견을 꾸준히 듣는 창구도 필요합니다. 메타는 라마4에 여러 전문가 모델이 일을 나눠 맡는 '전문가 혼합(MoE)' 구조를 썼다고 밝혔는데, 효율을 높이는 방식인 만큼 개발자가 제대로 활용할 수 있도록 자세한 안내가 뒤따라야 합니다. 기술을 공개하는 오픈소스 전략이 힘을 얻으려면 결국 믿고 쓸 수 있는 모델이 먼저입니다. 이번 라마콘이 메타 AI의 앞날을 가를 갈림길이 될 것으로 보입니다.
"""

LLAMA_BODY = """\
메타(Meta)가 4월 5일 차세대 생성형 AI 모델 'Llama 4'를 내놓았다. 이번에 공개된 모델은 두 갈래다. 하나는 문장을 가볍고 빠르게 처리하도록 다듬은 모델이고, 다른 하나는 글과 이미지를 함께 이해해 더 복잡한 질문에 답하는 멀티모달(multimodal) 모델이다. 메타는 두 모델 모두 외부에 공개하는 개방형(Open-source) 방식을 이어가겠다고 밝혔다.

## 폐쇄형 강자들을 겨냥한 한 수

업계는 이번 발표를 단순한 성능 개선이 아니라 구글(Google)의 Gemini, 오픈AI(OpenAI)의 GPT-4처럼 내부를 공개하지 않는 고성능 모델에 맞선 정면 승부로 읽는다. 휴대전화나 온디바이스 환경에서 바로 돌아가는 작은 모델과, 이미지와 텍스트를 대량으로 함께 분석하는 큰 모델을 동시에 내놓아 서로 다른 수요를 한꺼번에 잡겠다는 계산이다.

## 기술을 여는 이유

메타는 Llama 시리즈를 내놓을 때마다 AI 기술의 '민주화'를 강조해 왔고, Llama 4도 그 연장선에 있다. 적은 연산 자원으로도 빠르게 돌아가는 경량 모델은 여러 기기에 싣기 쉽고, 멀티모달 모델은 이미지 인식과 문서 이해, 여러 질문이 얽힌 대화처럼 실제 현장에서 요구되는 일을 맡을 수 있다. 기술을 내어 주면 전 세계 스타트업과 개발자, 연구자가 자유롭게 가져다 쓰고 응용할 수 있다. 당장의 매출보다 생태계 전체에서의 영향력을 키우려는 장기 전략이라는 해석이 나온다.

## 개방 대 폐쇄, 그리고 남은 숙제

생성형 AI를 둘러싼 윤리와 투명성, 편향 문제도 계속 제기되고 있다. 메타는 Llama 2 때부터 학계와 정부, 기술 커뮤니티와의 협력을 내세워 왔고 이번에도 책임 있는 개발과 배포를 약속했다. 메타는 Llama 4를 자사 메신저와 소셜미디어, XR 기기, 메타버스에 붙여 AI 비서와 콘텐츠 제작, 교육, 헬스케어, 커머스로 넓혀 갈 구상도 갖고 있다. 연구계의 시선은 엇갈린다. MIT는 개방형 모델이 기술 확산과 발전을 앞당긴다고 본 반면, 하버드는 보안과 윤리 면에서 약점이 생길 수 있다고 경고했다. '개방 대 폐쇄'를 둘러싼 이 논쟁은 앞으로 각국의 AI 정책과 법 제도에도 영향을 줄 전망이다.
"""

ARTICLES = {
    "meta-llama4-crisis": {
        "title": "메타 AI 위기? '라마4' 실망에 개발자들 뿔났다",
        "category": "tech-research",
        "reporter": ("이도윤", "aipick@aipick.kr"),
        "published_at": datetime(2025, 4, 30, 0, 58, tzinfo=SEOUL),
        "source_name": "AI PICK",
        "cover_caption": "라마4 공개 이후 개발자 커뮤니티의 평가가 엇갈리고 있다 (AI PICK 그래픽)",
        "cover_alt": "파란 배경 위에 막대그래프와 물음표가 그려진 AI PICK 그래픽",
        "palette": ((26, 63, 214), (118, 75, 230)),
        "body": META_BODY,
        # (line, the body paragraphs behind it: p1 is the opening, one per section after)
        "summary": [
            ("메타 '라마4', 기대에 못 미친 성능에 개발자 실망 확산", "1,2"),
            ("'매버릭' 벤치마크 점수 두고 투명성 논란", "3"),
            ("메타, 첫 개발자 행사 '라마콘'에서 신뢰 회복 노려", "1,5"),
        ],
        "debate": [
            ("buki", "라마콘에서 라마 4.1이나 추론 모델만 제대로 나오면 분위기는 금방 바뀔 거야."),
            ("moki", "점수가 시험 때랑 배포판이 달랐다는데? 한 번 깨진 믿음은 쉽게 안 붙어."),
            ("buki", "그래도 라마는 누구나 내려받아 고쳐 쓸 수 있잖아. 그 장점은 그대로야."),
            ("moki", "공개만 하면 뭐 해. HumanEval 75점이면 딥시크한테도 밀리는데."),
            ("buki", "라마 3.1 때도 처음엔 말이 많았다가 결국 많이들 썼어. 메타는 고칠 힘이 있어."),
            ("moki", "그러려면 평가 과정부터 투명하게 보여 줘야지. 말보다 숫자로 증명하라고!"),
        ],
    },
    "llama4-launch": {
        "title": "메타, 차세대 AI 'Llama 4' 공개… 경량·멀티모달 두 모델로 개방형 승부수",
        "category": "industry",
        "reporter": ("한지우", "aipick@aipick.kr"),
        "published_at": datetime(2025, 4, 6, 9, 30, tzinfo=SEOUL),
        "source_name": "META-X",
        "cover_caption": "메타가 공개한 Llama 4는 경량 모델과 멀티모달 모델 두 가지로 나왔다 (AI PICK 그래픽)",
        "cover_alt": "주황과 남색이 섞인 배경 위에 겹친 원과 선이 그려진 AI PICK 그래픽",
        "palette": ((228, 87, 46), (30, 41, 90)),
        "body": LLAMA_BODY,
        "summary": [
            ("메타, 4월 5일 차세대 생성형 AI 'Llama 4' 공개", "1"),
            ("가벼운 경량 모델과 이미지까지 다루는 멀티모달 모델 동시 출시", "1,2"),
            ("개방형 전략으로 구글·오픈AI 폐쇄형 모델과 정면 대결", "2,3"),
        ],
        "debate": [],
    },
}


def draw_cover(seed: str, palette) -> ContentFile:
    """A 1600×900 abstract cover drawn at load time, so the repository needs no binaries."""
    rng = random.Random(seed)
    width, height = 1600, 900
    start, end = palette
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for x in range(width):
        t = x / (width - 1)
        colour = tuple(round(a + (b - a) * t) for a, b in zip(start, end, strict=True))
        draw.line([(x, 0), (x, height)], fill=colour)
    for _ in range(14):
        r = rng.randint(40, 220)
        cx, cy = rng.randint(0, width), rng.randint(0, height)
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], outline=(255, 255, 255), width=4)
    bars = [rng.randint(150, 600) for _ in range(6)]
    for i, bar in enumerate(bars):
        x0 = 220 + i * 190
        draw.rounded_rectangle(
            [x0, height - 120 - bar, x0 + 120, height - 120], 16, fill=(255, 255, 255)
        )
    out = io.BytesIO()
    image.save(out, "PNG")
    return ContentFile(out.getvalue(), name=f"{seed}.png")


def load_demo() -> dict[str, Article]:
    """Create or update the demo rows; running it again leaves the same rows."""
    categories = {}
    for name, slug, order in CATEGORIES:
        categories[slug], _ = Category.objects.update_or_create(
            slug=slug, defaults={"name": name, "order": order}
        )

    articles = {}
    for key, data in {**ARTICLES, **demo_news.ARTICLES}.items():
        name, email = data["reporter"]
        reporter, _ = Reporter.objects.get_or_create(name=name, defaults={"email": email})
        article = Article.objects.filter(title=data["title"]).first() or Article(
            title=data["title"]
        )
        wanted = {
            "category": categories[data["category"]],
            "reporter": reporter,
            "body": data["body"],
            "source_name": data["source_name"],
            "cover_caption": data["cover_caption"],
            "cover_alt": data["cover_alt"],
            "status": Article.Status.PUBLISHED,
            "published_at": data["published_at"],
        }
        # Save only what differs, so a second run leaves even updated_at untouched.
        changed = article.pk is None or not article.cover
        for field, value in wanted.items():
            if getattr(article, field, None) != value:
                setattr(article, field, value)
                changed = True
        if not article.cover:
            article.cover = draw_cover(key, data["palette"])
        if changed:
            article.save()

        for order, line in enumerate(data["summary"], start=1):
            text, paragraphs = (line, "") if isinstance(line, str) else line
            SummaryLine.objects.update_or_create(
                article=article, order=order, defaults={"text": text, "paragraphs": paragraphs}
            )
        if article.summary_reviewed_at is None:
            # Written with the body, so reviewed as of publishing; set once, so reruns match.
            article.summary_reviewed_at = data["published_at"]
            Article.objects.filter(pk=article.pk).update(
                summary_reviewed_at=article.summary_reviewed_at
            )
        SummaryLine.objects.filter(article=article, order__gt=len(data["summary"])).delete()
        for order, (speaker, text) in enumerate(data["debate"], start=1):
            DebateLine.objects.update_or_create(
                article=article, order=order, defaults={"speaker": speaker, "text": text}
            )
        DebateLine.objects.filter(article=article, order__gt=len(data["debate"])).delete()
        article.refresh_lead()
        articles[key] = article
    return articles
