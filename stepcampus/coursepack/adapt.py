"""Adapt a course locally: an editable copy of an installed course as a course source folder,
and the few edits the course editor makes to a source folder (a new module, a translation, a
new version).

The copy is the course exactly as learners have it: every file of the signed manifest, byte
for byte from the content store (front matter as written), and a `course.yaml` rebuilt from
the manifest's course description (modules in order, titles, languages, pass mark, authors,
licence; glossaries are files of their language folders). Its `derived_from` records where
it came from, build carries it into the new manifest, and learners see it.

The id rule: a copy keeps the original's id only when the original was signed with the
adapter's own key (they are revising their own course). Anyone else's course gets a new id,
`ID-local` unless the adapter types one, so the adaptation installs beside the original and
can never pass for an update of it on a learner's computer. Either way the version suggested
is the original's with the last number raised (1.0.0 -> 1.0.1).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from stepcampus.coursepack.languages import is_known_language
from stepcampus.coursepack.source import (
    ID_PATTERN,
    MANIFEST_NAME,
    VERSION_PATTERN,
    derived_from_problems,
)
from stepcampus.coursepack.yamlfile import Located, load_yaml
from stepcampus.errors import InputError, Problem
from stepcampus.tasks import Task
from stepcampus.textfile import decode_utf8, write_atomic

if TYPE_CHECKING:
    from stepcampus.campus import Campus
    from stepcampus.coursepack.installed import CourseView

ADAPTED_FOLDER = "adapted"  # in the data folder: DATA/adapted/COURSE-ID
LOCAL_SUFFIX = "-local"
SHIPPED_LANGUAGES = ("en", "fr", "es")


# -- provenance --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Provenance:
    """Where an adapted course comes from: `derived_from` in course.yaml and the manifest."""

    course: str
    version: str
    publisher: str  # the original publisher's key id
    publisher_name: str = ""
    title: str = ""  # the original's title in its default language

    @property
    def publisher_label(self) -> str:
        return self.publisher_name or self.publisher

    @property
    def course_label(self) -> str:
        return self.title or self.course

    def as_dict(self) -> dict[str, str]:
        found = {"course": self.course, "version": self.version, "publisher": self.publisher,
                 "publisher_name": self.publisher_name, "title": self.title}
        return {key: value for key, value in found.items() if value}


def provenance_of(course: Mapping[str, Any]) -> Provenance | None:
    """The provenance in a course description (manifest or course.yaml); None if it has none
    or it is malformed (a malformed one is refused by validate and at install)."""
    value = course.get("derived_from")
    if value is None or derived_from_problems(value):
        return None
    return Provenance(value["course"], value["version"], value["publisher"],
                      value.get("publisher_name", ""), value.get("title", ""))


def next_version(version: str) -> str:
    """The version suggested for an adaptation or a rebuild: the last number raised."""
    if not VERSION_PATTERN.match(version):
        return "1.0.0"
    major, minor, patch = (int(part) for part in version.split("."))
    return f"{major}.{minor}.{patch + 1}"


# -- making the editable copy ------------------------------------------------------------------
@dataclass(frozen=True)
class AdaptPlan:
    """What `adapt_course` will write; the desktop shows it for the adapter to change."""

    course_id: str  # the installed course
    version: str  # its installed version
    new_id: str
    new_version: str
    folder: Path
    provenance: Provenance
    keeps_id: bool  # the original was signed with the adapter's own key


@dataclass(frozen=True)
class AdaptResult:
    folder: Path
    course_id: str
    version: str
    files: int
    provenance: Provenance


def this_computer_key_id(campus: Campus) -> str | None:
    """The key id of this computer's publisher key, without making one if there is none."""
    from stepcampus.coursepack.keys import read_public_key

    public = Path(str(campus.default_key_path) + ".pub")
    return read_public_key(public).key_id if public.is_file() else None


def default_folder(campus: Campus, course_id: str) -> Path:
    return campus.data_dir / ADAPTED_FOLDER / course_id


def suggested_id(campus: Campus, course_id: str, adapter_key_id: str | None = None) -> str:
    """The id an adaptation gets unless the adapter types one (see the module's id rule)."""
    view = campus.course(course_id)
    return view.id if _signed_by_adapter(campus, view, adapter_key_id) else view.id + LOCAL_SUFFIX


def _signer(view: CourseView) -> str:
    return str((view.data.get("publisher") or {}).get("key_id", ""))


def _signed_by_adapter(campus: Campus, view: CourseView, adapter_key_id: str | None) -> bool:
    adapter = adapter_key_id or this_computer_key_id(campus)
    return bool(adapter) and adapter == _signer(view)


def plan_adaptation(campus: Campus, course_id: str, *, folder: Path | None = None,
                    new_id: str | None = None, version: str | None = None,
                    adapter_key_id: str | None = None) -> AdaptPlan:
    """Check and complete the adapter's choices; InputError naming what is wrong.

    `adapter_key_id` is the key the adaptation will be signed with (default: this computer's).
    """
    view = campus.course(course_id)
    _require_course(view)
    signer = _signer(view)
    own = _signed_by_adapter(campus, view, adapter_key_id)
    chosen = (new_id or "").strip() or suggested_id(campus, course_id, adapter_key_id)
    if not ID_PATTERN.match(chosen):
        raise InputError(Problem(chosen, None, "is not a valid course id",
                                 "use lower-case letters, digits and hyphens"))
    if chosen == view.id and not own:
        raise InputError(Problem(chosen, None, "is the original course's id, and the "
                                 "original was signed by another publisher",
                                 f"give the adaptation an id of its own, such as "
                                 f"{view.id}{LOCAL_SUFFIX}"))
    new_version = (version or "").strip() or next_version(view.version)
    if not VERSION_PATTERN.match(new_version):
        raise InputError(Problem(new_version, None, "is not a version MAJOR.MINOR.PATCH",
                                 "e.g. 1.0.1"))
    target = Path(folder) if folder else default_folder(campus, chosen)
    _check_target(target)
    trusted = campus.trust.get(signer) if signer else None
    name = trusted.name if trusted is not None and trusted.name != signer else ""
    provenance = Provenance(view.id, view.version, signer, name, view.title())
    return AdaptPlan(view.id, view.version, chosen, new_version, target, provenance,
                     keeps_id=chosen == view.id)


def adapt_course(campus: Campus, plan: AdaptPlan, task: Task | None = None) -> AdaptResult:
    """Write the editable copy into plan.folder: whole, or nothing (written aside, then moved
    into place)."""
    task = task or Task()
    view = campus.course(plan.course_id)
    _require_course(view)
    folder = plan.folder
    _check_target(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    entries = sorted(view.data["files"], key=lambda entry: entry["path"])
    staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}-"))
    try:
        for index, entry in enumerate(entries):
            task.report(index, len(entries), f"copying {entry['path']}")
            target = staging / entry["path"]  # paths checked safe when it was installed
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(_verified_file(view, entry))
        (staging / MANIFEST_NAME).write_text(course_yaml(view.course, plan), encoding="utf-8")
        task.check()
        if folder.exists():
            folder.rmdir()  # empty: _check_target refused anything else
        os.replace(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return AdaptResult(folder, plan.new_id, plan.new_version, len(entries), plan.provenance)


def adapt(campus: Campus, course_id: str, *, folder: Path | None = None,
          new_id: str | None = None, version: str | None = None,
          task: Task | None = None) -> AdaptResult:
    """`stepcampus adapt`: plan with the defaults, then copy."""
    plan = plan_adaptation(campus, course_id, folder=folder, new_id=new_id, version=version)
    return adapt_course(campus, plan, task)


def course_yaml(course: Mapping[str, Any], plan: AdaptPlan) -> str:
    """course.yaml of the copy, rebuilt from the signed description."""
    import yaml

    languages = list(course["languages"])

    def in_order(texts: Mapping[str, str]) -> dict[str, str]:
        # The manifest sorts its keys; the author's file follows the course's languages.
        rank = {lang: index for index, lang in enumerate(languages)}
        return dict(sorted(texts.items(), key=lambda item: (rank.get(item[0], 99), item[0])))

    doc: dict[str, Any] = {
        "id": plan.new_id,
        "version": plan.new_version,
        "derived_from": plan.provenance.as_dict(),
        "default_language": course["default_language"],
        "languages": languages,
        "title": in_order(course["title"]),
    }
    if course.get("description"):
        doc["description"] = in_order(course["description"])
    doc["authors"] = list(course.get("authors") or [])
    doc["licence"] = course.get("licence", "")
    doc["pass_mark"] = course["pass_mark"]
    doc["prerequisites"] = list(course.get("prerequisites") or [])
    doc["modules"] = [module["id"] for module in course["modules"]]
    source = plan.provenance
    header = (f"# Adapted from {source.course} {source.version} "
              f"(publisher {source.publisher_label}).\n"
              "# Edit the modules and give the course a title of its own, then build it with\n"
              "# your own key: stepcampus validate FOLDER; stepcampus build FOLDER\n")
    return header + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=88)


def _require_course(view: CourseView) -> None:
    if view.course.get("kind") == "webinar-series":
        raise InputError(Problem(view.id, None, "is a webinar series",
                                 "only courses can be adapted here"))


def _check_target(folder: Path) -> None:
    """Never write over an adapter's work: the folder must be new or empty."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise InputError(Problem(str(folder), None, "exists already and is not empty",
                                 "open it for editing, or choose another folder"))


def _verified_file(view: CourseView, entry: Mapping[str, Any]) -> bytes:
    data = view.read_bytes(entry["path"])
    if hashlib.sha256(data).hexdigest() != entry["sha256"]:
        raise InputError(Problem(f"{view.id}!{entry['path']}", None,
                                 "is damaged on this computer",
                                 "install the course again, then adapt it"))
    return data


# -- a source folder as the editor sees it -----------------------------------------------------
@dataclass(frozen=True)
class EditableFile:
    """A text file of a course source folder the editor lists."""

    path: str  # posix, relative to the folder
    kind: str  # "course", "module", "glossary", "quiz", "notes"
    language: str = ""
    module: str = ""
    title: str = ""  # the module's title in this language (from its front matter), or ""


def require_course_folder(folder: Path) -> Path:
    """A folder that holds a course's sources (a course.yaml), or InputError saying why not."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(Problem(str(folder), None, "is not a folder",
                                 "choose the folder that holds course.yaml"))
    if not (folder / MANIFEST_NAME).is_file():
        raise InputError(Problem(str(folder), None, "holds no course.yaml",
                                 "choose a course source folder, or adapt an installed course"))
    return folder


def folder_meta(folder: Path) -> dict[str, Any]:
    """course.yaml as far as it can be read; {} if it cannot (validate says why)."""
    import yaml

    try:
        data = yaml.safe_load((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


def editable_files(folder: Path) -> list[EditableFile]:
    """course.yaml, then per language (the default first): each module with its quiz and
    facilitator notes, in reading order, then the glossary."""
    folder = Path(folder)
    meta = folder_meta(folder)
    order = [m for m in meta.get("modules") or [] if isinstance(m, str)]
    listed = [lang for lang in meta.get("languages") or [] if isinstance(lang, str)]
    default = meta.get("default_language") if isinstance(meta.get("default_language"),
                                                          str) else ""
    present = sorted(p.name for p in folder.iterdir()
                     if p.is_dir() and is_known_language(p.name)) if folder.is_dir() else []
    languages = list(dict.fromkeys([default, *listed, *present]))
    found = [EditableFile(MANIFEST_NAME, "course")]
    for lang in languages:
        base = folder / lang
        if not lang or not base.is_dir():
            continue
        stems = sorted(p.stem for p in base.glob("*.md") if not p.name.startswith("."))
        ids = [m for m in order if m in stems] + [s for s in stems if s not in order]
        for module_id in ids:
            title = _front_title(base / f"{module_id}.md")
            found.append(EditableFile(f"{lang}/{module_id}.md", "module", lang, module_id,
                                      title))
            for kind, rel in (("quiz", f"{lang}/quizzes/{module_id}.gift"),
                              ("notes", f"{lang}/facilitator/{module_id}.md")):
                if (folder / rel).is_file():
                    found.append(EditableFile(rel, kind, lang, module_id, title))
        for kind, sub, suffix in (("quiz", "quizzes", ".gift"), ("notes", "facilitator", ".md")):
            for path in sorted((base / sub).glob(f"*{suffix}")):  # for modules not written yet
                if path.stem not in ids and not path.name.startswith("."):
                    found.append(EditableFile(f"{lang}/{sub}/{path.name}", kind, lang,
                                              path.stem))
        if (base / "glossary.yaml").is_file():
            found.append(EditableFile(f"{lang}/glossary.yaml", "glossary", lang))
    return found


def _front_title(path: Path) -> str:
    from stepcampus.render.frontmatter import split_front_matter

    try:
        meta = split_front_matter(path.read_text(encoding="utf-8"), str(path)).meta
    except (OSError, UnicodeDecodeError, InputError):
        return ""
    title = meta.get("title")
    return title.strip() if isinstance(title, str) else ""


class FolderFiles:
    """A source folder read like an installed package, for previews: `has_file` and
    `read_bytes` for images, `course` and `read_text` for the glossary."""

    def __init__(self, folder: Path) -> None:
        self.root = Path(folder)
        self.files: frozenset[str] = frozenset(
            rel for rel in (p.relative_to(self.root).as_posix()
                            for p in self.root.rglob("*") if p.is_file())
            if not any(part.startswith(".") for part in PurePosixPath(rel).parts))
        meta = folder_meta(self.root)
        language = meta.get("default_language")
        self.default_language = language if isinstance(language, str) else ""
        self.course: dict[str, Any] = {"glossary": {
            rel.split("/")[0]: rel for rel in self.files
            if rel.count("/") == 1 and rel.endswith("/glossary.yaml")}}

    def has_file(self, path: str) -> bool:
        return path in self.files

    def read_bytes(self, path: str) -> bytes:
        return (self.root / path).read_bytes()

    def read_text(self, path: str) -> str:
        return decode_utf8(self.read_bytes(path), path).removeprefix("\ufeff").replace(
            "\r\n", "\n")


# -- edits to a source folder's course.yaml and files ------------------------------------------
def add_module(folder: Path, module_id: str, title: str, language: str | None = None) -> str:
    """A new module file with front matter (a local case study to write), listed last in
    course.yaml. Returns its path in the folder."""
    folder = require_course_folder(folder)
    text, doc = _manifest(folder)
    modules = doc.data.get("modules")
    module_id, title = module_id.strip(), " ".join(title.split())
    if not ID_PATTERN.match(module_id):
        raise InputError(Problem(module_id or "''", None, "is not a valid module id",
                                 "use lower-case letters, digits and hyphens, e.g. "
                                 "local-case-study"))
    if isinstance(modules, list) and module_id in modules:
        raise InputError(Problem(module_id, None, "is already a module of this course",
                                 "choose another id"))
    if not title:
        raise InputError(Problem(module_id, None, "the module needs a title"))
    lang = language or str(doc.data.get("default_language") or "")
    if not is_known_language(lang):
        raise InputError(Problem(MANIFEST_NAME, doc.line("default_language"),
                                 "the course has no valid default language",
                                 "fix course.yaml first"))
    rel = f"{lang}/{module_id}.md"
    if (folder / rel).exists():
        raise InputError(Problem(rel, None, "exists already", "choose another id"))
    new_text = _append_to_list(text, doc, "modules", module_id)
    write_atomic(folder / rel, module_template(title).encode("utf-8"))
    write_atomic(folder / MANIFEST_NAME, new_text.encode("utf-8"))
    return rel


def module_template(title: str) -> str:
    import yaml

    meta = {"title": title, "duration": 30,
            "objectives": ["Explain what this local case shows about the course's ideas."],
            "key_messages": ["One sentence a participant should remember."]}
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=92)
    return (f"---\n{front}---\n\n"
            "Introduce the local situation in two or three sentences.\n\n"
            f"## Case study: {title} {{ .case-study }}\n\n"
            "Who is concerned, where, what happened and what changed for them.\n\n"
            "## Group activity { .activity-group }\n\n"
            "A question for the room to discuss in groups, and what to report back.\n")


def translate_module(folder: Path, module_id: str, language: str,
                     source_language: str | None = None) -> list[str]:
    """Copy a module (with its quiz and facilitator notes, so translated learners keep them)
    to another language folder, adding the language to course.yaml if needed. Returns the
    files written, the module first."""
    folder = require_course_folder(folder)
    text, doc = _manifest(folder)
    data = doc.data
    language = language.strip().lower()
    if not is_known_language(language):
        raise InputError(Problem(language or "''", None, "is not a language code",
                                 "use a two-letter ISO 639-1 code such as en, fr or es"))
    modules = data.get("modules") if isinstance(data.get("modules"), list) else []
    if module_id not in modules:
        raise InputError(Problem(module_id, None, "is not a module of course.yaml"))
    source = source_language or str(data.get("default_language") or "")
    if source == language:
        raise InputError(Problem(language, None, "is the language the module is in",
                                 "choose another language"))
    module = f"{source}/{module_id}.md"
    if not (folder / module).is_file():
        raise InputError(Problem(module, None, "does not exist", "write the module first"))
    target = f"{language}/{module_id}.md"
    if (folder / target).exists():
        raise InputError(Problem(target, None, "exists already", "open it to translate it"))
    pairs = [(module, target)] + [
        (f"{source}/{sub}/{module_id}{suffix}", f"{language}/{sub}/{module_id}{suffix}")
        for sub, suffix in (("quizzes", ".gift"), ("facilitator", ".md"))]
    pairs = [(a, b) for a, b in pairs if (folder / a).is_file() and not (folder / b).exists()]
    languages = data.get("languages")
    new_text = None
    if not isinstance(languages, list) or language not in languages:
        new_text = _append_to_list(text, doc, "languages", language)
    for a, b in pairs:
        write_atomic(folder / b, (folder / a).read_bytes())
    if new_text is not None:
        write_atomic(folder / MANIFEST_NAME, new_text.encode("utf-8"))
    return [b for _a, b in pairs]


def set_version(folder: Path, version: str) -> None:
    """Change the version in course.yaml, keeping the rest of the file as written."""
    folder = require_course_folder(folder)
    if not VERSION_PATTERN.match(version):
        raise InputError(Problem(version, None, "is not a version MAJOR.MINOR.PATCH"))
    text, doc = _manifest(folder)
    expected = {**doc.data, "version": version}
    line = doc.line("version")
    lines = text.split("\n")
    new_text = None
    if "version" in doc.data and line:
        pattern = re.compile(r"^(version:\s*)(['\"]?)[^'\"\s#]*\2(\s*(?:#.*)?)$")
        match = pattern.match(lines[line - 1])
        if match:
            lines[line - 1] = f"{match.group(1)}{match.group(2)}{version}{match.group(2)}" \
                              f"{match.group(3)}"
            new_text = "\n".join(lines)
    if new_text is None or _parse(new_text) != expected:
        new_text = _dump(expected)
    write_atomic(folder / MANIFEST_NAME, new_text.encode("utf-8"))


def _manifest(folder: Path) -> tuple[str, Located]:
    from stepcampus.textfile import read_text

    text = read_text(folder / MANIFEST_NAME).removeprefix("\ufeff").replace("\r\n", "\n")
    doc = load_yaml(text, MANIFEST_NAME)
    if not isinstance(doc.data, dict):
        raise InputError(Problem(MANIFEST_NAME, 1, "must be a mapping of fields",
                                 "fix course.yaml first"))
    return text, doc


def _parse(text: str) -> Any:
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return None


def _dump(data: dict[str, Any]) -> str:
    import yaml

    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=92)


def _scalar(item: str) -> str:
    """item as YAML reads it back: quoted when plain would mean something else (`no`)."""
    return item if _parse(item) == item else f"'{item}'"


def _append_to_list(text: str, doc: Located, key: str, item: str) -> str:
    """text with item added at the end of the top-level list `key`, as the author wrote the
    list (block or flow); re-written whole only when the layout is too unusual to edit."""
    data = doc.data
    items = data.get(key)
    if items is not None and not isinstance(items, list):
        raise InputError(Problem(MANIFEST_NAME, doc.line(key), f"{key} must be a list",
                                 "fix course.yaml first"))
    items = list(items or [])
    expected = {**data, key: [*items, item]}
    lines = text.split("\n")
    key_line = doc.line(key) if key in data else None
    new_text = None
    if items and key_line:
        last = doc.line(key, len(items) - 1) or 0
        block = re.match(r"^(\s*)-\s", lines[last - 1]) if last > key_line else None
        if block:
            lines.insert(last, f"{block.group(1)}- {_scalar(item)}")
            new_text = "\n".join(lines)
    if new_text is None and key_line:
        flow = re.match(rf"^({re.escape(key)}:\s*\[)(.*?)(\]\s*(?:#.*)?)$", lines[key_line - 1])
        if flow:
            inner = flow.group(2).strip()
            joined = f"{inner}, {_scalar(item)}" if inner else _scalar(item)
            lines[key_line - 1] = f"{flow.group(1)}{joined}{flow.group(3)}"
            new_text = "\n".join(lines)
    if new_text is None or _parse(new_text) != expected:
        return _dump(expected)  # loses the comments; only for layouts the edit cannot follow
    return new_text
