"""The entity network as GraphML and GEXF (both open in Gephi), written with the standard
library's XML writer so every name and label is escaped."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TextIO
from xml.etree import ElementTree as ET

from historiograph.store.database import Store
from historiograph.store.knowledge import iter_entities
from historiograph.store.resolution import iter_relations

_GRAPHML = "http://graphml.graphdrawing.org/xmlns"
_GEXF = "http://gexf.net/1.3"


def _nodes_and_edges(store: Store) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    nodes = [
        {"id": e["id"], "name": e["name"], "type": e["type"], "mentions": len(e["mentions"])}
        for e in iter_entities(store.conn)
    ]
    edges = [
        {"source": r["source"], "target": r["target"], "type": r["type"], "weight": r["weight"]}
        for r in iter_relations(store)
    ]
    return nodes, edges


def write_graphml(store: Store, out: TextIO) -> tuple[int, int]:
    """Write the network as GraphML; return (nodes, edges)."""
    nodes, edges = _nodes_and_edges(store)
    root = ET.Element("graphml", xmlns=_GRAPHML)
    for key, target, kind in (
        ("name", "node", "string"),
        ("type", "node", "string"),
        ("mentions", "node", "int"),
        ("relation", "edge", "string"),
        ("weight", "edge", "int"),
    ):
        ET.SubElement(
            root, "key", id=key, attrib={"for": target, "attr.name": key, "attr.type": kind}
        )
    graph = ET.SubElement(root, "graph", id="historiograph", edgedefault="undirected")
    for node in nodes:
        element = ET.SubElement(graph, "node", id=f"e{node['id']}")
        _data(
            element,
            [("name", node["name"]), ("type", node["type"]), ("mentions", node["mentions"])],
        )
    for number, edge in enumerate(edges):
        element = ET.SubElement(
            graph, "edge", id=f"r{number}", source=f"e{edge['source']}", target=f"e{edge['target']}"
        )
        _data(element, [("relation", edge["type"]), ("weight", edge["weight"])])
    _write(root, out)
    return len(nodes), len(edges)


def write_gexf(store: Store, out: TextIO) -> tuple[int, int]:
    """Write the network as GEXF 1.3; return (nodes, edges)."""
    nodes, edges = _nodes_and_edges(store)
    root = ET.Element("gexf", xmlns=_GEXF, version="1.3")
    graph = ET.SubElement(root, "graph", defaultedgetype="undirected", mode="static")
    node_attrs = ET.SubElement(graph, "attributes", attrib={"class": "node"})
    ET.SubElement(node_attrs, "attribute", id="type", title="type", type="string")
    ET.SubElement(node_attrs, "attribute", id="mentions", title="mentions", type="integer")
    edge_attrs = ET.SubElement(graph, "attributes", attrib={"class": "edge"})
    ET.SubElement(edge_attrs, "attribute", id="relation", title="relation", type="string")
    node_list = ET.SubElement(graph, "nodes")
    for node in nodes:
        element = ET.SubElement(node_list, "node", id=f"e{node['id']}", label=node["name"])
        values = ET.SubElement(element, "attvalues")
        ET.SubElement(values, "attvalue", attrib={"for": "type", "value": node["type"]})
        ET.SubElement(
            values, "attvalue", attrib={"for": "mentions", "value": str(node["mentions"])}
        )
    edge_list = ET.SubElement(graph, "edges")
    for number, edge in enumerate(edges):
        element = ET.SubElement(
            edge_list,
            "edge",
            id=f"r{number}",
            source=f"e{edge['source']}",
            target=f"e{edge['target']}",
            weight=str(edge["weight"]),
        )
        values = ET.SubElement(element, "attvalues")
        ET.SubElement(values, "attvalue", attrib={"for": "relation", "value": edge["type"]})
    _write(root, out)
    return len(nodes), len(edges)


def _data(element: ET.Element, values: Iterable[tuple[str, object]]) -> None:
    for key, value in values:
        ET.SubElement(element, "data", key=key).text = str(value)


def _write(root: ET.Element, out: TextIO) -> None:
    ET.indent(root)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ET.tostring(root, encoding="unicode"))
    out.write("\n")
