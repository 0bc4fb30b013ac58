"""An installed course as the desktop reads it: modules, languages, files from the store."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from stepcampus.coursepack.contentstore import ContentStore
from stepcampus.errors import StepCampusError

if TYPE_CHECKING:
    from stepcampus.render.markdown import Rendered


@dataclass(frozen=True)
class ModuleInfo:
    id: str
    language: str  # the language actually shown (falls back to the default one)
    title: str
    duration: int
    objectives: list[str]
    key_messages: list[str]
    file: str
    quiz: str | None
    facilitator: str | None


class PackageView:
    """An installed package (a course or a webinar series): its signed description and its
    files, read from the content store."""

    def __init__(self, manifest_json: str, content: ContentStore) -> None:
        self.data: dict[str, Any] = json.loads(manifest_json)
        self.course: dict[str, Any] = self.data["course"]
        self.content = content
        self.files: dict[str, str] = {f["path"]: f["sha256"] for f in self.data["files"]}
        self._sizes: dict[str, int] = {f["path"]: int(f["size"]) for f in self.data["files"]}

    @property
    def id(self) -> str:
        return str(self.course["id"])

    @property
    def version(self) -> str:
        return str(self.course["version"])

    @property
    def default_language(self) -> str:
        return str(self.course["default_language"])

    def title(self, language: str | None = None) -> str:
        titles = self.course["title"]
        return str(titles.get(language or "", titles[self.default_language]))

    def has_file(self, path: str) -> bool:
        return path in self.files

    def size_of(self, path: str) -> int:
        return self._sizes.get(path, 0)

    def read_bytes(self, path: str) -> bytes:
        try:
            return self.content.read(self.files[path])
        except KeyError:
            raise StepCampusError(f"{self.id} has no file {path!r}") from None
        except FileNotFoundError:  # left on demand in its published tree, or deleted
            raise StepCampusError(f"{path} of {self.id} is not on this computer") from None

    def read_text(self, path: str) -> str:
        return self.read_bytes(path).decode("utf-8").removeprefix("\ufeff").replace("\r\n", "\n")


class CourseView(PackageView):
    @property
    def module_ids(self) -> list[str]:
        return [m["id"] for m in self.course.get("modules") or []]  # none in a webinar series

    def module(self, module_id: str, language: str | None = None) -> ModuleInfo:
        for module in self.course["modules"]:
            if module["id"] == module_id:
                texts = module["languages"]
                lang = language if language in texts else self.default_language
                text = texts[lang]
                return ModuleInfo(module_id, lang, text["title"], text["duration"],
                                  text["objectives"], text["key_messages"], text["file"],
                                  text.get("quiz"), text.get("facilitator"))
        raise StepCampusError(f"course {self.id} has no module {module_id!r}")

    def render_module(self, module_id: str, language: str | None = None) -> Rendered:
        """The module's sanitised HTML, table of contents and paragraph anchors."""
        from stepcampus.render.frontmatter import split_front_matter
        from stepcampus.render.markdown import render_markdown

        info = self.module(module_id, language)
        front = split_front_matter(self.read_text(info.file), info.file)
        return render_markdown(front.body, module_path=info.file,
                               package_files=frozenset(self.files),
                               link_modules=self.module_links(info.language))

    def module_links(self, language: str) -> dict[str, str]:
        """Module files by package path -> module id, for links between modules in a text of
        `language` (a module or its facilitator notes)."""
        found = {text["file"]: module["id"] for module in self.course["modules"]
                 for text in module["languages"].values()}
        # A translation may link to a module only the default language has: same target id.
        for module in self.course["modules"]:
            found.setdefault(f"{language}/{module['id']}.md", module["id"])
        return found
