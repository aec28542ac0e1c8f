"""A polite client of the Wikidata Action API: wbsearchentities and wbgetentities, with a
descriptive User-Agent, batching, a rate limit, retries honouring Retry-After and an on-disk cache.
It takes an `httpx.Client`, so tests hand it a transport that replays recorded answers.
"""
from __future__ import annotations

import email.utils
import hashlib
import json
import time
from collections.abc import Callable, Iterable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import httpx

from kg.errors import WikidataError, WikidataUnreachable

API_URL = "https://www.wikidata.org/w/api.php"
PROJECT_URL = "https://w3id.org/deir-ez-zor-2024/"
BATCH = 50
"""wbgetentities takes at most 50 ids a call from clients without the apihighlimits right."""
TIMEOUT = httpx.Timeout(20.0, connect=5.0)
MAX_DELAY = 120.0
"""Never wait longer than this between attempts, whatever Retry-After says."""
CACHE_MAX_AGE = 7 * 86400.0
"""A cached answer older than a week is asked for again: items change, and verify must see it."""
MAXLAG = "5"
"""Ask the API to refuse us while its replicas lag, as Wikimedia's API etiquette asks of scripts."""


def _package_version() -> str:
    try:
        return version("deir-ez-zor-kg")
    except PackageNotFoundError:
        return "0+unknown"


def default_user_agent() -> str:
    """Name/version (contact) library/version, the form Wikimedia's User-Agent policy asks for."""
    return (f"deir-ez-zor-kg/{_package_version()} ({PROJECT_URL}; Wikidata linking of an open "
            f"knowledge graph) httpx/{httpx.__version__}")


def _retry_after(response: httpx.Response) -> float | None:
    """Seconds asked for by a Retry-After header (delta-seconds or HTTP-date), if any.

    >>> _retry_after(httpx.Response(429, headers={"Retry-After": "7"}))
    7.0
    >>> _retry_after(httpx.Response(429)) is None
    True
    """
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class WikidataClient:
    """Read-only access to one Wikibase API; every request goes through `_call`."""

    def __init__(
        self,
        http: httpx.Client,
        *,
        api_url: str = API_URL,
        user_agent: str | None = None,
        cache_dir: Path | None = None,
        cache_max_age: float = CACHE_MAX_AGE,
        min_interval: float = 1.0,
        retries: int = 4,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.http = http
        self.api_url = api_url
        self.user_agent = user_agent or default_user_agent()
        self.cache_dir = cache_dir
        self.cache_max_age = cache_max_age
        self.min_interval = min_interval
        self.retries = retries
        self._sleep, self._clock = sleep, clock
        self._last: float | None = None

    def search(self, label: str, language: str = "en", limit: int = 10) -> list[dict]:
        """The `search` hits of wbsearchentities for a label, best first."""
        answer = self._call({
            "action": "wbsearchentities", "search": label, "language": language,
            "uselang": language, "type": "item", "limit": str(limit),
        })
        return list(answer.get("search", []))

    def get_entities(
        self,
        ids: Iterable[str],
        props: Iterable[str] = ("labels", "descriptions", "claims", "aliases"),
        languages: Iterable[str] = ("en",),
    ) -> dict[str, dict]:
        """Entity JSON by requested id, fetched 50 ids a call. A missing item comes back as
        `{"id": .., "missing": ""}`; a redirected one under the id asked for, with `redirects`."""
        wanted = sorted(set(ids), key=lambda q: (len(q), q))
        entities: dict[str, dict] = {}
        for start in range(0, len(wanted), BATCH):
            answer = self._call({
                "action": "wbgetentities", "ids": "|".join(wanted[start:start + BATCH]),
                "props": "|".join(props), "languages": "|".join(languages),
            })
            entities.update(answer.get("entities", {}))
        return entities

    def _call(self, params: dict[str, str]) -> dict:
        params = {**params, "format": "json", "maxlag": MAXLAG}
        cached = self._cache_path(params)
        if cached and cached.exists() and time.time() - cached.stat().st_mtime < self.cache_max_age:
            return json.loads(cached.read_text(encoding="utf-8"))["response"]
        answer = self._fetch(params)
        if cached:
            cached.parent.mkdir(parents=True, exist_ok=True)
            tmp = cached.with_suffix(".tmp")
            tmp.write_text(json.dumps({"params": params, "response": answer}, ensure_ascii=False), encoding="utf-8")
            tmp.replace(cached)
        return answer

    def _cache_path(self, params: dict[str, str]) -> Path | None:
        if self.cache_dir is None:
            return None
        key = json.dumps([self.api_url, sorted(params.items())], ensure_ascii=False)
        return Path(self.cache_dir) / f"{hashlib.sha256(key.encode()).hexdigest()}.json"

    def _fetch(self, params: dict[str, str]) -> dict:
        last_problem = ""
        for attempt in range(self.retries + 1):
            self._wait_turn()
            try:
                response = self.http.get(
                    self.api_url, params=params, headers={"User-Agent": self.user_agent}, timeout=TIMEOUT
                )
            except httpx.ConnectError as e:
                # Offline or refused: retrying would only delay the message.
                raise WikidataUnreachable(f"cannot reach Wikidata at {self.api_url}: {e}") from None
            except httpx.TransportError as e:
                last_problem = f"{type(e).__name__}: {e}"
                self._back_off(attempt, None)
                continue
            if response.status_code == 429 or response.status_code >= 500:
                last_problem = f"HTTP {response.status_code}"
                self._back_off(attempt, _retry_after(response))
                continue
            answer = self._json(response)
            error = answer.get("error")
            if isinstance(error, dict) and error.get("code") == "maxlag":
                last_problem = f"maxlag: {error.get('info', '')}"
                self._back_off(attempt, _retry_after(response))
                continue
            if isinstance(error, dict):
                raise WikidataError(f"Wikidata API error {error.get('code')}: {error.get('info', '')}")
            return answer
        if last_problem.startswith("HTTP") or last_problem.startswith("maxlag"):
            raise WikidataError(f"Wikidata at {self.api_url} kept refusing ({last_problem}) "
                                f"after {self.retries + 1} attempts")
        raise WikidataUnreachable(f"cannot reach Wikidata at {self.api_url}: {last_problem}")

    def _json(self, response: httpx.Response) -> dict:
        if response.status_code != 200:
            raise WikidataError(f"Wikidata at {self.api_url} answered HTTP {response.status_code}")
        try:
            answer = response.json()
        except ValueError:
            raise WikidataError(f"Wikidata at {self.api_url} answered something that is not JSON") from None
        if not isinstance(answer, dict):
            raise WikidataError(f"Wikidata at {self.api_url} answered an unexpected JSON {type(answer).__name__}")
        return answer

    def _wait_turn(self) -> None:
        now = self._clock()
        if self._last is not None and now - self._last < self.min_interval:
            self._sleep(self.min_interval - (now - self._last))
        self._last = self._clock()

    def _back_off(self, attempt: int, asked: float | None) -> None:
        if attempt >= self.retries:
            return
        delay = asked if asked is not None else 2.0 * 2 ** attempt
        self._sleep(min(delay, MAX_DELAY))


# Reading the entity JSON of wbgetentities.

def label(entity: dict, language: str = "en") -> str:
    """The entity's label in a language, or ""."""
    return (entity.get("labels") or {}).get(language, {}).get("value", "")


def description(entity: dict, language: str = "en") -> str:
    return (entity.get("descriptions") or {}).get(language, {}).get("value", "")


def aliases(entity: dict, language: str = "en") -> list[str]:
    return [a["value"] for a in (entity.get("aliases") or {}).get(language, [])]


def values(entity: dict, prop: str) -> list[dict]:
    """The datavalues of a property's non-deprecated statements ("claims" may be [] when empty)."""
    claims = entity.get("claims") or {}
    found = []
    for statement in claims.get(prop, []) if isinstance(claims, dict) else []:
        snak = statement.get("mainsnak", {})
        if statement.get("rank") != "deprecated" and snak.get("snaktype") == "value":
            found.append(snak["datavalue"])
    return found


def item_ids(entity: dict, prop: str) -> list[str]:
    """Item ids a property points to, e.g. the classes of P31."""
    return [v["value"]["id"] for v in values(entity, prop) if v.get("type") == "wikibase-entityid"]


def coordinates(entity: dict) -> tuple[float, float] | None:
    """(latitude, longitude) of the first P625 on Earth, if any."""
    for v in values(entity, "P625"):
        if v.get("type") == "globecoordinate":
            return float(v["value"]["latitude"]), float(v["value"]["longitude"])
    return None
