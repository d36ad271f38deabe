"""Demo data: realistic simulated rounds with planted perception gaps.

The simulation follows the intergroup image pattern the product is built for: each side
rates itself kindly, rates the other side more harshly on the classic stereotypes
(sales as "stars" who ignore technical limits, production as rigid and not
customer-minded), and expects to be seen worse than it really is (meta error < 0).
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from .store import invites
from .store.accounts import add_user, find_user
from .store.connection import write_transaction
from .store.questionnaire import Questionnaire
from .store.responses import Submission, add_responses
from .store.rounds import close_round, create_round, get_round, list_rounds, open_round
from .store.sides import SIDES, other

DEMO_QUESTIONNAIRE = "sales-production"
SIDE_LABELS = {"a": "Sprzedaż", "b": "Produkcja"}
NEUTRAL = 3.4

# How each side really acts on a dimension (as the other side experiences it) and how
# much it flatters itself there, on questionnaire v3's dimensions. Dimensions not listed
# use NEUTRAL and a small bias. Sales' blind spots: the limits and costs of production's
# work (understanding), decision boundaries (respect), keeping to what was agreed
# (information); production's: flexibility toward the customer. Where a side is seen well
# (sales on the customer, production on shared goals), its pessimism makes the other
# finding: it is seen better than it thinks.
TRUE_LEVEL = {
    "a": {"understanding": 2.3, "respect": 2.6, "information": 2.7, "customer": 4.1},
    "b": {"customer": 2.5, "information": 2.9, "understanding": 3.1, "shared_goals": 3.9},
}
SELF_BIAS = {
    "a": {"understanding": 1.4, "respect": 1.1, "information": 1.0},
    "b": {"customer": 1.3, "information": 0.8},
}
DEFAULT_SELF_BIAS = 0.25
META_PESSIMISM = {"a": -0.7, "b": -0.8}  # both sides expect to be judged more harshly

COMMENTS = {
    "a": {
        "harder": [
            "Terminy podawane przez produkcję zmieniają się bez uprzedzenia, a klient dzwoni do mnie.",
            "Odpowiedź na proste pytanie o dostępność trwa dwa dni.",
            "Każda zmiana w zamówieniu kończy się dyskusją, zamiast szybkiej decyzji.",
            "Nie wiemy, kto po stronie produkcji podejmuje decyzję o priorytetach.",
            "We only learn about delays when the customer has already complained.",
            "Produkcja odrzuca zlecenia specjalne bez wyjaśnienia, co jest możliwe.",
            "Brak jednego miejsca, w którym widać status zamówienia.",
            "Odpowiedzi typu „nie da się” bez propozycji alternatywy.",
            "Plan produkcji jest zamknięty na dwa tygodnie do przodu, rynek tak nie działa.",
            "Kontakt tylko mailowy, nikt nie odbiera telefonu po 14:00.",
            "Zmiany w specyfikacji wracają do nas jako nasza wina.",
            "Priorytety zmieniają się po każdym telefonie od dyrektora.",
        ],
        "need": [
            "Realnej daty dostawy w ciągu jednego dnia od zapytania.",
            "Jednej osoby kontaktowej na zmianie.",
            "Informacji o wolnych mocach co tydzień, nawet orientacyjnej.",
            "Wiedzy, które zmiany są tanie, a które drogie, zanim obiecam coś klientowi.",
            "A short weekly call about the next two weeks of orders.",
            "Zaproszenia na przegląd planu, żebyśmy rozumieli ograniczenia.",
            "Szybkiej informacji, gdy termin jest zagrożony.",
            "Więcej zaufania, że nie wymyślamy pilnych zamówień dla zabawy.",
            "Wspólnego kalendarza przestojów i przeglądów maszyn.",
            "Prostego cennika zmian i zleceń ekspresowych.",
        ],
        "better": [
            "Mniej obiecywać klientom bez sprawdzenia terminu.",
            "Zbierać pełną specyfikację przed przekazaniem zamówienia.",
            "Częściej pytać produkcję, zanim zgodzimy się na zmianę.",
            "Przekazywać prognozy sprzedaży na czas, a nie na ostatnią chwilę.",
            "We could visit the shop floor more often.",
            "Nie eskalować do zarządu każdej drobnej sprawy.",
            "Dziękować za zlecenia zrobione ekspresowo.",
            "Uczyć nowych handlowców, jak wygląda proces produkcji.",
            "Lepiej tłumaczyć klientom, dlaczego coś trwa.",
            "Nie zmieniać zamówień po zamknięciu planu.",
        ],
    },
    "b": {
        "harder": [
            "Zamówienia przychodzą niekompletne i wracamy z pytaniami kilka razy.",
            "Sprzedaż obiecuje terminy, których nikt z nami nie sprawdził.",
            "Zmiany w ostatniej chwili rozbijają cały plan zmiany.",
            "Wszystko jest pilne, więc nic nie jest pilne.",
            "Handlowcy przychodzą na halę i ustalają priorytety z operatorami.",
            "Sales promise custom options we have never made before.",
            "Prognozy dostajemy za późno, żeby zamówić materiał.",
            "Reklamacje trafiają do nas bez informacji od klienta.",
            "Traktują nas jak usługodawcę, a nie część firmy.",
            "Dzwonią bezpośrednio do ludzi na linii, z pominięciem kierownika zmiany.",
            "Nie wiedzą, ile kosztuje przezbrojenie maszyny.",
            "Na spotkaniach słyszymy tylko, czego nie zrobiliśmy.",
        ],
        "need": [
            "Pełnej specyfikacji przy przyjęciu zamówienia.",
            "Prognozy na kwartał, nawet z dużą niepewnością.",
            "Jednego kanału zgłaszania zmian, z zatwierdzeniem.",
            "Pytania o termin przed obietnicą złożoną klientowi.",
            "Respect for the frozen part of the plan.",
            "Informacji zwrotnej od klientów, także tej dobrej.",
            "Żeby ktoś ze sprzedaży był na naszym porannym spotkaniu raz w tygodniu.",
            "Jasnej zasady, kto decyduje o kolejności zleceń.",
            "Zrozumienia, że jakość wymaga czasu.",
            "Uprzedzenia o dużych kontraktach, zanim zostaną podpisane.",
        ],
        "better": [
            "Szybciej odpowiadać na pytania o dostępność.",
            "Proponować alternatywę zamiast mówić „nie”.",
            "Informować o opóźnieniach od razu, nie na koniec tygodnia.",
            "Pokazać sprzedaży, jak wygląda nasz plan i skąd biorą się ograniczenia.",
            "We could explain our constraints without sounding defensive.",
            "Ustalić stały dyżur do kontaktu ze sprzedażą.",
            "Mniej narzekać na klientów przy handlowcach.",
            "Lepiej opisywać powody odrzucenia zlecenia.",
            "Wspólnie z nimi planować zlecenia ekspresowe.",
            "Doceniać, że to oni przynoszą zamówienia.",
        ],
    },
}


@dataclass(frozen=True)
class DemoRound:
    name: str
    respondents: int
    gap_scale: float  # 1.0 = full planted gaps; a later round shows them shrinking
    close: bool
    closed_weeks_ago: int = 0  # before/after compares rounds months apart


def _issue_codes(
    db: Database, round_id: int, headcount: dict[str, int]
) -> dict[str, list[tuple[str, str]]]:
    """Codes for everyone, as HR would issue them before opening, each with the key it is
    hashed with: a throwaway one, so nobody can ever answer with them."""
    key = secrets.token_hex(16)
    return {
        side: [(code, key) for code in invites.generate(db, round_id, side, n, key)]
        for side, n in headcount.items()
    }


def _spend(db: Database, codes: list[tuple[str, str]]) -> None:
    """Mark as used the codes the simulated respondents answered with."""
    with write_transaction(db):
        for code, key in codes:
            invites.spend_code(db, code, key)


def _backdate(db: Database, round_id: int, weeks: int) -> None:
    """An earlier demo round ran (two weeks) and closed `weeks` weeks ago."""
    closed = dt.date.today() - dt.timedelta(weeks=weeks)
    opened = closed - dt.timedelta(weeks=2)
    with write_transaction(db):
        db.table("rounds").update(
            round_id,
            {
                "created_on": opened.isoformat(),
                "opened_on": opened.isoformat(),
                "closed_on": closed.isoformat(),
            },
        )


def _level(table: dict[str, dict[str, float]], side: str, dimension: str, default: float) -> float:
    return table.get(side, {}).get(dimension, default)


def simulate(
    questionnaire: Questionnaire,
    side: str,
    rng: random.Random,
    gap_scale: float = 1.0,
    comment_pools: dict[str, list[str]] | None = None,
) -> Submission:
    """One simulated respondent of `side`: self, other and meta views with noise.
    Comments are drawn from `comment_pools` (question -> texts, used up as drawn, so a
    round has no duplicates) or, without pools, from the stock texts at random."""
    submission = Submission(side=side)
    person = rng.gauss(0, 0.45)  # some people answer more kindly than others
    for dimension in questionnaire.dimensions:
        own_true = _level(TRUE_LEVEL, side, dimension.id, NEUTRAL)
        other_true = _level(TRUE_LEVEL, other(side), dimension.id, NEUTRAL)
        centre = {
            "self": own_true + gap_scale * _level(SELF_BIAS, side, dimension.id, DEFAULT_SELF_BIAS),
            "other": NEUTRAL + gap_scale * (other_true - NEUTRAL),
            # What I expect them to say of us: their real view, shifted by pessimism.
            "meta": NEUTRAL + gap_scale * (own_true - NEUTRAL + META_PESSIMISM[side]),
        }
        # A person's view of a dimension drives all its items (so scales are reliable).
        views = {p: mean + person + rng.gauss(0, 0.55) for p, mean in centre.items()}
        for item in dimension.items:
            for perspective, view in views.items():
                roll = rng.random()
                if roll < 0.02:
                    continue  # skipped
                key = (dimension.id, item.id, perspective)
                if roll < 0.06 or (perspective == "meta" and roll < 0.09):
                    submission.answers[key] = None  # don't know
                    continue
                value = round(view + rng.gauss(0, 0.45))
                submission.answers[key] = min(5, max(1, value))
    for question in questionnaire.open_questions:
        if rng.random() >= 0.45:
            continue
        if comment_pools is None:
            stock = COMMENTS[side].get(question.id)
            if stock:
                submission.comments[question.id] = rng.choice(stock)
        elif comment_pools.get(question.id):
            submission.comments[question.id] = comment_pools[question.id].pop()
    return submission


def create_demo(db: Database, respondents: int = 26, seed: int = 2026) -> list[int]:
    """Create the demo rounds (idempotent: existing demo rounds are kept). Returns their ids."""
    plan = [
        DemoRound("Demo: wiosna 2026", respondents, 1.0, close=True, closed_weeks_ago=26),
        DemoRound("Demo: jesień 2026", respondents, 0.65, close=True),
    ]
    existing = {r.name: r.id for r in list_rounds(db)}
    rng = random.Random(seed)
    ids = []
    for demo in plan:
        round_id = existing.get(demo.name) or create_round(
            db,
            demo.name,
            DEMO_QUESTIONNAIRE,
            SIDE_LABELS["a"],
            SIDE_LABELS["b"],
            lang="pl",
            headcount_a=respondents + 6,
            headcount_b=respondents + 9,
            team_size=1,  # the simulated people answer independently of one another
        )
        round_ = get_round(db, round_id)
        if round_.status == "draft":  # new, or left half-made by an interrupted run
            headcount = {side: round_.headcount(side) or 0 for side in SIDES}
            codes = {}  # codes left by an interrupted run stay unspent: their key is gone
            if not any(invites.issued_counts(db, round_id).values()):
                codes = _issue_codes(db, round_id, headcount)
            round_ = open_round(db, round_id)
            pools = {
                side: {q: rng.sample(texts, len(texts)) for q, texts in COMMENTS[side].items()}
                for side in SIDES
            }
            questionnaire = round_.questionnaire
            add_responses(
                db,
                round_id,
                [
                    simulate(questionnaire, side, rng, demo.gap_scale, pools[side])
                    for side in SIDES
                    for _ in range(demo.respondents)
                ],
            )
            _spend(db, [c for side in codes for c in codes[side][: demo.respondents]])
        if demo.close and round_.status == "open":
            close_round(db, round_id)
            if demo.closed_weeks_ago:
                _backdate(db, round_id, demo.closed_weeks_ago)
        ids.append(round_id)
    return ids


# Fixed, printed demo logins: a demo database holds simulated people only.
DEMO_ACCOUNTS = (
    ("hr@lustro.demo", "hr", "lustro-demo-hr"),
    ("facilitator@lustro.demo", "facilitator", "lustro-demo-facilitator"),
)


DEMO_DATABASE = "demo.db"


def demo_database(configured: str | Path) -> Path:
    """Where demo data goes: a file of its own next to the configured database."""
    configured = Path(configured)
    return configured if configured.name == DEMO_DATABASE else configured.with_name(DEMO_DATABASE)


def has_demo_accounts(db: Database) -> bool:
    if "users" not in db.table_names():
        return False
    emails = [email for email, _role, _password in DEMO_ACCOUNTS]
    return bool(
        db.execute(
            f"SELECT count(*) FROM users WHERE email IN ({', '.join('?' * len(emails))})", emails
        ).fetchone()[0]
    )


def create_demo_accounts(db: Database) -> list[tuple[str, str, str]]:
    """The demo's HR and facilitator accounts (idempotent); returns (email, role, password)."""
    for email, role, password in DEMO_ACCOUNTS:
        if find_user(db, email) is None:
            add_user(db, email, role, password)
    return list(DEMO_ACCOUNTS)


TRY_ROUND = "Demo: wypróbuj ankietę"
TRY_LINKS = 3  # invite links per side printed by `survey demo`: a few tries each


def try_round(db: Database) -> int:
    """An open demo round (no answers yet) for trying the survey yourself."""
    existing = {r.name: r for r in list_rounds(db)}
    if TRY_ROUND in existing and existing[TRY_ROUND].status == "open":
        return existing[TRY_ROUND].id
    round_id = existing[TRY_ROUND].id if TRY_ROUND in existing else create_round(
        db, TRY_ROUND, DEMO_QUESTIONNAIRE, SIDE_LABELS["a"], SIDE_LABELS["b"], lang="pl",
        threshold=3, comment_threshold=3,
    )  # fmt: skip
    if get_round(db, round_id).status == "draft":
        open_round(db, round_id)
    return round_id
