"""YAML files staff edit are read with a loader that refuses a key written twice: plain YAML
keeps only the last one and silently drops what was written under the first."""

from __future__ import annotations

from typing import Any

import yaml


class UniqueKeys(yaml.SafeLoader):
    """A safe loader that refuses a mapping key written twice."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                line = key_node.start_mark.line + 1
                raise ValueError(f"「{key}」が 2 回書かれています（{line} 行目）。"
                                 "1 行にまとめてください")
            seen.add(key)
        return super().construct_mapping(node, deep=deep)
