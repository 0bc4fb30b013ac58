"""Read a course source folder into a checked description, collecting every problem at once.

`load_course` is both `stepcampus validate` (report everything) and the first step of a build
(refuse to build while anything is wrong).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from stepcampus.coursepack.languages import is_known_language
from stepcampus.coursepack.yamlfile import Located, load_yaml
from stepcampus.errors import InputError, Problem
from stepcampus.textfile import decode_utf8

MANIFEST_NAME = "course.yaml"
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
VERSION_PATTERN = re.compile(r"^\d+\.\d+\.\d+$")
MAX_SOURCE_FILE = 256 * 1024 * 1024
MANIFEST_FIELDS = ("id", "version", "default_language", "languages", "title", "description",
                   "authors", "licence", "pass_mark", "prerequisites", "modules", "derived_from")
# The provenance of an adapted course: the course it was copied from, and that one's publisher.
DERIVED_FIELDS = ("course", "version", "publisher", "publisher_name", "title")
KEY_ID_PATTERN = re.compile(r"^[0-9a-f]{16}$")
MODULE_FIELDS = ("title", "duration", "objectives", "key_messages")
REMOTE = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//)")
LINK = re.compile(r"(!?)\[[^\]]*\]\(\s*<?([^)\s>]+)")
REFERENCE = re.compile(r"^\s{0,3}\[(?!\^)[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)")


@dataclass
class ModuleText:
    """One module in one language, as its front matter describes it."""

    path: str
    title: str
    duration: int
    objectives: list[str]
    key_messages: list[str]
    quiz: str | None = None
    facilitator: str | None = None

    def describe(self) -> dict[str, Any]:
        return {
            "file": self.path,
            "title": self.title,
            "duration": self.duration,
            "objectives": self.objectives,
            "key_messages": self.key_messages,
            "quiz": self.quiz,
            "facilitator": self.facilitator,
        }


@dataclass
class CourseSource:
    root: Path
    meta: dict[str, Any]
    modules: dict[str, dict[str, ModuleText]] = field(default_factory=dict)  # id -> lang -> text
    glossaries: dict[str, str] = field(default_factory=dict)  # lang -> path
    files: list[str] = field(default_factory=list)  # package paths, sorted

    @property
    def id(self) -> str:
        return str(self.meta["id"])

    @property
    def version(self) -> str:
        return str(self.meta["version"])

    def describe(self) -> dict[str, Any]:
        """The course part of a package manifest: everything a library screen needs."""
        meta = self.meta
        described = {
            "id": meta["id"],
            "version": meta["version"],
            "default_language": meta["default_language"],
            "languages": list(meta["languages"]),
            "title": dict(meta["title"]),
            "description": dict(meta.get("description") or {}),
            "authors": list(meta.get("authors") or []),
            "licence": meta.get("licence", ""),
            "pass_mark": meta["pass_mark"],
            "prerequisites": list(meta.get("prerequisites") or []),
            "glossary": dict(sorted(self.glossaries.items())),
            "modules": [
                {"id": module_id,
                 "languages": {lang: text.describe()
                               for lang, text in sorted(self.modules[module_id].items())}}
                for module_id in meta["modules"]
            ],
        }
        # Only when present, so the manifests of courses that are not adaptations stay as
        # they were (builds are reproducible byte for byte).
        if meta.get("derived_from") is not None:
            described["derived_from"] = dict(meta["derived_from"])
        return described


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, file: str, line: int | None, message: str, hint: str = "") -> None:
        self.problems.append(Problem(file, line, message, hint))

    def absorb(self, error: InputError) -> None:
        self.problems.extend(error.problems)


def load_course(root: Path) -> tuple[CourseSource | None, list[Problem]]:
    """Read and check a course folder. Returns the course (None if unusable) and all problems."""
    out = _Collector()
    root = Path(root)
    opened = open_source(root, MANIFEST_NAME, "course", out)
    if opened is None:
        return None, out.problems
    files, located = opened
    meta = _check_manifest(located, out)
    if meta is None:
        return None, out.problems
    course = CourseSource(root=root, meta=meta, files=files)
    _check_language_folders(course, located, out)
    _load_modules(course, located, out)
    _load_glossaries(course, out)
    return course, sorted(set(out.problems), key=_problem_order)


def open_source(root: Path, manifest: str, what: str,
                out: _Collector) -> tuple[list[str], Located] | None:
    """The files of a source folder and its manifest, or None with the problem in `out`."""
    if not root.is_dir():
        out.add(str(root), None, "not a folder", f"give the {what} source folder")
        return None
    files = _list_files(root, out)
    if manifest not in files:
        out.add(manifest, None, f"the {what} manifest is missing",
                f"create {manifest} as the authoring guide shows")
        return None
    located = _read_yaml(root, manifest, out)
    return None if located is None else (files, located)


def require_course(root: Path) -> CourseSource:
    """Load a course that must be free of problems (for a build)."""
    course, problems = load_course(root)
    if problems or course is None:
        raise InputError(problems)
    return course


def _problem_order(p: Problem) -> tuple[str, int, str]:
    return (p.file, p.line or 0, p.message)


def _list_files(root: Path, out: _Collector) -> list[str]:
    found: list[str] = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if any(part.startswith(".") for part in PurePosixPath(rel).parts):
            continue  # editor and VCS leftovers are never part of a course
        if path.is_symlink():
            out.add(rel, None, "is a symbolic link", "copy the file into the course instead")
        elif path.is_file():
            if path.stat().st_size > MAX_SOURCE_FILE:
                out.add(rel, None, "is larger than 256 MiB", "offer a smaller variant")
                continue
            found.append(rel)
    return found


def read_text(root: Path, rel: str, out: _Collector) -> str | None:
    try:
        text = decode_utf8((root / rel).read_bytes(), rel)
    except InputError as exc:
        out.absorb(exc)
        return None
    return text.removeprefix("\ufeff").replace("\r\n", "\n")


def _read_yaml(root: Path, rel: str, out: _Collector) -> Located | None:
    text = read_text(root, rel, out)
    if text is None:
        return None
    try:
        return load_yaml(text, rel)
    except InputError as exc:
        out.absorb(exc)
        return None


def _check_manifest(doc: Located, out: _Collector) -> dict[str, Any] | None:
    data = doc.data
    if not isinstance(data, dict):
        out.add(MANIFEST_NAME, 1, "must be a mapping of fields", "see the authoring guide")
        return None
    ok = True

    def bad(key: str, message: str, hint: str = "", fatal: bool = False) -> None:
        nonlocal ok
        ok = ok and not fatal
        out.add(MANIFEST_NAME, doc.line(key), message, hint)

    _unknown_fields(data, MANIFEST_FIELDS, doc, MANIFEST_NAME, out)
    for key in ("id", "version", "default_language", "languages", "title", "pass_mark",
                "modules"):
        if key not in data:
            bad(key, f"the field '{key}' is missing", "add it as the authoring guide shows",
                fatal=True)
    if not ok:
        return None
    # Problems below are reported but do not stop the checks of modules, quizzes and glossaries.
    if not isinstance(data["id"], str) or not ID_PATTERN.match(data["id"]):
        bad("id", f"id {data['id']!r} is not valid", "use lower-case letters, digits and hyphens")
    if not isinstance(data["version"], str) or not VERSION_PATTERN.match(data["version"]):
        bad("version", f"version {data['version']!r} is not MAJOR.MINOR.PATCH",
            "write it as a quoted string such as '1.0.0'")
    languages = data["languages"]
    if not isinstance(languages, list) or not languages:
        bad("languages", "languages must be a non-empty list", "e.g. [en, fr, es]", fatal=True)
        languages = []
    for index, lang in enumerate(languages):
        if not isinstance(lang, str) or not is_known_language(lang):
            out.add(MANIFEST_NAME, doc.line("languages", index), f"unknown language {lang!r}",
                    "use a two-letter ISO 639-1 code such as en, fr or es")
    # Reported once above; the other checks go on with the languages that make sense.
    data["languages"] = languages = [lang for lang in languages
                                     if isinstance(lang, str) and is_known_language(lang)]
    if data["default_language"] not in languages:
        bad("default_language", f"default language {data['default_language']!r} is not listed "
            "in languages", "add it to languages", fatal=True)
    title = data["title"]
    if not isinstance(title, dict) or not all(isinstance(v, str) and v.strip()
                                              for v in title.values()):
        bad("title", "title must map each language to a non-empty text", "e.g. en: My course")
    elif data["default_language"] not in title:
        bad("title", f"title has no {data['default_language']!r} text",
            "give a title in the default language")
    else:
        for lang in title:
            if lang not in languages:
                bad("title", f"title given in {lang!r}, which is not in languages",
                    "add the language or remove the title")
    description = data.get("description", {})
    if description is not None and not isinstance(description, dict):
        bad("description", "description must map languages to text")
    pass_mark = data["pass_mark"]
    if isinstance(pass_mark, bool) or not isinstance(pass_mark, int | float) \
            or not 0 <= pass_mark <= 100:
        bad("pass_mark", f"pass mark {pass_mark!r} is not a percentage", "use 0 to 100")
    modules = data["modules"]
    if not isinstance(modules, list) or not modules:
        bad("modules", "modules must list the module ids in reading order", fatal=True)
        modules = []
    seen: set[str] = set()
    for index, module_id in enumerate(modules):
        line = doc.line("modules", index)
        if not isinstance(module_id, str) or not ID_PATTERN.match(module_id):
            out.add(MANIFEST_NAME, line, f"module id {module_id!r} is not valid",
                    "use lower-case letters, digits and hyphens, as in the file name")
        elif module_id in seen:
            out.add(MANIFEST_NAME, line, f"module {module_id!r} is listed twice")
        else:
            seen.add(module_id)
    # Already reported; the module checks go on with the ids that can name a file.
    data["modules"] = list(dict.fromkeys(m for m in modules if m in seen))
    for key in ("prerequisites",):
        value = data.get(key, [])
        if value is not None and (not isinstance(value, list)
                                  or not all(isinstance(v, str) and ID_PATTERN.match(v)
                                             for v in value)):
            bad(key, f"{key} must be a list of course ids")
    authors = data.get("authors", [])
    if authors is not None and not isinstance(authors, list):
        bad("authors", "authors must be a list", "e.g. - name: A. Trainer")
    if not isinstance(data.get("licence", ""), str):
        bad("licence", "licence must be a text such as CC-BY-4.0")
    if data.get("derived_from") is not None:
        for key, message in derived_from_problems(data["derived_from"]):
            out.add(MANIFEST_NAME, doc.line("derived_from", *key), message,
                    "derived_from names the course this one was adapted from: course, "
                    "version, publisher (its key id), optionally publisher_name and title")
    return data if ok else None


def derived_from_problems(value: Any) -> list[tuple[tuple[str, ...], str]]:
    """What is wrong with a `derived_from` mapping: (key path, message) pairs; [] if fine.

    Shared by validate (with lines) and the install-time manifest check, so a learner's
    library never shows a provenance line it cannot read."""
    if not isinstance(value, dict):
        return [((), "derived_from must be a mapping (course, version, publisher, "
                      "publisher_name)")]
    problems: list[tuple[tuple[str, ...], str]] = []
    for key in value:
        if key not in DERIVED_FIELDS:
            problems.append(((str(key),), f"unknown field 'derived_from.{key}'"))
    checks = (("course", ID_PATTERN, "a course id"), ("version", VERSION_PATTERN,
                                                      "a version such as '1.0.0'"),
              ("publisher", KEY_ID_PATTERN, "a publisher key id (16 hexadecimal digits)"))
    for key, pattern, what in checks:
        item = value.get(key)
        if item is None:
            problems.append(((), f"derived_from has no '{key}'"))
        elif not isinstance(item, str) or not pattern.match(item):
            problems.append(((key,), f"derived_from.{key} {item!r} is not {what}"))
    for key in ("publisher_name", "title"):
        if key in value and not isinstance(value[key], str):
            problems.append(((key,), f"derived_from.{key} must be a text"))
    return problems


def _unknown_fields(data: dict[str, Any], known: tuple[str, ...], doc: Located, rel: str,
                    out: _Collector) -> None:
    """A misspelt field would otherwise be silently ignored, and reported as 'missing'."""
    import difflib

    for key in data:
        if key not in known:
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f"did you mean '{close[0]}'?" if close else \
                "known fields: " + ", ".join(known)
            out.add(rel, doc.line(key), f"unknown field '{key}'", hint)


def _check_language_folders(course: CourseSource, doc: Located, out: _Collector) -> None:
    languages = set(course.meta["languages"])
    top = {PurePosixPath(f).parts[0] for f in course.files if len(PurePosixPath(f).parts) > 1}
    for folder in sorted(top - languages - {"media"}):
        hint = ("add it to languages in course.yaml" if is_known_language(folder)
                else "name language folders with ISO 639-1 codes (en, fr, es) or use media/")
        out.add(folder + "/", None, f"folder {folder!r} is not a language of the course", hint)
    for lang in sorted(languages - top):
        out.add(MANIFEST_NAME, doc.line("languages"), f"language {lang!r} has no folder",
                f"create {lang}/ with the translated modules or remove {lang!r}")


def _load_modules(course: CourseSource, doc: Located, out: _Collector) -> None:
    from stepcampus.coursepack.gift import parse_gift

    meta = course.meta
    module_ids: list[str] = list(meta["modules"])
    files = set(course.files)
    default = meta["default_language"]
    for index, module_id in enumerate(module_ids):
        course.modules[module_id] = {}
        if f"{default}/{module_id}.md" not in files:
            out.add(MANIFEST_NAME, doc.line("modules", index),
                    f"module {module_id!r} has no file {default}/{module_id}.md",
                    "write the module or remove it from modules")
    for rel in course.files:
        parts = PurePosixPath(rel).parts
        if len(parts) < 2 or parts[0] not in meta["languages"]:
            continue
        lang, stem = parts[0], PurePosixPath(rel).stem
        kind = parts[1] if len(parts) == 3 else ""
        if len(parts) == 2 and rel.endswith(".md"):
            if stem not in course.modules:
                out.add(rel, None, f"module {stem!r} is not listed in course.yaml",
                        "add it to modules or remove the file")
                continue
            text = _load_module_text(course, rel, out)
            if text is not None:
                course.modules[stem][lang] = text
        elif kind == "quizzes" and rel.endswith(".gift"):
            if stem not in course.modules:
                out.add(rel, None, f"quiz for unknown module {stem!r}",
                        "name the quiz after a module id in course.yaml")
                continue
            source = read_text(course.root, rel, out)
            if source is not None:
                try:
                    if not parse_gift(source, rel):
                        out.add(rel, None, "the quiz holds no question")
                except InputError as exc:
                    out.absorb(exc)
        elif kind == "facilitator" and rel.endswith(".md"):
            if stem not in course.modules:
                out.add(rel, None, f"facilitator notes for unknown module {stem!r}",
                        "name the notes after a module id in course.yaml")
                continue
            _check_facilitator(course, rel, out)
    # Attach quizzes and notes to the module texts that exist.
    for module_id, texts in course.modules.items():
        for lang, text in texts.items():
            quiz = f"{lang}/quizzes/{module_id}.gift"
            notes = f"{lang}/facilitator/{module_id}.md"
            text.quiz = quiz if quiz in files else None
            text.facilitator = notes if notes in files else None


def _load_module_text(course: CourseSource, rel: str, out: _Collector) -> ModuleText | None:
    from stepcampus.render.frontmatter import split_front_matter

    source = read_text(course.root, rel, out)
    if source is None:
        return None
    try:
        fm = split_front_matter(source, rel)
    except InputError as exc:
        out.absorb(exc)
        return None
    # The front matter sits between line 1 ('---') and the line before the body ('---').
    fm_text = "\n".join(source.split("\n")[1: max(fm.body_line - 2, 1)])
    located = load_yaml(fm_text, rel, 2) if fm.meta else Located({}, {})
    meta = fm.meta
    _unknown_fields(meta, MODULE_FIELDS, located, rel, out)
    ok = True

    def bad(key: str, message: str, hint: str) -> None:
        nonlocal ok
        ok = False
        out.add(rel, located.line(key) or 1, message, hint)

    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        bad("title", "the module has no title", "add 'title:' to the front matter")
    objectives = meta.get("objectives")
    if not objectives:
        bad("objectives", "the module has no learning objectives",
            "add 'objectives:' with at least one item to the front matter")
    elif not isinstance(objectives, list) or not all(isinstance(o, str) for o in objectives):
        bad("objectives", "objectives must be a list of sentences", "write '- Explain ...'")
    duration = meta.get("duration")
    if isinstance(duration, bool) or not isinstance(duration, int) or duration <= 0:
        bad("duration", f"duration {duration!r} is not a number of minutes",
            "add 'duration: 45' to the front matter")
    key_messages = meta.get("key_messages", [])
    if not isinstance(key_messages, list) or not all(isinstance(k, str) for k in key_messages):
        bad("key_messages", "key_messages must be a list of sentences", "write '- ...'")
    _check_links(course, rel, fm.body, fm.body_line, out)
    if not ok:
        return None
    return ModuleText(path=rel, title=title.strip(), duration=duration,
                      objectives=list(objectives), key_messages=list(key_messages))


def _check_links(course: CourseSource, rel: str, body: str, first_line: int,
                 out: _Collector) -> None:
    files = set(course.files)
    base = PurePosixPath(rel).parent
    in_fence = False
    for offset, line in enumerate(body.split("\n")):
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        if in_fence:
            continue
        number = first_line + offset
        targets = [(m.group(1) == "!", m.group(2)) for m in LINK.finditer(line)]
        ref = REFERENCE.match(line)
        if ref:
            targets.append((False, ref.group(1)))
        for is_image, target in targets:
            problem = _link_problem(course, files, base, target, is_image)
            if problem:
                out.add(rel, number, *problem)


def _link_problem(course: CourseSource, files: set[str], base: PurePosixPath, target: str,
                  is_image: bool) -> tuple[str, str] | None:
    what = "image" if is_image else "link"
    if target.startswith("#"):
        return None
    if REMOTE.match(target):
        return (f"{what} to a remote address {target!r}",
                "learners are offline: copy the file into media/ or cite the source in words")
    path = target.split("#", 1)[0].split("?", 1)[0]
    resolved: list[str] = []
    for part in (base / path).parts:
        if part == "..":
            if not resolved:
                return (f"{what} {target!r} points outside the course", "link inside the course")
            resolved.pop()
        elif part != ".":
            resolved.append(part)
    full = "/".join(resolved)
    if full in files:
        return None
    stem = PurePosixPath(path).stem
    if not is_image and path.endswith(".md") and "/" not in path and stem in course.modules:
        return None  # module links fall back to the default language
    return (f"broken {what}: {target!r} does not exist",
            "check the file name; paths are relative to the module file")


def _check_facilitator(course: CourseSource, rel: str, out: _Collector) -> None:
    from stepcampus.render.frontmatter import split_front_matter

    source = read_text(course.root, rel, out)
    if source is None:
        return
    try:
        fm = split_front_matter(source, rel)
    except InputError as exc:
        out.absorb(exc)
        return
    timings = fm.meta.get("timings", [])
    if not isinstance(timings, list) or not all(
        isinstance(t, dict) and isinstance(t.get("minutes"), int) and isinstance(
            t.get("activity"), str) for t in timings):
        out.add(rel, 2, "timings must be a list of 'minutes:' and 'activity:' pairs",
                "see the authoring guide")


def _load_glossaries(course: CourseSource, out: _Collector) -> None:
    for lang in course.meta["languages"]:
        rel = f"{lang}/glossary.yaml"
        if rel not in course.files:
            continue
        doc = _read_yaml(course.root, rel, out)
        if doc is None:
            continue
        if not isinstance(doc.data, list):
            out.add(rel, 1, "the glossary must be a list of entries", "start each with '- term:'")
            continue
        seen: set[str] = set()
        for index, entry in enumerate(doc.data):
            line = doc.line(index)
            if not isinstance(entry, dict) or not isinstance(entry.get("term"), str) \
                    or not isinstance(entry.get("definition"), str):
                out.add(rel, line, "each entry needs a 'term' and a 'definition'")
                continue
            aliases = entry.get("aliases", [])
            if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
                out.add(rel, line, "aliases must be a list of words", "e.g. aliases: [mutuelles]")
            key = entry["term"].casefold()
            if key in seen:
                out.add(rel, line, f"term {entry['term']!r} is defined twice")
            seen.add(key)
        course.glossaries[lang] = rel
