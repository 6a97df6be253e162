"""A spec document as openapi-core can route it.

openapi-core's path finder formats path templates with str.format, which reads a dot as attribute access, so
a dotted path-parameter name ({issued_api_key.key_id}) crashes it. Renaming the dots to "__" in the template
and in the parameter (path-item and operation level) changes nothing on the wire.
"""

from __future__ import annotations

import re
from typing import Any


def without_dotted_path_names(document: dict[str, Any]) -> dict[str, Any]:
    """The document (changed in place and returned) with every dotted path-parameter name renamed."""
    renamed = {}
    for path, item in document.get("paths", {}).items():
        for name in re.findall(r"{([^{}]+)}", path):
            if "." in name:
                path = path.replace("{" + name + "}", "{" + name.replace(".", "__") + "}")
                for owner in (item, *item.values()) if isinstance(item, dict) else ():
                    for param in owner.get("parameters", []) if isinstance(owner, dict) else ():
                        if isinstance(param, dict) and param.get("in") == "path" and param.get("name") == name:
                            param["name"] = name.replace(".", "__")
        renamed[path] = item
    document["paths"] = renamed
    return document
