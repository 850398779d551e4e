"""Help-centre search: `python -m bench kb [--quick]`.

10,000 published articles (1,000 with --quick) in five languages are loaded into a separate database
(DATABASE_URL's name + `_kb_bench`, created and migrated on first use, emptied before each run); then
`GET /help/?q=…&language=…` is timed through Django's test client (view, query and template), 300
requests over a rotating set of one- and two-word queries per language. Target: median under 50 ms.

Needs DATABASE_URL (PostgreSQL): the search being measured is PostgreSQL's text search.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
import urllib.parse

FULL = 10_000
QUICK = 1_000
REQUESTS = 300
TARGET_MS = 50

WORDS = {
    "en": "account password invoice refund order delivery payment card subscription cancel change address "
    "email phone mobile charge twice damaged return warranty login settings plan upgrade billing receipt".split(),
    "pt": "conta palavra-passe fatura reembolso encomenda entrega pagamento cartão assinatura cancelar alterar "
    "morada telemóvel cobrança duplicada devolução garantia faturação definições recibo segunda via".split(),
    "el": "λογαριασμός κωδικός τιμολόγιο επιστροφή παραγγελία παράδοση πληρωμή κάρτα συνδρομή ακύρωση αλλαγή "
    "διεύθυνση κινητό χρέωση εγγύηση ρυθμίσεις απόδειξη σύνδεση πακέτο αναβάθμιση".split(),
    "sr-latn": "račun lozinka faktura povraćaj porudžbina isporuka plaćanje kartica pretplata otkazivanje promena "
    "adresa mobilni naplata garancija podešavanja priznanica prijava paket".split(),
    "sr": "рачун лозинка фактура повраћај поруџбина испорука плаћање картица претплата отказивање промена "
    "адреса мобилни наплата гаранција подешавања признаница пријава пакет".split(),
}
QUERIES = {
    "en": ["refund", "password change", "invoice", "charge twice", "deliv"],
    "pt": ["fatura", "reembolso", "faturacao", "cartao", "segunda via"],
    "el": ["κωδικος", "επιστροφη", "τιμολογιο", "χρεωση", "κινητ"],
    "sr-latn": ["racun", "lozinka", "povracaj", "placanje kartica", "isporuk"],
    "sr": ["рачун", "лозинка", "racun", "плаћање", "испорук"],
}


class BenchError(SystemExit):
    def __init__(self, message: str):
        super().__init__(f"kb benchmark: {message}")


def _setup_django() -> None:
    import django
    from django.conf import settings

    if settings.configured and "pytest" in sys.modules:
        return
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise BenchError("needs PostgreSQL: set DATABASE_URL=postgres://…")
    parts = urllib.parse.urlsplit(url)
    name = (parts.path.lstrip("/") or "latitude") + "_kb_bench"
    import psycopg2

    admin = psycopg2.connect(urllib.parse.urlunsplit(parts._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("select 1 from pg_database where datname = %s", [name])
        if cur.fetchone() is None:
            cur.execute(f'create database "{name}"')
    admin.close()
    os.environ["DATABASE_URL"] = urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
    os.environ.setdefault("KB_PUBLIC_RATE", "100000/m")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _load(n: int) -> None:
    from django.db import connection

    from kb import search, services
    from kb.models import Article

    with connection.cursor() as cur:
        cur.execute("truncate kb_articlefeedback, kb_deflection, kb_article cascade")
    rng = random.Random(19)
    languages = list(WORDS)
    articles = []
    for i in range(n):
        language = languages[i % len(languages)]
        vocabulary = WORDS[language]
        # Like a real help centre, each article is about a few topics: a query word is in about one
        # article in eight, the rest of the text is words no query asks for.
        topics = rng.sample(vocabulary, 3)
        title = " ".join(topics) + f" {i}"
        filler = " ".join(f"{language[:2]}{rng.randrange(5000)}" for _ in range(150))
        body = f"<p>{' '.join(topics)} {filler} {' '.join(topics)}</p>"
        articles.append(
            Article(
                title=title,
                body=body,
                language=language,
                published=True,
                search_text=search.fold(f"{title}\n{body[3:-4]}"),
            )
        )
    Article.objects.bulk_create(articles, batch_size=1000)
    services.reindex(list(Article.objects.values_list("pk", flat=True)))
    with connection.cursor() as cur:
        cur.execute("analyze kb_article")


def run(args) -> list[dict]:
    _setup_django()
    from django.test import Client

    n = QUICK if getattr(args, "quick", False) else FULL
    _load(n)
    client = Client()
    pairs = [(language, q) for language, qs in QUERIES.items() for q in qs]
    for language, q in pairs:  # warm up: connections, templates, plan cache
        assert client.get("/help/", {"q": q, "language": language}).status_code == 200
    timings = []
    for i in range(REQUESTS):
        language, q = pairs[i % len(pairs)]
        start = time.perf_counter()
        response = client.get("/help/", {"q": q, "language": language})
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    median = statistics.median(timings)
    p95 = statistics.quantiles(timings, n=20)[-1]
    print(f"help centre search at {n} articles: median {median:.1f} ms, p95 {p95:.1f} ms", file=sys.stderr)
    return [
        {
            "benchmark": "kb",
            "measure": f"GET /help/?q= median ({n} articles)",
            "value": f"{median:.1f}",
            "unit": "ms",
            "reference": f"< {TARGET_MS}",
            "note": f"p95 {p95:.1f} ms",
        }
    ]
